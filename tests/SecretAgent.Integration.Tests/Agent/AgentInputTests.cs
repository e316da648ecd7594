using System.Diagnostics;
using SecretAgent.Integration.Tests.Aws;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// Bad inputs through the real binary (issue defects 11 and 12): each gives one escaped line, its documented exit
/// code and never 70, promptly (no hang on a FIFO, no read of /dev/zero), and writes nothing.
/// </summary>
[Trait("Arch", "Emulated")]
public sealed class AgentInputTests : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(20);
    private readonly LocalWorld world = new();

    public void Dispose() => world.Dispose();

    [Theory]
    [InlineData("body", "fifo")]
    [InlineData("body", "zero")]
    [InlineData("latest", "fifo")]
    [InlineData("latest", "zero")]
    [InlineData("latest", "huge")]
    public async Task Fetch_WhenStoreFileIsNotASmallRegularFile_Exits65Promptly(string file, string kind)
    {
        await world.PublishAsync("db.json", "x");
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        Replace(Path.Combine(world.ObjectDir("db.json"), file == "body" ? "00000001.body" : "latest"), kind);

        var result = Fetch();

        AssertFailed(result, 65, "local store");
    }

    [Theory]
    [InlineData("fifo", 66)]
    [InlineData("zero", 66)]
    [InlineData("directory", 66)]
    [InlineData("huge", 65)]
    public async Task Fetch_WhenKeyFileIsNotASmallRegularFile_FailsPromptlyWithItsExitCode(string kind, int exitCode)
    {
        await world.PublishAsync("db.json", "x");
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        var keyPath = Path.Combine(world.Root, "bad.key");
        Replace(keyPath, kind);

        var result = Fetch(new Dictionary<string, string?> { ["SECRET_AGENT_KMS_KEY_ID"] = "file://" + keyPath });

        AssertFailed(result, exitCode, "local key file");
    }

    [Fact]
    public void Check_WhenManifestIsAPipe_Exits78()
    {
        var piped = CommandRunner.Run(Binaries.Agent, ["check", "-m", "/dev/stdin"], world.Environment(), Prompt, stdin: "version: 1\nfiles: []\n");

        AssertFailed(piped, 78, "FIFO or pipe, not a regular file");
    }

    [Fact]
    public void Check_WhenManifestIsAFifoWithoutWriter_Exits78Promptly()
    {
        var fifo = Path.Combine(world.Root, "manifest.fifo");
        Replace(fifo, "fifo");

        var result = world.Agent("check", "-m", fifo);

        AssertFailed(result, 78, "FIFO or pipe");
    }

    [Theory]
    [InlineData("--timeout", "0")]
    [InlineData("--timeout", "-5")]
    [InlineData("--timeout", "2147483647")]
    [InlineData("--max-size", "0")]
    [InlineData("--max-size", "-1")]
    [InlineData("--max-size", "9223372036854775807")]
    [InlineData("--log-format", "xml")]
    public async Task Fetch_WhenOptionOutOfRange_Exits64WithOneLine(string option, string value)
    {
        await world.PublishAsync("db.json", "x");
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");

        var result = world.Agent("fetch", option, value);

        AssertFailed(result, 64, option);
        Assert.Empty(Directory.GetFileSystemEntries(world.Target));
    }

    [Fact]
    public void Check_WhenSourcePrefixIsHuge_Exits64()
    {
        var result = world.Agent(new Dictionary<string, string?> { ["SECRET_AGENT_SOURCE"] = $"s3://bucket/{new string('p', 100_000)}/" }, "check");

        AssertFailed(result, 64, "at most 1024 bytes");
        Assert.True(result.Stderr.Length < 1000, "the error must not echo the whole prefix");
    }

    [Fact]
    public void Check_WhenRegionIsNotAHostName_Exits64()
    {
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        var environment = new Dictionary<string, string?>
        {
            ["SECRET_AGENT_SOURCE"] = "s3://bucket/app/",
            ["SECRET_AGENT_KMS_KEY_ID"] = "alias/app",
            ["AWS_REGION"] = "bad region!",
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };

        var result = world.Agent(environment, "check", "--online");

        AssertFailed(result, 64, "AWS_REGION");
    }

    [Fact]
    public void Check_WhenTheProfileRegionIsNotARegionName_Exits64()
    {
        // The same rule as AWS_REGION, for a region that comes from the AWS config file instead.
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        var config = Path.Combine(world.Root, "aws-config");
        File.WriteAllText(config, "[default]\nregion = bad region!\n");
        var environment = new Dictionary<string, string?>
        {
            ["SECRET_AGENT_SOURCE"] = "s3://bucket/app/",
            ["SECRET_AGENT_KMS_KEY_ID"] = "alias/app",
            ["AWS_REGION"] = null,
            ["AWS_DEFAULT_REGION"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_CONFIG_FILE"] = config,
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };

        var result = world.Agent(environment, "check", "--online");

        AssertFailed(result, 64, "region");
    }

    [Fact]
    public void Fetch_WhenNoCredentialsBeforeAShortDeadline_Exits77Not69()
    {
        // IMDS accepts connections and never answers (faults 42); the 2 s deadline ends the wait before the 10 s bound.
        using var imds = new RawHttpServer(response: null);
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        var environment = new Dictionary<string, string?>
        {
            ["SECRET_AGENT_SOURCE"] = "s3://bucket/app/",
            ["SECRET_AGENT_KMS_KEY_ID"] = "alias/app",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
            ["AWS_EC2_METADATA_DISABLED"] = null,
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.Endpoint.ToString(),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(world.Root, "none"),
            ["AWS_CONFIG_FILE"] = Path.Combine(world.Root, "none"),
        };
        foreach (var variable in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI" })
        {
            environment[variable] = null;
        }

        var clock = Stopwatch.StartNew();
        var result = world.Agent(environment, "fetch", "--timeout", "2");

        AssertFailed(result, 77, "no AWS credentials found");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(9), $"took {clock.Elapsed}: the deadline, not the credential bound, should end it");
    }

    [Fact]
    public void Fetch_WhenTargetIsASymlinkGivenWithTrailingSlash_Exits73()
    {
        var link = Path.Combine(world.Root, "target-link");
        File.CreateSymbolicLink(link, world.Target);

        var result = world.Agent(new Dictionary<string, string?> { ["SECRET_AGENT_DIR"] = link + "/" }, "fetch");

        AssertFailed(result, 73, "symlink");
    }

    [Theory]
    [InlineData("file:///tmp/\u001b[31mred/")]
    [InlineData("file:///tmp/two\nlines/")]
    [InlineData("file:///tmp/\u202eevil/")]
    public void Check_WhenSourceHoldsControlCharacters_RefusesWithAnEscapedLine(string source)
    {
        var result = world.Agent(new Dictionary<string, string?> { ["SECRET_AGENT_SOURCE"] = source }, "check");

        AssertFailed(result, 64, "control");
        Assert.DoesNotContain(result.Stderr + result.Stdout, c => c is '\u001b' or '\u202e');
    }

    [Fact]
    public void Check_WhenManifestPathHoldsANewline_EchoesItEscapedOnOneLine()
    {
        var result = world.Agent("check", "-m", "/nonexistent/two\nlines.yaml");

        AssertFailed(result, 78, "two\\nlines.yaml");
    }

    [Theory]
    [InlineData("name: \"a\\u202eb.json\"", "invisible")]
    [InlineData("name: \"a\\u200bb.json\"", "invisible")]
    [InlineData("name: \"cafe\\u0301.json\"", "NFC")]
    [InlineData("name: a.json\n    path: \"x\\u2066y\"", "invisible")]
    public void Check_WhenNameOrPathHasInvisibleOrUnnormalizedCharacters_Exits78(string entry, string cause)
    {
        world.WriteManifest($"version: 1\nfiles:\n  - {entry}\n");

        var result = world.Agent("check");

        AssertFailed(result, 78, cause);
    }

    [Fact]
    public void Check_WhenNamesDifferOnlyByNormalization_RefusesTheUnnormalizedOne()
    {
        world.WriteManifest("version: 1\nfiles:\n  - name: \"caf\\u00e9\"\n  - name: \"cafe\\u0301\"\n");

        var result = world.Agent("check");

        AssertFailed(result, 78, ":4:");
    }

    private static void AssertFailed(CommandResult result, int exitCode, string expected)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}\n{result}");
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    private CommandResult Fetch(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var environment = world.Environment();
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return CommandRunner.Run(Binaries.Agent, ["fetch"], environment, Prompt);
    }

    // A FIFO nobody writes to, a symlink to /dev/zero, a directory, or a sparse 8 GB file in place of path.
    private static void Replace(string path, string kind)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        switch (kind)
        {
            case "fifo":
                using (var mkfifo = Process.Start("mkfifo", [path])!)
                {
                    mkfifo.WaitForExit();
                    Assert.Equal(0, mkfifo.ExitCode);
                }

                break;
            case "zero":
                File.CreateSymbolicLink(path, "/dev/zero");
                break;
            case "directory":
                Directory.CreateDirectory(path);
                break;
            default:
                using (var stream = new FileStream(path, FileMode.CreateNew))
                {
                    stream.SetLength(8L * 1024 * 1024 * 1024);
                }

                break;
        }
    }
}
