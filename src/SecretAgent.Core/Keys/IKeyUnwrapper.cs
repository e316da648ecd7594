using System.Security.Cryptography;

namespace SecretAgent.Core.Keys;

/// <summary>
/// The unwrapping half of the key service (KMS, or a local key file for demos): all the agent can do. Generating
/// data keys is a separate seam (IDataKeyGenerator) in SecretAgent.Publishing. Every call carries the encryption
/// context and a pinned key id: KMS then refuses a blob made under another key or another context.
/// Implementations throw <see cref="Errors.SecretAgentException"/> with kind Integrity (bad blob or context),
/// AccessDenied, NoCredentials, KeyUnusable (disabled, pending deletion), NotFound (no such key) or Unavailable.
/// </summary>
public interface IKeyUnwrapper
{
    Task<DataKey> DecryptAsync(
        ReadOnlyMemory<byte> encryptedKey,
        string keyId,
        EncryptionContext context,
        CancellationToken cancellationToken);
}

/// <summary>
/// A 256-bit data key in plaintext, its encrypted form, and the key ARN (or local key id) that the key service
/// reported. Dispose zeroes the plaintext.
/// </summary>
public sealed class DataKey : IDisposable
{
    private readonly byte[] plaintext;

    public DataKey(byte[] plaintext, byte[] encrypted, string keyArn)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        this.plaintext = plaintext;
        Encrypted = encrypted;
        KeyArn = keyArn;
    }

    public ReadOnlySpan<byte> Plaintext => plaintext;

    public byte[] Encrypted { get; }

    public string KeyArn { get; }

    public void Dispose() => CryptographicOperations.ZeroMemory(plaintext);
}
