using System.Security.Cryptography;

namespace SecretAgent.Core.Keys;

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
