using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using SecretAgent.Core.Errors;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// Disaster recovery against moto: IT publishes to bucket A under a logical scope, S3 replication (here CopyObject,
/// which keeps the metadata) puts the same object into bucket B in another region, and the real agent reads B with
/// the same scope; another scope, or none, is refused before KMS is asked.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentReplicaScopeTests : IDisposable
{
    private const string Scope = "payments-prod";
    private const string Name = "database.json";
    private const string ReplicaRegion = "eu-west-1";
    private const string Sentinel = "CANARY-replica-9b41";
    private readonly MotoServer moto;
    private readonly string target = Path.Combine("/dev/shm", "sa-replica-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string manifest;

    public AgentReplicaScopeTests(MotoServer moto)
    {
        this.moto = moto;
        Directory.CreateDirectory(target);
        manifest = Path.Combine(Directory.CreateTempSubdirectory("sa-replica-manifest-").FullName, "secret-agent.yaml");
        File.WriteAllText(manifest, $"version: 1\nfiles:\n  - name: {Name}\n");
    }

    public void Dispose()
    {
        Directory.Delete(target, recursive: true);
        Directory.Delete(Path.GetDirectoryName(manifest)!, recursive: true);
    }

    [Fact]
    public async Task Run_WhenReplicaReadWithTheSameScope_AppReadsWhatItPublished()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        Publish(world, "--scope", Scope);
        var replica = await ReplicateAsync(world);

        var result = Agent(world, replica, Scope, "run", "--", "sha256sum", Path.Combine(target, Name));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith(Hex(Sentinel), result.Stdout, StringComparison.Ordinal);
        using var receipt = JsonDocument.Parse(File.ReadAllText(Path.Combine(target, ".secret-agent", "receipt.json")));
        Assert.Equal($"s3://{replica}/prod/", receipt.RootElement.GetProperty("source").GetString());
        Assert.Equal(Scope, receipt.RootElement.GetProperty("scope").GetString());
    }

    [Theory]
    [InlineData("payments-staging")]
    [InlineData(null)]
    public async Task Fetch_WhenReplicaReadWithAnotherScope_RefusesWithIntegrity(string? scope)
    {
        using var world = await AdminWorld.CreateAsync(moto);
        Publish(world, "--scope", Scope);
        var replica = await ReplicateAsync(world);

        var result = Agent(world, replica, scope, "fetch");

        Assert.Equal(ExitCodes.Integrity, result.ExitCode);
        var expected = scope ?? $"s3://{replica}/prod/";
        Assert.Contains($"config '{Name}': object is bound to scope {Scope}, not {expected}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(target, Name)));
    }

    [Fact]
    public async Task Fetch_WhenUriScopedObjectReadFromItsBucket_StillWorks()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        Publish(world);

        var result = Agent(world, world.Bucket, null, "fetch");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Sentinel, File.ReadAllText(Path.Combine(target, Name)));
    }

    [Fact]
    public async Task Policy_WhenScopeNamed_PinsTheContextToIt()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var result = Agent(world, "replica-bucket", Scope, "policy");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"\"kms:EncryptionContext:secret-agent:scope\": \"{Scope}\"", result.Stdout, StringComparison.Ordinal);
    }

    private static void Publish(AdminWorld world, params string[] extra)
    {
        var result = world.Admin(["put", Name, world.WriteInput(Sentinel), .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    // What cross-region replication does: the same key, body and metadata in a bucket of another region.
    private async Task<string> ReplicateAsync(AdminWorld world)
    {
        var replica = "sa-replica-" + Guid.NewGuid().ToString("N")[..16];
        await moto.S3.PutBucketAsync(new PutBucketRequest { BucketName = replica, BucketRegionName = ReplicaRegion });
        var key = world.Source.ObjectKey(Name);
        await moto.S3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = world.Bucket, SourceKey = key, DestinationBucket = replica, DestinationKey = key });
        return replica;
    }

    private CommandResult Agent(AdminWorld world, string bucket, string? scope, params string[] args)
    {
        var environment = world.Environment();
        environment["SECRET_AGENT_SOURCE"] = $"s3://{bucket}/prod/";
        environment["SECRET_AGENT_SCOPE"] = scope;
        environment["SECRET_AGENT_MANIFEST"] = manifest;
        environment["SECRET_AGENT_DIR"] = target;
        // moto keeps KMS keys per region: the key stays the source region's (on AWS, a multi-region key's replica).
        environment["AWS_REGION"] = MotoServer.Region;
        return CommandRunner.Run(Binaries.Agent, args, environment);
    }

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
