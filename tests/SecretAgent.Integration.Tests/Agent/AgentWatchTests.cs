using System.Diagnostics;
using System.Runtime.CompilerServices;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// <c>secret-agent watch</c> through the real binary against moto, with S3 and KMS behind the fault proxy so the test
/// counts the calls: a <c>put</c> reaches the file within an interval or two, unchanged polls cost a conditional GET
/// and no KMS call, SIGUSR1 polls at once, TERM stops cleanly with the files left in place.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentWatchTests : IDisposable
{
    private const string Name = OneConfigRun.Name;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly MotoServer moto;
    private readonly OneConfigRun run = new("watch");

    public AgentWatchTests(MotoServer moto)
    {
        this.moto = moto;
    }

    public void Dispose() => run.Dispose();

    [Fact]
    public async Task Watch_DeliversAPutWithinAnInterval_AndUnchangedPollsMakeNoKmsCall()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "CANARY-watch-v1");
        using var proxy = new FaultProxy(moto.Endpoint);
        using var agent = Start(world, proxy, "--interval", "1s");

        await WaitForContentAsync(agent, "CANARY-watch-v1");
        var decryptsAtStart = proxy.Count(Requests.Kms("Decrypt"));
        var getsAtStart = Gets(proxy);
        await WaitUntilAsync(agent, () => Gets(proxy) >= getsAtStart + 3, "three unchanged polls");
        Assert.Equal(decryptsAtStart, proxy.Count(Requests.Kms("Decrypt")));
        Assert.Contains(proxy.Received, r => r.Service == "s3" && r.Method == "GET" && r.Header("If-None-Match") is not null);

        world.Put(Name, "CANARY-watch-v2");
        var stopwatch = Stopwatch.StartNew();
        await WaitForContentAsync(agent, "CANARY-watch-v2");

        // One interval (1 s +- 10 %) plus a poll and a swap; generous for a loaded machine.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        Assert.Equal(decryptsAtStart + 1, proxy.Count(Requests.Kms("Decrypt")));
        await StopAsync(agent, "CANARY-watch-v2");
    }

    [Fact]
    public async Task Watch_ServesMetricsAndRefresh_AndRunsTheNotifyCommandAfterASwap()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "CANARY-listen-v1");
        using var proxy = new FaultProxy(moto.Endpoint);
        var notified = Path.Combine(Path.GetTempPath(), $"sa-notified-{Guid.NewGuid():N}");
        var port = FreePort();
        using var agent = Start(world, proxy, "--interval", "1h", "--listen", $"127.0.0.1:{port}", "--notify-command", $"touch {notified}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = Deadline };
        try
        {
            await WaitForContentAsync(agent, "CANARY-listen-v1");
            await WaitUntilAsync(agent, () => Metrics(http).Contains($"secret_agent_generation{{config=\"{Name}\"}} 1", StringComparison.Ordinal), "generation 1 in /metrics");
            Assert.False(File.Exists(notified), "the first set is not a change to tell the app about");

            world.Put(Name, "CANARY-listen-v2");
            using var refresh = await http.PostAsync(new Uri("refresh", UriKind.Relative), null);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, refresh.StatusCode);

            await WaitForContentAsync(agent, "CANARY-listen-v2");
            await WaitUntilAsync(agent, () => File.Exists(notified), "the notify command");
            var metrics = Metrics(http);
            Assert.Contains($"secret_agent_generation{{config=\"{Name}\"}} 2", metrics, StringComparison.Ordinal);
            Assert.Contains($"secret_agent_changes_applied_total{{config=\"{Name}\"}} 2", metrics, StringComparison.Ordinal);
            Assert.DoesNotContain("CANARY", metrics, StringComparison.Ordinal);
            using var ready = await http.GetAsync(new Uri("readyz", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
            await StopAsync(agent, "CANARY-listen-v2");
        }
        finally
        {
            File.Delete(notified);
        }
    }

    [Fact]
    public async Task Watch_PollsAtOnceOnSigusr1()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "CANARY-usr1-v1");
        using var proxy = new FaultProxy(moto.Endpoint);
        using var agent = Start(world, proxy, "--interval", "1h");
        await WaitForContentAsync(agent, "CANARY-usr1-v1");

        world.Put(Name, "CANARY-usr1-v2");
        ProcessTestSignals.Send(agent.Id, "USR1");

        await WaitForContentAsync(agent, "CANARY-usr1-v2");
        await StopAsync(agent, "CANARY-usr1-v2");
    }

    [Fact]
    public async Task Watch_RefusesARestoredOldVersionAndKeepsTheLastGoodFile()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var first = world.Put(Name, "CANARY-floor-v1");
        world.Put(Name, "CANARY-floor-v2");
        using var proxy = new FaultProxy(moto.Endpoint);
        using var agent = Start(world, proxy, "--interval", "1s");
        await WaitForContentAsync(agent, "CANARY-floor-v2");

        // The attack: copy generation 1's stored object (body and metadata) over the name as its newest version.
        await RestoreAsync(world, first.GetProperty("versionId").GetString()!);
        var getsAfterRestore = Gets(proxy);
        await WaitUntilAsync(agent, () => Gets(proxy) >= getsAfterRestore + 3, "polls after the restore");

        Assert.Equal("CANARY-floor-v2", await File.ReadAllTextAsync(run.ConfigPath));
        var stderr = await StopAsync(agent, "CANARY-floor-v2");
        Assert.Single(stderr.Split('\n'), l => l.Contains("new version refused", StringComparison.Ordinal) && l.Contains("below the required 2", StringComparison.Ordinal));
        Assert.DoesNotContain("CANARY", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_RestartedWithS3Down_AdoptsTheSetInTheTarget_ServesItAndKeepsItsFloor()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var first = world.Put(Name, "CANARY-adopt-v1");
        world.Put(Name, "CANARY-adopt-v2");
        using (var proxy = new FaultProxy(moto.Endpoint))
        {
            using var agent = Start(world, proxy, "--interval", "1s");
            await WaitForContentAsync(agent, "CANARY-adopt-v2");
            await StopAsync(agent, "CANARY-adopt-v2");
        }

        using var down = new FaultProxy(moto.Endpoint);
        var s3Down = new StrongBox<bool>(true);
        var failing = down.On(r => s3Down.Value && Requests.S3()(r), FaultAction.Respond(503, "Service Unavailable"));
        using var restarted = Start(world, down, "--interval", "1s", "--timeout", "2s");
        await WaitUntilAsync(restarted, () => failing.Hits >= 2, "failed polls after the restart");
        Assert.Equal("CANARY-adopt-v2", await File.ReadAllTextAsync(run.ConfigPath));

        // S3 back, with generation 1 restored as the newest version: the adopted generation 2 is the floor.
        s3Down.Value = false;
        await RestoreAsync(world, first.GetProperty("versionId").GetString()!);
        var gets = Gets(down);
        await WaitUntilAsync(restarted, () => Gets(down) >= gets + 2, "polls after S3 came back");
        var stderr = await StopAsync(restarted, "CANARY-adopt-v2");
        Assert.Contains("adopted the set in the target", stderr, StringComparison.Ordinal);
        Assert.Contains("below the required 2", stderr, StringComparison.Ordinal);
    }

    private static string Metrics(HttpClient http) => http.GetStringAsync(new Uri("metrics", UriKind.Relative)).GetAwaiter().GetResult();

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static int Gets(FaultProxy proxy) => proxy.Count(Requests.S3("GET", Name));

    private static async Task RestoreAsync(AdminWorld world, string versionId)
    {
        await world.Moto.S3.CopyObjectAsync(new Amazon.S3.Model.CopyObjectRequest
        {
            SourceBucket = world.Bucket,
            SourceKey = world.Source.ObjectKey(Name),
            SourceVersionId = versionId,
            DestinationBucket = world.Bucket,
            DestinationKey = world.Source.ObjectKey(Name),
            MetadataDirective = Amazon.S3.S3MetadataDirective.COPY,
        });
    }

    private Process Start(AdminWorld world, FaultProxy proxy, params string[] flags)
    {
        var environment = world.Environment();
        environment["AWS_ENDPOINT_URL_S3"] = proxy.Endpoint.ToString();
        environment["AWS_ENDPOINT_URL_KMS"] = proxy.Endpoint.ToString();
        environment["SECRET_AGENT_MANIFEST"] = run.ManifestPath;
        environment["SECRET_AGENT_DIR"] = run.Target;
        return CommandRunner.Start(Binaries.Agent, ["watch", .. flags], environment);
    }

    // The file has no event to wait on; poll it with a generous deadline.
    private async Task WaitForContentAsync(Process agent, string expected) =>
        await WaitUntilAsync(agent, () => File.Exists(run.ConfigPath) && File.ReadAllText(run.ConfigPath) == expected, $"'{expected}' in the file");

    private static async Task WaitUntilAsync(Process agent, Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (agent.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"agent exited {agent.ExitCode} before {what}: {await agent.StandardError.ReadToEndAsync()}");
            }

            if (deadline.Elapsed > Deadline)
            {
                throw new Xunit.Sdk.XunitException($"no {what} within {Deadline}");
            }

            await Task.Delay(50);
        }
    }

    // TERM stops the watch: exit 0, and the file stays (it is the running app's).
    private async Task<string> StopAsync(Process agent, string expected)
    {
        var stderr = agent.StandardError.ReadToEndAsync();
        ProcessTestSignals.Send(agent.Id, "TERM");
        await agent.WaitForExitAsync().WaitAsync(Deadline);
        var text = await stderr;
        Assert.True(agent.ExitCode == 0, $"exit {agent.ExitCode}: {text}");
        Assert.Equal(expected, await File.ReadAllTextAsync(run.ConfigPath));
        return text;
    }
}
