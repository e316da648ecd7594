using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Format;

/// <summary>
/// Reads S3 Encryption Client V2 and V3 objects: strict metadata parse, binding check against what the reader
/// expects BEFORE any key service call, KMS Decrypt pinned to an allowed key id, then content decryption.
/// Every refusal is a SecretAgentException of kind Integrity (or the key service's kind) naming the config.
/// </summary>
public static class EnvelopeReader
{
    /// <summary>Strictly parses the metadata (keys without x-amz-meta-). Throws Integrity on V1, unknown or mixed keys.</summary>
    public static Envelope Parse(IReadOnlyDictionary<string, string> metadata, string config) =>
        EnvelopeParser.Parse(metadata, config);

    /// <summary>
    /// Checks the stored context against <paramref name="expected"/>. The official .NET client skips this, so an object
    /// copied from another name, prefix or bucket would decrypt there; here it is refused before KMS is asked.
    /// </summary>
    private static void VerifyBinding(Envelope envelope, ExpectedBinding expected)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(expected);
        if (!string.Equals(envelope.Name, expected.Name, StringComparison.Ordinal))
        {
            throw Refuse(expected, $"object is bound to config '{envelope.Name}', not this one (copied or swapped object)");
        }

        if (!string.Equals(envelope.Scope, expected.Scope, StringComparison.Ordinal))
        {
            // The scope is the source URI unless a logical one was named (SourceUri.WithScope); say which applies.
            throw Refuse(expected, $"object is bound to scope {envelope.Scope}, not {expected.Scope} (copied from another prefix or bucket, or published under another --scope)");
        }

        if (envelope.Generation < expected.MinGeneration)
        {
            throw Refuse(expected, $"object generation {envelope.Generation} is below the required {expected.MinGeneration} (rollback)");
        }
    }

    /// <summary>
    /// The one binding inspection: parse the metadata and verify it against <paramref name="expected"/>, without any
    /// key service call. The opener, `check --online`, the admin tool's list and history and its generation floor
    /// all use it. Returns the envelope (when it parsed) and the refusal (when there is one).
    /// </summary>
    public static BindingInspection Inspect(IReadOnlyDictionary<string, string> metadata, ExpectedBinding expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Envelope envelope;
        try
        {
            envelope = Parse(metadata, expected.Name);
        }
        catch (SecretAgentException ex)
        {
            return new BindingInspection(null, ex);
        }

        try
        {
            VerifyBinding(envelope, expected);
            return new BindingInspection(envelope, null);
        }
        catch (SecretAgentException ex)
        {
            return new BindingInspection(envelope, ex);
        }
    }

    /// <summary>
    /// The one config-fetch path (the agent's delivery and the admin tool's get): GET with the limit (and version),
    /// then <see cref="OpenAsync"/>. Returns the stored object beside the opened one; the caller disposes the latter.
    /// </summary>
    public static async Task<(FetchedObject Stored, OpenedObject Opened)> FetchAndOpenAsync(
        IObjectReader reader,
        GetRequest request,
        ExpectedBinding expected,
        IReadOnlyList<string> allowedKeyIds,
        IKeyUnwrapper keys,
        CancellationToken cancellationToken,
        PlaintextAllocator? allocate = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var result = await reader.GetAsync(request, cancellationToken);
        var stored = result.Fetched ?? throw new SecretAgentException(ErrorKind.Internal, "store answered not-modified to an unconditional GET");
        return (stored, await OpenAsync(stored, expected, allowedKeyIds, keys, cancellationToken, allocate));
    }

    /// <summary>Inspect the binding, unwrap the data key with a pinned allowed key id, decrypt the body.</summary>
    public static async Task<OpenedObject> OpenAsync(
        FetchedObject stored,
        ExpectedBinding expected,
        IReadOnlyList<string> allowedKeyIds,
        IKeyUnwrapper keys,
        CancellationToken cancellationToken,
        PlaintextAllocator? allocate = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(expected);
        var envelope = Inspect(stored.Info.Metadata, expected).Verified();
        var (dataKey, keyId) = await UnwrapAsync(envelope, expected.Name, allowedKeyIds, keys, cancellationToken);
        using (dataKey)
        {
            var plaintext = ContentDecryptor.Decrypt(envelope, dataKey.Plaintext, stored.Body, expected.Name, allocate ?? OpenedObject.Pinned);
            return new OpenedObject(plaintext, envelope, dataKey.KeyArn) { KeyId = keyId };
        }
    }

    /// <summary>
    /// Tries each allowed key id in order, always pinned, so KMS never decrypts under a key outside the allowlist.
    /// A refusal that concerns one key moves on to the next (<see cref="KeyAttempts"/>). Returns the id that worked.
    /// </summary>
    private static async Task<(DataKey Key, string KeyId)> UnwrapAsync(
        Envelope envelope, string config, IReadOnlyList<string> allowedKeyIds, IKeyUnwrapper keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allowedKeyIds);
        ArgumentNullException.ThrowIfNull(keys);
        if (allowedKeyIds.Count == 0)
        {
            throw new SecretAgentException(ErrorKind.Usage, "no KMS key ids are allowed", config);
        }

        var attempts = new KeyAttempts();
        foreach (var keyId in allowedKeyIds)
        {
            try
            {
                return (await keys.DecryptAsync(envelope.EncryptedDataKey, keyId, envelope.Context, cancellationToken), keyId);
            }
            catch (SecretAgentException ex) when (KeyAttempts.MovesOn(ex))
            {
                attempts.Add(ex);
            }
        }

        throw attempts.Failure(config);
    }

    private static SecretAgentException Refuse(ExpectedBinding expected, string message) =>
        new(ErrorKind.Integrity, message, expected.Name);
}

/// <summary>What <see cref="EnvelopeReader.Inspect"/> found: the envelope if the metadata parsed, and the refusal if any.</summary>
public sealed record BindingInspection(Envelope? Envelope, SecretAgentException? Problem)
{
    /// <summary>The envelope, or the refusal thrown.</summary>
    public Envelope Verified() => Problem is null ? Envelope! : throw Problem;
}

/// <summary>
/// What a reader expects an object to be bound to: its config name and source scope exactly, and a generation at
/// least <see cref="MinGeneration"/> (a rollback floor).
/// </summary>
public sealed record ExpectedBinding(string Name, string Scope, long MinGeneration = 0);
