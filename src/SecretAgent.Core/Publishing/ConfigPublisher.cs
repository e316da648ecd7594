using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Publishing;

/// <summary>
/// Encrypts and stores a config as the next generation of its name. The write is a compare-and-swap on the ETag
/// read at the start, so of two concurrent publishers exactly one wins and the other gets kind Conflict instead of
/// silently overwriting (and both can't claim the same generation).
/// </summary>
public sealed class ConfigPublisher
{
    /// <summary>The agent's default per-object limit; larger configs could be published but never delivered.</summary>
    public const long MaxPlaintextBytes = (4 * 1024 * 1024) - 64;

    private readonly IObjectStore store;
    private readonly IKeyService keys;

    public ConfigPublisher(IObjectStore store, IKeyService keys)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        this.store = store;
        this.keys = keys;
    }

    public async Task<PublishResult> PublishAsync(string name, ReadOnlyMemory<byte> plaintext, string keyId, EnvelopeFormat format, CancellationToken cancellationToken)
    {
        ConfigName.Validate(name);
        CheckInput(name, plaintext, keyId);
        var key = store.Source.ObjectKey(name);
        var current = await store.HeadAsync(key, cancellationToken);
        var generation = (current is null ? await HighestPastGenerationAsync(key, name, cancellationToken) : EnvelopeReader.Parse(current.Metadata, name).Generation) + 1;
        var context = EncryptionContext.ForConfig(name, store.Source.Scope, generation);
        var sealedObject = await EnvelopeWriter.SealAsync(plaintext, context, keyId, format, keys, cancellationToken);
        try
        {
            var stored = await store.PutAsync(key, sealedObject.Body, sealedObject.Metadata, current?.ETag, cancellationToken);
            return new PublishResult(name, generation, stored.VersionId, stored.ETag, sealedObject.KeyArn);
        }
        catch (SecretAgentException ex)
        {
            throw ex.ForConfig(name);
        }
    }

    /// <summary>
    /// With no current object the config is new, or was removed: in a versioned bucket its old versions remain, and
    /// continuing above them keeps generations monotonic, so an agent's rollback floor still holds after a re-publish.
    /// </summary>
    private async Task<long> HighestPastGenerationAsync(string key, string name, CancellationToken cancellationToken)
    {
        IReadOnlyList<ObjectInfo> versions;
        try
        {
            versions = await store.ListVersionsAsync(key, cancellationToken);
        }
        catch (SecretAgentException ex) when (ex.Kind is ErrorKind.NotFound or ErrorKind.AccessDenied)
        {
            // No versions, or no permission to list them (a put-only role): start at 1.
            return 0;
        }

        return versions
            .Where(v => !v.IsDeleteMarker)
            .Select(v => TryGeneration(v, name))
            .DefaultIfEmpty(0)
            .Max();
    }

    private static long TryGeneration(ObjectInfo version, string name)
    {
        try
        {
            return EnvelopeReader.Parse(version.Metadata, name).Generation;
        }
        catch (SecretAgentException)
        {
            return 0;
        }
    }

    private static void CheckInput(string name, ReadOnlyMemory<byte> plaintext, string keyId)
    {
        if (string.IsNullOrWhiteSpace(keyId))
        {
            throw new SecretAgentException(ErrorKind.Usage, "no KMS key id given (set --kms-key-id or SECRET_AGENT_KMS_KEY_ID)", name);
        }

        if (plaintext.IsEmpty)
        {
            throw new SecretAgentException(ErrorKind.Usage, "input is empty", name);
        }

        if (plaintext.Length > MaxPlaintextBytes)
        {
            throw new SecretAgentException(ErrorKind.Usage, $"input is {plaintext.Length} bytes, over the {MaxPlaintextBytes}-byte limit the agent accepts", name);
        }
    }
}
