using System.Diagnostics;
using Amazon.S3.Model;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Security;

/// <summary>
/// One unique secret value (CANARY-guid) in config content and in an env value goes through every command and mode
/// of both binaries against moto, failures included, and must come out only where it belongs: the target's config
/// files, the app's environment, and `secret-agent-admin get` (stdout or its -o file, by design). It must not be in
/// any stdout or stderr, the receipt, the status file, /metrics or the health endpoints, an error message, or any file
/// the test's processes could write outside the target: their HOME and TMPDIR, the test's directories, and whatever
/// appeared under /tmp and /dev/shm during the test.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class CanarySweepTests : IDisposable
{
    private const string Db = "app/db.json";
    private const string Env = "app/app.env";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly string canary = "CANARY-" + Guid.NewGuid().ToString("N");
    private readonly MotoServer moto;
    private readonly string home = Directory.CreateTempSubdirectory("sa-canary-home-").FullName;
    private readonly string target = Path.Combine("/dev/shm", "sa-canary-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly HashSet<string> before;
    private readonly List<string> outputs = [];

    public CanarySweepTests(MotoServer moto)
    {
        this.moto = moto;
        before = [.. Entries()];
        Directory.CreateDirectory(target);
        Directory.CreateDirectory(Path.Combine(home, "tmp"));
        File.WriteAllText(ManifestPath, $"version: 1\nfiles:\n  - name: {Db}\n  - name: {Env}\n    env: true\n");
    }

    private string ManifestPath => Path.Combine(home, "secret-agent.yaml");

    public void Dispose()
    {
        Directory.Delete(home, recursive: true);
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task AgentCommands_OnSuccess_PutTheCanaryOnlyInTheTargetAndTheApp()
    {
        using var world = await PublishedWorldAsync();

        Expect(0, Agent(world, "check"));
        Expect(0, Agent(world, "check", "--online"));
        Expect(0, Agent(world, "policy"));
        Expect(0, Agent(world, "fetch"));
        Assert.Contains(canary, File.ReadAllText(Path.Combine(target, Db)), StringComparison.Ordinal);
        Assert.NotEmpty(FilesHoldingCanary([target])); // the scan below finds what is there
        Expect(0, Agent(world, "run", "--", "sh", "-c", "test -n \"$TOKEN\" && test -n \"$QUOTED\""));
        Expect(0, Agent(world, "run", "--supervise", "--", "sh", "-c", "test -n \"$TOKEN\""));
        Record(Agent(world, "health", "--dir", target));
        Expect(0, Agent(world, "fetch", "--log-format", "json"));

        AssertNowhereButTheTarget();
    }

    [Fact]
    public async Task Watch_AcrossASwap_KeepsTheCanaryOutOfLogsStatusMetricsAndHealth()
    {
        using var world = await PublishedWorldAsync();
        var port = FreePort();
        using var agent = CommandRunner.Start(Binaries.Agent, ["watch", "--interval", "1s", "--listen", $"127.0.0.1:{port}"], Environment(world));
        var stdout = agent.StandardOutput.ReadToEndAsync();
        var stderr = agent.StandardError.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = Deadline };
        try
        {
            await WaitUntilAsync(agent, () => Holds(Db, canary + "\""), "the first set");
            Put(world, Db, $"{{\"password\":\"{canary}-v2\"}}");
            await WaitUntilAsync(agent, () => Holds(Db, canary + "-v2"), "the swap");
            await WaitUntilAsync(agent, () => File.Exists(Path.Combine(target, "..status.json")), "the status file");
            foreach (var path in new[] { "metrics", "healthz", "readyz" })
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
                outputs.Add($"GET /{path}: " + await response.Content.ReadAsStringAsync());
            }

            Record(Agent(world, "health", "--dir", target));
        }
        finally
        {
            ProcessTestSignals.Send(agent.Id, "TERM");
            await agent.WaitForExitAsync().WaitAsync(Deadline);
        }

        outputs.Add("watch stdout: " + await stdout);
        outputs.Add("watch stderr: " + await stderr);
        Assert.Equal(0, agent.ExitCode);
        AssertNowhereButTheTarget();
    }

    [Fact]
    public async Task AdminCommands_PrintTheCanaryOnlyFromGet()
    {
        using var world = await PublishedWorldAsync();
        Put(world, Db, $"{{\"password\":\"{canary}-2\"}}");

        Expect(0, Admin(world, "ls"));
        Expect(0, Admin(world, "history", Db));
        Expect(0, Admin(world, "verify"));
        Expect(0, Admin(world, "rollback", Db, "--to", "1"));
        Expect(0, Admin(world, "rotate"));
        Expect(0, Admin(world, "--json", "ls"));
        var get = AdminWorld.Admin(Environment(world), "get", Db);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal($"{{\"password\":\"{canary}\"}}", get.Stdout);
        outputs.Add("get stderr: " + get.Stderr);
        var copy = Path.Combine(home, "got.json");
        Expect(0, Admin(world, "get", Env, "-o", copy));
        Assert.Contains(canary, File.ReadAllText(copy), StringComparison.Ordinal);
        File.Delete(copy);

        AssertNowhereButTheTarget();
    }

    [Fact]
    public async Task Failures_WrongKeyTamperedBodyBadEnvFileAndMissingApp_NeverEchoTheCanary()
    {
        using var world = await PublishedWorldAsync();
        var (_, otherKey) = await moto.CreateKeyAsync();

        Refused(AgentWith(world, new() { ["SECRET_AGENT_KMS_KEY_ID"] = otherKey }, "fetch"));
        Refused(AdminWith(world, new() { ["SECRET_AGENT_KMS_KEY_ID"] = otherKey }, "get", Db));
        Expect(127, Agent(world, "run", "--", "/nonexistent/app"));
        Assert.False(File.Exists(Path.Combine(target, Db)), "a failed exec leaves no plaintext");

        Put(world, Env, $"TOKEN=\"{canary}\nOTHER={canary}'\n");
        Expect(65, Agent(world, "run", "--", "true"));
        Put(world, Env, $"TOKEN={canary}\n");

        await TamperBodyAsync(world, Db);
        Expect(65, Agent(world, "fetch"));
        Expect(65, Admin(world, "get", Db));
        Expect(65, Admin(world, "verify"));
        Record(Agent(world, "check", "--online"));

        AssertNowhereButTheTarget();
    }

    private async Task<AdminWorld> PublishedWorldAsync()
    {
        var world = await AdminWorld.CreateAsync(moto, "sweep/");
        Put(world, Db, $"{{\"password\":\"{canary}\"}}");
        Put(world, Env, $"TOKEN={canary}\nexport QUOTED='{canary} quoted'\n");
        return world;
    }

    // Through stdin, so no input file holding the canary exists anywhere.
    private string Put(AdminWorld world, string name, string content)
    {
        var result = CommandRunner.Run(Binaries.Admin, ["put", name, "-"], Environment(world), stdin: content);
        Expect(0, result);
        return result.Stdout;
    }

    // What a bucket writer can do: the same metadata over a body with one bit flipped (the GCM tag then fails).
    private static async Task TamperBodyAsync(AdminWorld world, string name)
    {
        var key = world.Source.ObjectKey(name);
        using var got = await world.Moto.S3.GetObjectAsync(world.Bucket, key);
        using var body = new MemoryStream();
        await got.ResponseStream.CopyToAsync(body);
        var bytes = body.ToArray();
        bytes[^1] ^= 1;
        var put = new PutObjectRequest { BucketName = world.Bucket, Key = key, InputStream = new MemoryStream(bytes) };
        foreach (var field in got.Metadata.Keys)
        {
            put.Metadata.Add(field.StartsWith("x-amz-meta-", StringComparison.Ordinal) ? field["x-amz-meta-".Length..] : field, got.Metadata[field]);
        }

        await world.Moto.S3.PutObjectAsync(put);
    }

    private Dictionary<string, string?> Environment(AdminWorld world, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var environment = world.Environment();
        environment["SECRET_AGENT_MANIFEST"] = ManifestPath;
        environment["SECRET_AGENT_DIR"] = target;
        environment["HOME"] = home;
        environment["TMPDIR"] = Path.Combine(home, "tmp");
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return environment;
    }

    private CommandResult Agent(AdminWorld world, params string[] args) => AgentWith(world, new Dictionary<string, string?>(), args);

    private CommandResult AgentWith(AdminWorld world, Dictionary<string, string?> overrides, params string[] args) =>
        Record(CommandRunner.Run(Binaries.Agent, args, Environment(world, overrides), Deadline));

    private CommandResult Admin(AdminWorld world, params string[] args) => AdminWith(world, new Dictionary<string, string?>(), args);

    private CommandResult AdminWith(AdminWorld world, Dictionary<string, string?> overrides, params string[] args) =>
        Record(CommandRunner.Run(Binaries.Admin, args, Environment(world, overrides), Deadline));

    private CommandResult Record(CommandResult result)
    {
        outputs.Add(result.ToString());
        return result;
    }

    private static void Expect(int code, CommandResult result) => Assert.True(result.ExitCode == code, $"expected exit {code}: {result}");

    // A refusal with one of our documented codes, never success and never 70 (an unexpected failure).
    private static void Refused(CommandResult result) => Assert.True(result.ExitCode is not 0 and not 70, $"expected a refusal: {result}");

    private bool Holds(string name, string text)
    {
        var path = Path.Combine(target, name);
        return File.Exists(path) && File.ReadAllText(path).Contains(text, StringComparison.Ordinal);
    }

    private void AssertNowhereButTheTarget()
    {
        foreach (var output in outputs)
        {
            Assert.False(output.Contains(canary, StringComparison.Ordinal), $"the canary leaked into output: {output}");
        }

        // In the target, only the delivered configs may hold it (in the timestamped directory ..data points to):
        // never the receipt or the status file.
        var created = Entries().Where(e => !before.Contains(e) && !e.StartsWith(target, StringComparison.Ordinal));
        var leaks = FilesHoldingCanary([.. created, home, moto.LogPath])
            .Concat(FilesHoldingCanary([target]).Where(f => !f.EndsWith("/" + Db, StringComparison.Ordinal) && !f.EndsWith("/" + Env, StringComparison.Ordinal)))
            .ToList();
        Assert.True(leaks.Count == 0, $"the canary is in {string.Join(", ", leaks)}");
    }

    // grep -r: regular files only (a FIFO, socket or device another process left under /tmp is skipped, never read,
    // so the scan cannot block), symbolic links not followed (the target's ..data; loops elsewhere).
    private List<string> FilesHoldingCanary(IReadOnlyList<string> paths)
    {
        var existing = paths.Where(p => File.Exists(p) || Directory.Exists(p)).ToList();
        if (existing.Count == 0)
        {
            return [];
        }

        var result = CommandRunner.Run("grep", ["-rlF", "--devices=skip", "--no-messages", "--", canary, .. existing], new Dictionary<string, string?>(), TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode is 0 or 1 or 2, result.ToString());
        return [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static IEnumerable<string> Entries() =>
        new[] { Path.GetTempPath(), "/tmp", "/dev/shm" }.Distinct().Where(Directory.Exists).SelectMany(Directory.EnumerateFileSystemEntries);

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    // The target has no event to wait on; poll it with a generous deadline.
    private static async Task WaitUntilAsync(Process agent, Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(agent.HasExited, $"watch exited {(agent.HasExited ? agent.ExitCode : 0)} before {what}");
            Assert.True(deadline.Elapsed < Deadline, $"no {what} within {Deadline}");
            await Task.Delay(50);
        }
    }
}
