using SecretAgent.Core.Keys;

namespace SecretAgent.Publishing;

/// <summary>
/// The generating half of the key service: only the admin tool makes data keys. Same error kinds as
/// <see cref="IKeyUnwrapper"/>; the context is bound into the wrapped key as it is on Decrypt.
/// </summary>
public interface IDataKeyGenerator
{
    Task<DataKey> GenerateDataKeyAsync(string keyId, EncryptionContext context, CancellationToken cancellationToken);
}

/// <summary>A key service the admin tool both generates with (put) and unwraps with (get, the generation floor).</summary>
public interface IKeyService : IKeyUnwrapper, IDataKeyGenerator;

/// <summary>
/// Sends file:// key ids to the local key service and everything else to KMS (<see cref="KmsKeyReference.IsLocal"/>). The KMS side is
/// created on first use, so a purely local demo never reads AWS configuration.
/// </summary>
public sealed class KeyServiceRouter : IKeyService
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
