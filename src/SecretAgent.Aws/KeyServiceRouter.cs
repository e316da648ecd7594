using SecretAgent.Core.Keys;
using SecretAgent.Core.Local;

namespace SecretAgent.Aws;

/// <summary>
/// Sends file:// key ids to the local key service and everything else to KMS. The KMS side is created on first
/// use, so a purely local demo never reads AWS configuration.
/// </summary>
internal sealed class KeyServiceRouter : IKeyService
{
    private readonly Lazy<IKeyService> local;
    private readonly Lazy<IKeyService> kms;

    public KeyServiceRouter(Func<IKeyService> local, Func<IKeyService> kms)
    {
        this.local = new Lazy<IKeyService>(local);
        this.kms = new Lazy<IKeyService>(kms);
    }

    public Task<DataKey> GenerateDataKeyAsync(string keyId, EncryptionContext context, CancellationToken cancellationToken) =>
        For(keyId).GenerateDataKeyAsync(keyId, context, cancellationToken);

    public Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken) =>
        For(keyId).DecryptAsync(encryptedKey, keyId, context, cancellationToken);

    private IKeyService For(string keyId) => KmsKeyReference.IsLocal(keyId) ? local.Value : kms.Value;
}
