using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;

namespace SecretAgent.Publishing;

/// <summary>
/// Encrypts and stores a config as the next generation of its name. The write is a compare-and-swap on the ETag
/// read at the start, so of two concurrent publishers exactly one wins and the other gets kind Conflict instead of
/// silently overwriting (and both can't claim the same generation). The generation is one above the highest
/// authenticated generation in the name's version history (<see cref="GenerationFloor"/>). Delete is here too:
/// it is the other write.
/// </summary>
public sealed class ConfigPublisher
{
    /// <summary>The agent's default per-object limit; larger configs could be published but never delivered.</summary>
    public const long MaxPlaintextBytes = GetRequest.DefaultMaxBytes - 64;

    private readonly IObjectStore store;
    private readonly IKeyService keys;

    public ConfigPublisher(IObjectStore store, IKeyService keys)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        this.store = store;
        this.keys = keys;
    }

    public async Task<PublishResult> PublishAsync(ConfigName name, ReadOnlyMemory<byte> plaintext, string keyId, EnvelopeFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var current = await store.HeadAsync(store.Source.ObjectKey(name), cancellationToken);
        return await ReplaceAsync(new Replacement(name, keyId, [], format, current?.ETag), plaintext, cancellationToken);
    }

    /// <summary>
    /// Publishes the next generation only if the config's latest version is still <see cref="Replacement.ExpectedETag"/>
    /// (null: there is none): rollback and rotate read a version, then write what they read, and must not overwrite a
    /// put that came in between.
    /// </summary>
    public async Task<PublishResult> ReplaceAsync(Replacement replacement, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        var (name, keyId, earlierKeyIds, format, expectedETag) = replacement;
        CheckInput(name, plaintext, keyId);
        var floor = await new GenerationFloor(store, keys).FindAsync(name, [keyId, .. earlierKeyIds.Where(k => k != keyId)], cancellationToken);
        var generation = Next(floor, name);
        var context = EncryptionContext.ForConfig(name, store.Source.Scope, generation);
        var sealedObject = await EnvelopeWriter.SealAsync(plaintext, context, keyId, format, keys, cancellationToken);
        try
        {
            var stored = await store.PutAsync(store.Source.ObjectKey(name), sealedObject.Body, sealedObject.Metadata, expectedETag, cancellationToken);
            return new PublishResult(name, generation, stored.VersionId, stored.ETag, sealedObject.KeyArn) { Skipped = floor.Skipped };
        }
        catch (SecretAgentException ex)
        {
            throw ex.ForConfig(name);
        }
    }

    /// <summary>Deletes the latest version; in a versioned bucket older versions remain (and history shows them).</summary>
    public async Task DeleteAsync(ConfigName name, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeleteAsync(store.Source.ObjectKey(name), cancellationToken);
        }
        catch (SecretAgentException ex)
        {
            throw ex.ForConfig(name);
        }
    }

    // Readers refuse a generation above the largest they parse, so put never publishes one.
    private static long Next(Floor floor, string name) => floor.Generation < EncryptionContext.MaxGeneration
        ? floor.Generation + 1
        : throw new SecretAgentException(ErrorKind.Integrity, $"generation {floor.Generation}, authenticated by KMS, is the largest readers accept; publish under a new config name", name);

    private static void CheckInput(string name, ReadOnlyMemory<byte> plaintext, string keyId)
    {
        if (string.IsNullOrWhiteSpace(keyId))
        {
            throw new SecretAgentException(ErrorKind.Usage, "no KMS key id given", name);
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

/// <summary>
/// One conditional publish: encrypt under <see cref="KeyId"/>, authenticate the history under it or one of
/// <see cref="EarlierKeyIds"/> (the keys of a rotation), replace the version whose ETag is <see cref="ExpectedETag"/>.
/// </summary>
public sealed record Replacement(ConfigName Name, string KeyId, IReadOnlyList<string> EarlierKeyIds, EnvelopeFormat Format, string? ExpectedETag);

/// <summary>What a publish stored: the generation bound into the object's context, and where S3 put it.</summary>
public sealed record PublishResult(string Name, long Generation, string? VersionId, string ETag, string KeyArn)
{
    /// <summary>Versions whose generation claims were passed over (forged or bound elsewhere): IT should delete them.</summary>
    public IReadOnlyList<SkippedVersion> Skipped { get; init; } = [];
}
