using SecretAgent.Core.Keys;

namespace SecretAgent.Core.Format;

/// <summary>
/// The parsed, not yet decrypted, envelope of one stored object. <see cref="Context"/> is the full KMS encryption
/// context as stored (including aws:x-amz-cek-alg); <see cref="Generation"/> is parsed from it.
/// </summary>
public sealed record Envelope(
    EnvelopeFormat Format,
    byte[] EncryptedDataKey,
    byte[] Nonce,
    byte[]? Commitment,
    EncryptionContext Context,
    long Generation,
    long? PlaintextLength)
{
    public string Name => Context[EncryptionContext.NameKey];

    public string Scope => Context[EncryptionContext.ScopeKey];
}
