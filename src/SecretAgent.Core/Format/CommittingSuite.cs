using System.Security.Cryptography;
using System.Text;

namespace SecretAgent.Core.Format;

/// <summary>
/// The V3 algorithm suite 0x0073: AES-256-GCM with HKDF-SHA512 key derivation and a 28-byte key commitment, so one
/// ciphertext can't decrypt to two plaintexts under two data keys.
/// </summary>
internal static class CommittingSuite
{
    public const int MessageIdLength = 28;
    public const int CommitmentLength = 28;
    public const int KeyLength = 32;

    private static readonly byte[] SuiteId = [0x00, 0x73];

    /// <summary>The fixed IV: each derived key encrypts exactly one message, so a constant IV is safe.</summary>
    public static ReadOnlySpan<byte> Iv => [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];

    public static ReadOnlySpan<byte> AssociatedData => SuiteId;

    /// <summary>Derives the content key and the commitment from the data key and the message id.</summary>
    public static void Derive(ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> messageId, Span<byte> contentKey, Span<byte> commitment)
    {
        Span<byte> prk = stackalloc byte[64];
        try
        {
            HKDF.Extract(HashAlgorithmName.SHA512, dataKey, messageId, prk);
            HKDF.Expand(HashAlgorithmName.SHA512, prk, contentKey, Info("DERIVEKEY"));
            HKDF.Expand(HashAlgorithmName.SHA512, prk, commitment, Info("COMMITKEY"));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }

    private static byte[] Info(string label) => [.. SuiteId, .. Encoding.ASCII.GetBytes(label)];
}
