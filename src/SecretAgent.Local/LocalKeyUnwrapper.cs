using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;

namespace SecretAgent.Local;

/// <summary>
/// Stands in for KMS on demos and laptops: key ids are file:///path/to/key URIs naming a local AES-256 key file.
/// Data keys are wrapped with AES-256-GCM using the encryption context as associated data, so binding checks behave
/// as they do with KMS: a blob opens only under the same key and the same context.
/// This is the unwrapping half; the generator (admin only) is SecretAgent.Publishing's LocalKeyService.
/// Blob layout: "SAL1" | 8-byte key fingerprint | 12-byte nonce | 32-byte wrapped key | 16-byte tag.
/// </summary>
public sealed class LocalKeyUnwrapper : IKeyUnwrapper
{
    internal const int FingerprintLength = 8;
    internal const int NonceLength = 12;
    internal const int TagLength = 16;
    internal const int BlobLength = 4 + FingerprintLength + NonceLength + LocalKeyFile.KeyLength + TagLength;
    internal static readonly byte[] Magic = "SAL1"u8.ToArray();

    private readonly ConcurrentDictionary<string, byte[]> keys = new(StringComparer.Ordinal);

    public Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = Load(keyId);
        var blob = encryptedKey.Span;
        if (blob.Length != BlobLength || !blob[..4].SequenceEqual(Magic))
        {
            throw new SecretAgentException(ErrorKind.Integrity, "the data key blob is not a local-key blob (tampered, or made by KMS)");
        }

        if (!blob.Slice(4, FingerprintLength).SequenceEqual(Fingerprint(key)))
        {
            throw new SecretAgentException(ErrorKind.WrongKey, $"the data key was encrypted under a key other than {keyId}");
        }

        var plaintext = new byte[LocalKeyFile.KeyLength];
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(blob.Slice(4 + FingerprintLength, NonceLength), blob.Slice(BlobLength - TagLength - LocalKeyFile.KeyLength, LocalKeyFile.KeyLength), blob[^TagLength..], plaintext, Aad(context));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SecretAgentException(ErrorKind.Integrity, "the local key refused the data key: the encryption context or key blob does not match");
        }

        return Task.FromResult(new DataKey(plaintext, blob.ToArray(), keyId));
    }

    internal static byte[] Aad(EncryptionContext context) => Encoding.UTF8.GetBytes(context.ToJson());

    internal static ReadOnlySpan<byte> Fingerprint(byte[] key) => SHA256.HashData(key).AsSpan(0, FingerprintLength);

    internal byte[] Load(string keyId) => keys.GetOrAdd(keyId, id => LocalKeyFile.Read(LocalKeyFile.PathOf(id)));
}
