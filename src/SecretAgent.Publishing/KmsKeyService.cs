using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SecretAgent.Aws;
using SecretAgent.Core.Keys;

namespace SecretAgent.Publishing;

/// <summary>
/// KMS as the admin tool uses it: <see cref="KmsKeyUnwrapper"/> for Decrypt (the agent's code), plus
/// GenerateDataKey under the full encryption context, through the same clients and error mapping.
/// </summary>
public sealed class KmsKeyService : IKeyService
{
    private readonly KmsKeyUnwrapper unwrapper;

    public KmsKeyService(AwsClients clients, IEnumerable<string>? grantTokens = null) => unwrapper = new KmsKeyUnwrapper(clients, grantTokens);

    public Task<DataKey> GenerateDataKeyAsync(string keyId, EncryptionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return unwrapper.CallAsync(keyId, async kms =>
        {
            var request = new GenerateDataKeyRequest
            {
                KeyId = keyId,
                KeySpec = DataKeySpec.AES_256,
                EncryptionContext = KmsKeyUnwrapper.ToDictionary(context),
                GrantTokens = unwrapper.GrantTokens(),
            };
            var response = await kms.GenerateDataKeyAsync(request, cancellationToken);
            return new DataKey(KmsKeyUnwrapper.TakePlaintext(response.Plaintext), response.CiphertextBlob.ToArray(), response.KeyId ?? keyId);
        }, cancellationToken);
    }

    public Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken) =>
        unwrapper.DecryptAsync(encryptedKey, keyId, context, cancellationToken);
}
