using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SecretAgent.Core.Keys;

namespace SecretAgent.Aws;

/// <summary>
/// KMS as the key unwrapper (GenerateDataKey, admin only, is SecretAgent.Publishing's KmsKeyService). Every call
/// carries the full encryption context, and Decrypt always pins the key id, so
/// KMS never unwraps a blob made under another key the role may also use (faults 11, 13).
/// </summary>
public sealed class KmsKeyUnwrapper : IKeyUnwrapper
{
    private readonly AwsClients clients;
    private readonly List<string> grantTokens;

    public KmsKeyUnwrapper(AwsClients clients, IEnumerable<string>? grantTokens = null)
    {
        ArgumentNullException.ThrowIfNull(clients);
        this.clients = clients;
        this.grantTokens = grantTokens?.ToList() ?? [];
    }


    public Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CallAsync(keyId, async kms =>
        {
            var encrypted = encryptedKey.ToArray();
            using var blob = new MemoryStream(encrypted, writable: false);
            var request = new DecryptRequest
            {
                CiphertextBlob = blob,
                KeyId = keyId,
                EncryptionContext = ToDictionary(context),
                GrantTokens = GrantTokens(),
            };
            var response = await kms.DecryptAsync(request, cancellationToken);
            return new DataKey(TakePlaintext(response.Plaintext), encrypted, response.KeyId ?? keyId);
        }, cancellationToken);
    }

    /// <summary>
    /// Copies the data key out of the SDK's response stream and overwrites the stream's buffer, so the only plaintext
    /// copy left is the one DataKey zeroes on Dispose. (The SDK's buffer may not be exposable; writing over it works
    /// either way.)
    /// </summary>
    internal static byte[] TakePlaintext(MemoryStream plaintext)
    {
        var copy = plaintext.ToArray();
        if (plaintext.TryGetBuffer(out var buffer))
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan());
        }
        else if (plaintext.CanWrite)
        {
            plaintext.Position = 0;
            plaintext.Write(new byte[copy.Length]);
        }

        plaintext.Dispose();
        return copy;
    }

    internal static Dictionary<string, string> ToDictionary(EncryptionContext context) =>
        context.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    internal List<string>? GrantTokens() => grantTokens.Count == 0 ? null : [.. grantTokens];

    internal async Task<T> CallAsync<T>(string keyId, Func<IAmazonKeyManagementService, Task<T>> call, CancellationToken cancellationToken)
    {
        var kms = await clients.GetKmsAsync(cancellationToken);
        try
        {
            return await call(kms);
        }
        catch (Exception ex) when (KmsErrors.Map(ex, keyId, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }
}
