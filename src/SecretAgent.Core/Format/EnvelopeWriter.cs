using SecretAgent.Core.Keys;

namespace SecretAgent.Core.Format;

/// <summary>Encrypts a config into an S3 Encryption Client object (V3 by default, V2 on request).</summary>
public static class EnvelopeWriter
{
    /// <summary>
    /// Seals <paramref name="plaintext"/> under a fresh data key from <paramref name="keys"/>. The stored context is
    /// <paramref name="context"/> plus aws:x-amz-cek-alg, which the context must not already hold.
    /// </summary>
    public static Task<SealedObject> SealAsync(
        ReadOnlyMemory<byte> plaintext,
        EncryptionContext context,
        string keyId,
        EnvelopeFormat format,
        IKeyService keys,
        CancellationToken cancellationToken) => throw new NotImplementedException();
}
