using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using SecretAgent.Integration.Tests.Admin;

namespace SecretAgent.Integration.Tests.Security.LeastPrivilege;

/// <summary>
/// The two policies the binaries print, attached to IAM users on a moto that enforces them (actions and resources):
/// the app role gets exactly its manifest's objects and nothing else, and cannot write; the IT role publishes.
/// </summary>
[Collection(UsesEnforcingMoto.Name)]
public sealed class LeastPrivilegeTests : IDisposable
{
    private readonly EnforcingMoto moto;
    private readonly string target = Path.Combine("/dev/shm", "sa-iam11-" + Guid.NewGuid().ToString("N")[..12]);

    public LeastPrivilegeTests(EnforcingMoto moto)
    {
        this.moto = moto;
        Directory.CreateDirectory(target);
    }

    public void Dispose() => Directory.Delete(target, recursive: true);

    [Fact]
    public void AppRole_AgentDeliversEveryListedConfig_AndTheMissingOptionalOneIsNotFoundNotDenied()
    {
        var run = Agent(moto.ManifestPath, "run", "--", "sh", "-c", $"cd '{target}' && sha256sum {string.Join(' ', EnforcingMoto.Listed)}");
        var check = Agent(moto.ManifestPath, "check", "--online");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var name in EnforcingMoto.Listed)
        {
            Assert.Contains($"{Hex(moto.Published[name])}  {name}", run.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("optional config not found", run.Stderr, StringComparison.Ordinal);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("optional config not found", check.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("other.json")]
    [InlineData("tls/server.key.old")]
    public void AppRole_WhenManifestNamesAConfigOutsideThePolicy_AgentIsDenied(string name)
    {
        var manifest = Path.Combine(moto.Scratch, $"unlisted-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(manifest, $"version: 1\nfiles:\n  - name: {EnforcingMoto.Listed[0]}\n  - name: {name}\n");

        var result = Agent(manifest, "run", "--", "true");

        Assert.Equal(77, result.ExitCode);
        Assert.Contains($"config '{name}'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("AccessDenied", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(["..lock"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AppRole_CanGetItsObjects_ButNoOtherNameOrPrefix()
    {
        using var s3 = moto.S3(moto.App);

        foreach (var name in EnforcingMoto.Listed)
        {
            using var response = await s3.GetObjectAsync(moto.Bucket, moto.Source.ObjectKey(name));
            Assert.Equal(HttpStatusCode.OK, response.HttpStatusCode);
        }

        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(moto.Bucket, moto.Source.ObjectKey(EnforcingMoto.Optional)));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        foreach (var key in EnforcingMoto.Unlisted.Select(moto.Source.ObjectKey).Concat(EnforcingMoto.OutsideKeys))
        {
            await AssertDeniedAsync(() => s3.GetObjectAsync(moto.Bucket, key), key);
        }
    }

    [Fact]
    public async Task AppRole_CannotWriteDeleteOrReadOtherVersions()
    {
        using var s3 = moto.S3(moto.App);
        var key = moto.Source.ObjectKey(EnforcingMoto.Listed[0]);
        var versionId = (await s3.GetObjectMetadataAsync(moto.Bucket, key)).VersionId;

        await AssertDeniedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = moto.Bucket, Key = key, ContentBody = "overwritten" }), "put " + key);
        await AssertDeniedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = moto.Bucket, Key = moto.Source.ObjectKey("new.json"), ContentBody = "new" }), "put new.json");
        await AssertDeniedAsync(() => s3.DeleteObjectAsync(moto.Bucket, key), "delete " + key);
        await AssertDeniedAsync(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = moto.Bucket, Key = key, VersionId = versionId }), "get version of " + key);
        var admin = AdminWorld.Admin(moto.Environment(moto.App), "put", "database.json", WriteInput("from the app role"));
        Assert.Equal(77, admin.ExitCode);
    }

    // At a bucket root: under a prefix moto refuses the admin's ListObjectVersions signature (see EnforcingMoto).
    [Fact]
    public void ItRole_PublishesAndReadsBackThroughTheAdminBinary()
    {
        var name = "it-" + Guid.NewGuid().ToString("N")[..8] + ".json";
        var content = "published by the IT role " + Guid.NewGuid().ToString("N");
        var environment = moto.Environment(moto.ItAtRoot, source: moto.RootSource);

        var put = AdminWorld.Admin(environment, "put", name, WriteInput(content));
        var again = AdminWorld.Admin(environment, "put", name, WriteInput(content + " 2"));
        var get = AdminWorld.Admin(environment, "get", name);
        var elsewhere = AdminWorld.Admin(moto.Environment(moto.ItAtRoot), "get", EnforcingMoto.Listed[0]);

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(content + " 2", get.Stdout);
        Assert.Equal(77, elsewhere.ExitCode);
    }

    [Fact]
    public async Task ItRole_PutsAndGetsUnderItsPrefix()
    {
        using var s3 = moto.S3(moto.It);
        var key = moto.Source.ObjectKey("it-" + Guid.NewGuid().ToString("N")[..8] + ".json");

        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = moto.Bucket, Key = key, ContentBody = "by IT" });
        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = moto.Bucket, Key = key, VersionId = put.VersionId });
        await s3.DeleteObjectAsync(moto.Bucket, key);

        Assert.Equal(HttpStatusCode.OK, get.HttpStatusCode);
    }

    [Fact]
    public async Task ItRole_CannotWriteOutsideItsPrefix()
    {
        using var s3 = moto.S3(moto.It);

        foreach (var key in EnforcingMoto.OutsideKeys)
        {
            await AssertDeniedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = moto.Bucket, Key = key, ContentBody = "outside" }), "put " + key);
        }
    }

    private static async Task AssertDeniedAsync(Func<Task> call, string what)
    {
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(call);
        Assert.True(refused.StatusCode == HttpStatusCode.Forbidden && refused.ErrorCode == "AccessDenied", $"{what}: {refused.StatusCode} {refused.ErrorCode}");
    }

    private CommandResult Agent(string manifest, params string[] args) =>
        CommandRunner.Run(Binaries.Agent, args, moto.Environment(moto.App, manifest, target));

    private string WriteInput(string content)
    {
        var path = Path.Combine(moto.Scratch, "input-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
