using SecretAgent.Core.Keys;

namespace SecretAgent.Core.Local;

/// <summary>
/// Stands in for KMS on demos and laptops: key ids are file:///path/to/key URIs naming a local AES-256 key file.
/// Data keys are wrapped with AES-256-GCM using the encryption context as associated data, so binding checks behave
/// as they do with KMS. (Implementation lands with the envelope code.)
/// </summary>
public sealed class LocalKeyService : IKeyService
{
    public const string Scheme = "file://";

    public static bool Handles(string keyId) => keyId is not null && keyId.StartsWith(Scheme, StringComparison.Ordinal);

    public Task<DataKey> GenerateDataKeyAsync(string keyId, EncryptionContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
