using System.Security.Cryptography;
using System.Text;
using System.Text.Json;


namespace SecretAgent.Integration.Tests.Agent;

/// <summary>The start path through the real binary on a local store: files land byte-exact with modes, the app reads them.</summary>
[Trait("Arch", "Emulated")]
public sealed class AgentDeliveryTests : IDisposable
{
    private const string DbSentinel = "CANARY-db-4c1d";
    private const string EnvSentinel = "CANARY-env-9e2b";
    private readonly LocalWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task Run_WhenManifestListsManyFiles_AppReadsThemByteExactWithModes()
    {
        var binary = RandomNumberGenerator.GetBytes(3000);
        await world.PublishAsync("database.json", $"{{\"password\":\"{DbSentinel}\"}}");
        await world.PublishAsync("tls/server.key", binary, Core.Format.EnvelopeFormat.V2);
        for (var i = 0; i < 8; i++)
        {
            await world.PublishAsync($"extra/file{i}.txt", $"extra {i} {DbSentinel}");
        }

        world.WriteManifest("""
            version: 1
            files:
              - name: database.json
              - name: tls/server.key
                path: tls/key.pem
                mode: "0440"
            """ + string.Concat(Enumerable.Range(0, 8).Select(i => $"\n  - name: extra/file{i}.txt")) + "\n");

        var result = world.Agent("run", "--", "sh", "-c", $"cd '{world.Target}' && sha256sum database.json tls/key.pem && stat -L -c '%a %n' database.json tls/key.pem extra/file7.txt");
        var app = RunIn(world.Target, result);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(Hex(Encoding.UTF8.GetBytes($"{{\"password\":\"{DbSentinel}\"}}")) + "  database.json", app, StringComparison.Ordinal);
        Assert.Contains(Hex(binary) + "  tls/key.pem", app, StringComparison.Ordinal);
        Assert.Contains("400 database.json", app, StringComparison.Ordinal);
        Assert.Contains("440 tls/key.pem", app, StringComparison.Ordinal);
        Assert.Contains("400 extra/file7.txt", app, StringComparison.Ordinal);
        Assert.DoesNotContain(DbSentinel, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenEnvFileOptedIn_AppGetsVariablesAndNoAgentOrAwsVariables()
    {
        await world.PublishAsync("payments.env", $"# comment\nexport PAYMENTS_KEY={EnvSentinel}\nPAYMENTS_MODE='live'\n");
        world.WriteManifest("version: 1\nfiles:\n  - name: payments.env\n    env: true\n");
        var environment = world.Environment();
        environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        environment["AWS_SECRET_ACCESS_KEY"] = "not-a-real-secret";
        environment["AWS_REGION"] = "eu-west-1";

        var result = world.Agent(environment, "run", "--", "sh", "-c",
            "printf %s \"$PAYMENTS_KEY\" | sha256sum; echo mode=$PAYMENTS_MODE; env | grep -c -E '^(SECRET_AGENT_|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)' ; echo region=$AWS_REGION");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith(Hex(Encoding.UTF8.GetBytes(EnvSentinel)), result.Stdout, StringComparison.Ordinal);
        Assert.Contains("mode=live\n0\nregion=eu-west-1", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_WritesReceiptThatIsCompleteAndHoldsNoPlaintext()
    {
        var put = await world.PublishAsync("database.json", DbSentinel);
        world.WriteManifest("version: 1\nfiles:\n  - name: database.json\n");

        var result = world.Agent("fetch");

        Assert.True(result.ExitCode == 0, result.ToString());
        var text = File.ReadAllText(Path.Combine(world.Target, ".secret-agent", "receipt.json"));
        Assert.DoesNotContain(DbSentinel, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Hex(Encoding.UTF8.GetBytes(DbSentinel)), text, StringComparison.Ordinal);
        using var receipt = JsonDocument.Parse(text);
        Assert.Equal(Hex(File.ReadAllBytes(world.ManifestPath)), receipt.RootElement.GetProperty("manifestSha256").GetString());
        var file = receipt.RootElement.GetProperty("files")[0];
        Assert.Equal("database.json", file.GetProperty("name").GetString());
        Assert.Equal("database.json", file.GetProperty("objectKey").GetString());
        Assert.Equal(put.VersionId, file.GetProperty("versionId").GetString());
        Assert.Equal(put.ETag, file.GetProperty("etag").GetString());
        Assert.Equal(1, file.GetProperty("generation").GetInt64());
        Assert.Equal(world.KeyId, file.GetProperty("kmsKeyArn").GetString());
        Assert.Equal(64, file.GetProperty("ciphertextSha256").GetString()!.Length);
        Assert.Equal(put.Size, file.GetProperty("size").GetInt64());
        Assert.True(file.TryGetProperty("fetchedAt", out _));
    }

    [Fact]
    public async Task Fetch_WhenPublishedAgain_SwapsToNewGenerationAndDropsRemovedFiles()
    {
        await world.PublishAsync("a.txt", "one");
        await world.PublishAsync("b.txt", "bee");
        world.WriteManifest("version: 1\nfiles:\n  - name: a.txt\n  - name: b.txt\n");
        Assert.Equal(0, world.Agent("fetch").ExitCode);
        await world.PublishAsync("a.txt", "two");
        world.WriteManifest("version: 1\nfiles:\n  - name: a.txt\n");

        var result = world.Agent("fetch");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("two", File.ReadAllText(Path.Combine(world.Target, "a.txt")));
        Assert.False(File.Exists(Path.Combine(world.Target, "b.txt")));
        // The set ..data points to, and the previous one, kept until the next swap for readers that resolved it.
        var sets = Directory.GetDirectories(world.Target, "..2*");
        Assert.Equal(2, sets.Length);
        Assert.Contains(Path.GetFileName(new DirectoryInfo(Path.Combine(world.Target, "..data")).LinkTarget), sets.Select(Path.GetFileName));
    }

    private static string RunIn(string dir, CommandResult result) => result.ExitCode == 0 ? result.Stdout : throw new Xunit.Sdk.XunitException($"{dir}: {result}");

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
