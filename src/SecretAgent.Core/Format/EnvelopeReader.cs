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
        throw new NotImplementedException();

    /// <summary>Checks the stored context against <paramref name="expected"/>; throws Integrity on any difference.</summary>
    public static void VerifyBinding(Envelope envelope, ExpectedBinding expected) =>
        throw new NotImplementedException();

    /// <summary>Parse, verify binding, unwrap the data key with a pinned allowed key id, decrypt the body.</summary>
    public static Task<OpenedObject> OpenAsync(
        FetchedObject stored,
        ExpectedBinding expected,
        IReadOnlyList<string> allowedKeyIds,
        IKeyService keys,
        CancellationToken cancellationToken) => throw new NotImplementedException();
}
