namespace SecretAgent.Core.Keys;

/// <summary>
/// Seam over the key service (KMS, or a local key file for demos). Every call carries the encryption context and
/// a pinned key id: KMS then refuses a blob made under another key or another context.
/// Implementations throw <see cref="Errors.SecretAgentException"/> with kind Integrity (bad blob or context),
/// AccessDenied, NoCredentials, KeyUnusable (disabled, pending deletion), NotFound (no such key) or Unavailable.
/// </summary>
public interface IKeyService
{
    Task<DataKey> GenerateDataKeyAsync(string keyId, EncryptionContext context, CancellationToken cancellationToken);

    Task<DataKey> DecryptAsync(
        ReadOnlyMemory<byte> encryptedKey,
        string keyId,
        EncryptionContext context,
        CancellationToken cancellationToken);
}
