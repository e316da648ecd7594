using SecretAgent.Aws;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Integration.Tests.Moto;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Aws;

/// <summary>The KMS key service against moto, through the real SDK client.</summary>
[Collection(UsesMoto.Name)]
public sealed class KmsKeyServiceTests(MotoServer moto)
{
    private static readonly EncryptionContext Context = EncryptionContext.ForConfig("app", "s3://b/p/", 1);

    [Fact]
    public async Task GenerateThenDecrypt_ReturnsTheSameKey_AndReportsTheArn()
    {
        var (arn, alias) = await moto.CreateKeyAsync();
        var keys = new KmsKeyService(moto.Clients());

        using var generated = await keys.GenerateDataKeyAsync(alias, Context, default);
        using var decrypted = await keys.DecryptAsync(generated.Encrypted, arn, Context, default);

        Assert.Equal(32, generated.Plaintext.Length);
        Assert.Equal(generated.Plaintext.ToArray(), decrypted.Plaintext.ToArray());
        Assert.Equal(arn, generated.KeyArn);
        Assert.Equal(arn, decrypted.KeyArn);
    }

    [Fact]
    public async Task Decrypt_WithAnotherContext_ThrowsIntegrity()
    {
        var (arn, _) = await moto.CreateKeyAsync();
        var keys = new KmsKeyService(moto.Clients());
        using var generated = await keys.GenerateDataKeyAsync(arn, Context, default);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() =>
            keys.DecryptAsync(generated.Encrypted, arn, EncryptionContext.ForConfig("other", "s3://b/p/", 1), default));

        Assert.Equal(ErrorKind.Integrity, ex.Kind);
        Assert.Equal("KMS refused the data key: the encryption context or key blob does not match", ex.Message);
    }

    [Fact]
    public async Task Decrypt_PinnedToAnotherKey_IsRefused()
    {
        var (arn, _) = await moto.CreateKeyAsync();
        var (otherArn, _) = await moto.CreateKeyAsync();
        var keys = new KmsKeyService(moto.Clients());
        using var generated = await keys.GenerateDataKeyAsync(arn, Context, default);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => keys.DecryptAsync(generated.Encrypted, otherArn, Context, default));

        // AWS answers IncorrectKeyException (WrongKey); moto answers AccessDeniedException.
        Assert.Contains(ex.Kind, new[] { ErrorKind.WrongKey, ErrorKind.AccessDenied });
        Assert.Contains(otherArn, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decrypt_WithTamperedBlob_ThrowsIntegrity()
    {
        var (arn, _) = await moto.CreateKeyAsync();
        var keys = new KmsKeyService(moto.Clients());
        using var generated = await keys.GenerateDataKeyAsync(arn, Context, default);
        var tampered = generated.Encrypted.ToArray();
        tampered[^1] ^= 0x01;

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => keys.DecryptAsync(tampered, arn, Context, default));

        Assert.Equal(ErrorKind.Integrity, ex.Kind);
    }

    [Fact]
    public async Task Generate_WithUnknownKey_ThrowsNotFoundNamingTheKey()
    {
        var keys = new KmsKeyService(moto.Clients());

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => keys.GenerateDataKeyAsync("alias/does-not-exist", Context, default));

        Assert.Equal(ErrorKind.NotFound, ex.Kind);
        Assert.Equal("KMS key alias/does-not-exist not found", ex.Message);
    }
}
