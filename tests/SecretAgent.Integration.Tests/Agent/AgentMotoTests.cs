using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// The whole chain against moto: IT publishes with the real admin binary, the real agent fetches from S3, unwraps
/// through KMS, writes onto tmpfs and starts the app, which reads what IT published.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentMotoTests : IDisposable
{
    private const string Sentinel = "CANARY-moto-agent-2d7e";
    private readonly MotoServer moto;
    private readonly string target = Path.Combine("/dev/shm", "sa-moto-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string manifest;

    public AgentMotoTests(MotoServer moto)
    {
        this.moto = moto;
        Directory.CreateDirectory(target);
        manifest = Path.Combine(Directory.CreateTempSubdirectory("sa-moto-manifest-").FullName, "secret-agent.yaml");
    }

    public void Dispose()
    {
        Directory.Delete(target, recursive: true);
        Directory.Delete(Path.GetDirectoryName(manifest)!, recursive: true);
    }

    [Fact]
    public async Task Run_WhenTenConfigsPublished_AppReadsEachByteExactAndReceiptNamesVersions()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var published = Enumerable.Range(0, 10).ToDictionary(i => $"svc/config{i}.json", i => $"{{\"n\":{i},\"secret\":\"{Sentinel}-{i}\"}}");
        var versions = published.ToDictionary(p => p.Key, p => world.Put(p.Key, p.Value, p.Key.EndsWith('3') ? "v2" : "v3").GetProperty("versionId").GetString());
        File.WriteAllText(manifest, "version: 1\nfiles:\n" + string.Concat(published.Keys.Select(n => $"  - name: {n}\n")));

        var result = Agent(world, "run", "--", "sh", "-c", $"cd '{target}' && sha256sum svc/*.json && stat -L -c '%a' svc/config0.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var (name, content) in published)
        {
            Assert.Contains($"{Hex(content)}  {name}", result.Stdout, StringComparison.Ordinal);
        }

        Assert.EndsWith("400\n", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, result.Stderr, StringComparison.Ordinal);
        var receiptText = File.ReadAllText(Path.Combine(target, ".secret-agent", "receipt.json"));
        Assert.DoesNotContain(Sentinel, receiptText, StringComparison.Ordinal);
        using var receipt = JsonDocument.Parse(receiptText);
        var files = receipt.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(10, files.Count);
        foreach (var file in files)
        {
            var name = file.GetProperty("name").GetString()!;
            Assert.Equal(versions[name], file.GetProperty("versionId").GetString());
            Assert.Equal(world.KeyArn, file.GetProperty("kmsKeyArn").GetString());
            Assert.Equal("prod/" + name, file.GetProperty("objectKey").GetString());
        }
    }

    [Fact]
    public async Task Run_WhenEnvFileFromS3_AppEnvironmentHasItsVariables()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put("payments.env", $"PAYMENTS_KEY={Sentinel}\n");
        File.WriteAllText(manifest, "version: 1\nfiles:\n  - name: payments.env\n    env: true\n");

        var result = Agent(world, "run", "--", "sh", "-c", "printf %s \"$PAYMENTS_KEY\" | sha256sum; env | grep -c '^AWS_SECRET_ACCESS_KEY=' || true");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith(Hex(Sentinel), result.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("\n0\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenKeyNotAllowed_RefusesAndWritesNothing()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put("db.json", Sentinel);
        var (_, otherAlias) = await moto.CreateKeyAsync();
        File.WriteAllText(manifest, "version: 1\nfiles:\n  - name: db.json\n");

        var result = Agent(world, new Dictionary<string, string?> { ["SECRET_AGENT_KMS_KEY_ID"] = otherAlias }, "run", "--", "true");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("config 'db.json'", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(target, "db.json")));
    }

    [Fact]
    public async Task CheckOnline_WhenObjectsBound_ReportsOkWithoutDecrypting()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put("db.json", Sentinel);
        File.WriteAllText(manifest, "version: 1\nfiles:\n  - name: db.json\n  - name: missing.json\n");

        var missing = Agent(world, "check", "--online");
        File.WriteAllText(manifest, "version: 1\nfiles:\n  - name: db.json\n");
        var ok = Agent(world, "check", "--online");

        Assert.Equal(66, missing.ExitCode);
        Assert.Contains("config 'missing.json'", missing.Stderr, StringComparison.Ordinal);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.StartsWith("ok: 1 configs", ok.Stdout, StringComparison.Ordinal);
    }

    private CommandResult Agent(AdminWorld world, params string[] args) => Agent(world, new Dictionary<string, string?>(), args);

    private CommandResult Agent(AdminWorld world, Dictionary<string, string?> overrides, params string[] args)
    {
        var environment = world.Environment();
        environment["SECRET_AGENT_MANIFEST"] = manifest;
        environment["SECRET_AGENT_DIR"] = target;
        foreach (var (key, value) in overrides)
        {
            environment[key] = value;
        }

        return CommandRunner.Run(Binaries.Agent, args, environment);
    }

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
