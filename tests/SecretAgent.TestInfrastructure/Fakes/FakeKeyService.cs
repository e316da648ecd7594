using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Publishing;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// Stands in for KMS in pure-logic tests: GenerateDataKey hands out a fixed data key with a fresh fake blob and
/// remembers (blob, key id, context); Decrypt returns the data key only for exactly that triple, as KMS does with an
/// encryption context and a pinned key id. Anything else is refused with Integrity.
/// </summary>
internal sealed class FakeKeyService : IKeyService
{
    public const string DefaultKeyId = "arn:aws:kms:us-east-1:111122223333:key/fake-key";

    private readonly List<Grant> grants = [];
    private readonly byte[] dataKey;
    private int generated;

    public FakeKeyService(byte[] dataKey)
    {
        this.dataKey = dataKey;
    }

    public int DecryptCalls { get; private set; }

    /// <summary>What the last GenerateDataKey call handed out: blob, key id and the context it was asked with.</summary>
    public Grant? LastGenerated { get; private set; }

    /// <summary>Declares that <paramref name="blob"/> under <paramref name="keyId"/> and <paramref name="context"/> holds <paramref name="key"/>.</summary>
    public void Register(byte[] blob, string keyId, EncryptionContext context, byte[] key) =>
        grants.Add(new Grant(blob, keyId, context, key));

    public Task<DataKey> GenerateDataKeyAsync(string keyId, EncryptionContext context, CancellationToken cancellationToken)
    {
        generated++;
        var blob = System.Text.Encoding.ASCII.GetBytes($"fake-kms-blob:{generated}:{Guid.NewGuid():N}");
        Register(blob, keyId, context, dataKey);
        LastGenerated = grants[^1];
        return Task.FromResult(new DataKey((byte[])dataKey.Clone(), blob, keyId));
    }

    public Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken)
    {
        DecryptCalls++;
        var blob = encryptedKey.ToArray();
        var grant = grants.FirstOrDefault(g => g.Blob.AsSpan().SequenceEqual(blob) && g.KeyId == keyId && g.Context.Equals(context));
        return grant is null
            ? throw new SecretAgentException(ErrorKind.Integrity, "fake KMS: InvalidCiphertextException (blob, key id or encryption context does not match)")
            : Task.FromResult(new DataKey((byte[])grant.Key.Clone(), blob, keyId));
    }

    internal sealed record Grant(byte[] Blob, string KeyId, EncryptionContext Context, byte[] Key);
}
