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

/// <summary>The S3 Encryption Client object formats we write and read.</summary>
public enum EnvelopeFormat
{
    /// <summary>V2: AES-256-GCM, random IV, kms+context. Readable by every current S3EC.</summary>
    V2,

    /// <summary>V3: key commitment (suite 0x0073, HKDF-SHA512). The default.</summary>
    V3,
}
