using System.Security.Cryptography;
using SecretAgent.Core.Keys;
using SecretAgent.Local;

namespace SecretAgent.Publishing;

/// <summary>
/// The local key file as the admin tool uses it: <see cref="LocalKeyUnwrapper"/> for unwrapping (the agent's code),
/// plus generating data keys wrapped in the same blob layout.
/// </summary>
public sealed class LocalKeyService : IKeyService
{
    private readonly LocalKeyUnwrapper unwrapper = new();

    public Task<DataKey> GenerateDataKeyAsync(string keyId, EncryptionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = unwrapper.Load(keyId);
        var plaintext = RandomNumberGenerator.GetBytes(LocalKeyFile.KeyLength);
        var blob = new byte[LocalKeyUnwrapper.BlobLength];
        LocalKeyUnwrapper.Magic.CopyTo(blob, 0);
        LocalKeyUnwrapper.Fingerprint(key).CopyTo(blob.AsSpan(4));
        var nonce = blob.AsSpan(4 + LocalKeyUnwrapper.FingerprintLength, LocalKeyUnwrapper.NonceLength);
        RandomNumberGenerator.Fill(nonce);
        var wrapped = blob.AsSpan(LocalKeyUnwrapper.BlobLength - LocalKeyUnwrapper.TagLength - LocalKeyFile.KeyLength, LocalKeyFile.KeyLength);
        using var aes = new AesGcm(key, LocalKeyUnwrapper.TagLength);
        aes.Encrypt(nonce, plaintext, wrapped, blob.AsSpan(LocalKeyUnwrapper.BlobLength - LocalKeyUnwrapper.TagLength), LocalKeyUnwrapper.Aad(context));
        return Task.FromResult(new DataKey(plaintext, blob, keyId));
    }

    public Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken) =>
        unwrapper.DecryptAsync(encryptedKey, keyId, context, cancellationToken);
}
