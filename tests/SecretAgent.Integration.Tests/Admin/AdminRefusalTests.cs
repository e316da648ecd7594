using Amazon.S3;
using Amazon.S3.Model;
using SecretAgent.Aws;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using SecretAgent.Integration.Tests.Moto;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Admin;

/// <summary>Objects the admin tool must refuse to decrypt: wrong key, wrong context, copied or moved (faults 11, 12, 14).</summary>
[Collection(UsesMoto.Name)]
public sealed class AdminRefusalTests(MotoServer moto)
{
    [Fact]
    public async Task Get_PinnedToAnotherKey_IsRefused()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var (_, otherAlias) = await moto.CreateKeyAsync();
        world.Put("app.yaml", "secret-canary");

        var get = world.Admin("get", "app.yaml", "--kms-key-id", otherAlias);

        // AWS: IncorrectKeyException (65); moto: AccessDeniedException (77). Either way: refused, nothing printed.
        Assert.True(get.ExitCode is 65 or 77, get.ToString());
        AdminAssert.FailedCleanly(get, get.ExitCode, $"config 'app.yaml': ");
    }

    [Fact]
    public async Task Get_WhenContextNamesAnotherConfig_IsRefusedBeforeKms()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var context = EncryptionContext.ForConfig("other.yaml", world.Source.Scope, 1);
        await Sealing.PutAsync(world.Store(), "app.yaml", "secret-canary"u8.ToArray(), context, world.KeyArn, new KmsKeyService(moto.Clients()));

        // A key id KMS doesn't know: had KMS been asked, the answer would be "not found" (66), not a binding refusal.
        var get = world.Admin("get", "app.yaml", "--kms-key-id", "alias/never-created");

        AdminAssert.FailedCleanly(get, 65, "config 'app.yaml': object is bound to config 'other.yaml'");
    }

    [Theory]
    [InlineData("another name")]
    [InlineData("another prefix")]
    [InlineData("another bucket")]
    public async Task Get_OfACopiedObject_IsRefused(string destination)
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put("app.yaml", "secret-canary");
        var (bucket, key, source, name) = destination switch
        {
            "another name" => (world.Bucket, "prod/db.yaml", world.Source, "db.yaml"),
            "another prefix" => (world.Bucket, "staging/app.yaml", SourceUri.Parse($"s3://{world.Bucket}/staging/"), "app.yaml"),
            _ => await OtherBucketAsync(),
        };
        await moto.S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = world.Bucket,
            SourceKey = "prod/app.yaml",
            DestinationBucket = bucket,
            DestinationKey = key,
            MetadataDirective = S3MetadataDirective.COPY,
        });
        var environment = world.Environment();
        environment["SECRET_AGENT_SOURCE"] = source.Scope;

        var get = AdminWorld.Admin(environment, "get", name);

        AdminAssert.FailedCleanly(get, 65, $"config '{name}': object is bound to ");
        Assert.DoesNotContain("secret-canary", get.Stderr, StringComparison.Ordinal);

        async Task<(string, string, SourceUri, string)> OtherBucketAsync()
        {
            var other = await moto.CreateVersionedBucketAsync();
            return (other, "prod/app.yaml", SourceUri.Parse($"s3://{other}/prod/"), "app.yaml");
        }
    }

    [Fact]
    public async Task List_MarksACopiedObjectAsRefused_WithoutDecrypting()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put("app.yaml", "secret-canary");
        await moto.S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = world.Bucket,
            SourceKey = "prod/app.yaml",
            DestinationBucket = world.Bucket,
            DestinationKey = "prod/db.yaml",
            MetadataDirective = S3MetadataDirective.COPY,
        });

        var environment = world.Environment();
        environment["SECRET_AGENT_KMS_KEY_ID"] = null;
        var ls = AdminWorld.Admin(environment, "ls", "--json");

        Assert.True(ls.ExitCode == 0, ls.ToString());
        var problems = AdminWorld.Json(ls).EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("problem").GetString());
        Assert.Null(problems["app.yaml"]);
        Assert.Equal("object is bound to config 'app.yaml', not this one (copied or swapped object)", problems["db.yaml"]);
    }
}
