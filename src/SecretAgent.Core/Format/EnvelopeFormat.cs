namespace SecretAgent.Core.Format;

/// <summary>The S3 Encryption Client object formats we write and read.</summary>
public enum EnvelopeFormat
{
    /// <summary>V2: AES-256-GCM, random IV, kms+context. Readable by every current S3EC.</summary>
    V2,

    /// <summary>V3: key commitment (suite 0x0073, HKDF-SHA512). The default.</summary>
    V3,
}
