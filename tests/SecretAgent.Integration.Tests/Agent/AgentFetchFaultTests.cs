using System.Diagnostics;
using System.Globalization;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// <c>secret-agent fetch</c> through the real binary with the fault proxy in front of moto (issue 11, fault
/// injection): a hung S3 or KMS is cut at <c>--timeout</c> within a second; a throttling S3 is retried a bounded
/// number of times per call with jittered gaps, by one layer only; a body without end costs no more memory than the
/// size cap; faults at a rate are absorbed by the retries. Every failure is its documented exit code and one line,
/// with nothing written and no value echoed. The bounds hold for today's one delivery attempt and for start-time
/// retries until the deadline alike: attempts per SDK call, total time, exit code, message, an empty target.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentFetchFaultTests : IDisposable
{
    private const string Sentinel = "CANARY-fetch-fault-93c4";
    private const string Name = OneConfigRun.Name;

    /// <summary>The SDK's standard retry mode: one call is at most this many requests (docs/agent.md "Retries").</summary>
    private const int SdkAttempts = 4;

    /// <summary>A body that stops short is a truncated object (faults.md row 8).</summary>
    private const int ResetMidBodyExit = 65;

    private readonly MotoServer moto;
    private readonly OneConfigRun run = new("fetchfault");

    public AgentFetchFaultTests(MotoServer moto)
    {
        this.moto = moto;
    }

    public void Dispose() => run.Dispose();

    [Theory]
    [InlineData("s3")]
    [InlineData("kms")]
    public async Task Fetch_WhenTheEndpointHangs_GivesUpWithinASecondOfTheDeadline(string service)
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(service == "s3" ? Requests.S3("GET", Name) : Requests.Kms("Decrypt"), FaultAction.Hang);
        var clock = Stopwatch.StartNew();

        var result = Fetch(world, proxy, "--timeout", "3s");

        var exited = DateTime.UtcNow;
        AssertFailed(result, 69, "deadline of 3s passed");
        Assert.True(clock.Elapsed.TotalSeconds >= 2.9, $"gave up after {clock.Elapsed.TotalSeconds:F2} s, before the deadline");

        // Measured from the agent's first request, so a slow process start (a JIT build on a loaded machine) is not
        // counted against the deadline, which starts just before it.
        var sinceFirstRequest = (exited - proxy.Received[0].At).TotalSeconds;
        Assert.True(sinceFirstRequest <= 4.0, $"exited {sinceFirstRequest:F2} s after its first request, over a second past the deadline");
    }

    [Fact]
    public async Task Fetch_WhenS3KeepsThrottling_RetriesEachCallAtMostTheSdksAttempts_WithJitteredGaps()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        string[] names = ["a.json", "b.json", "c.json", "d.json"];
        foreach (var name in names)
        {
            world.Put(name, Sentinel);
        }

        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.S3("GET", ".json"), FaultAction.S3SlowDown);
        var environment = Environment(world, proxy);
        environment["SECRET_AGENT_MANIFEST"] = world.WriteInput("version: 1\nfiles:\n" + string.Concat(names.Select(n => $"  - name: {n}\n")), "secret-agent.yaml");
        var clock = Stopwatch.StartNew();

        var result = CommandRunner.Run(Binaries.Agent, ["fetch", "--timeout", "6s"], environment);

        Assert.True(result.ExitCode == 69, result.ToString());
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 7.0);
        Assert.Single(result.ErrorLines);
        Assert.DoesNotContain("server text", result.Stderr, StringComparison.Ordinal);
        AssertNothingWritten();

        // One SDK call is one invocation id over its retries: never more than the SDK's attempts, so no second layer
        // retries inside it; a retry of the delivery (start-time retries) is a new call with a new id.
        var calls = proxy.Received.Where(Requests.S3("GET", ".json")).GroupBy(r => r.Invocation).ToList();
        Assert.All(calls, c => Assert.NotNull(c.Key));
        Assert.All(calls, c => Assert.InRange(c.Count(), 1, SdkAttempts));
        Assert.Contains(calls, c => c.Count() == SdkAttempts);

        // Full jitter: the first retry of each config's call waits a random time, so four calls do not retry in step.
        var firstGaps = calls.Where(c => c.Count() >= 2).Select(c => (c.ElementAt(1).At - c.First().At).TotalMilliseconds).ToList();
        Assert.True(firstGaps.Count >= 3, $"too few retried calls: {firstGaps.Count}");
        Assert.True(firstGaps.Max() - firstGaps.Min() > 5, "the first retries came in step: " + string.Join(", ", firstGaps.Select(g => g.ToString("F0", CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task Fetch_WhenTheBodyNeverEnds_StopsAtTheSizeCap_WithMemoryBoundedByIt()
    {
        const int cap = 1024 * 1024;
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        var baseline = PeakResidentKib(Environment(world, proxy), "fetch", "--max-size", cap.ToString(CultureInfo.InvariantCulture));
        Assert.True(baseline.Result.ExitCode == 0, baseline.Result.ToString());
        File.Delete(run.ConfigPath);
        Directory.Delete(run.Target, recursive: true);
        Directory.CreateDirectory(run.Target);

        proxy.On(Requests.S3("GET", Name), FaultAction.EndlessBody);
        var endless = PeakResidentKib(Environment(world, proxy), "fetch", "--max-size", cap.ToString(CultureInfo.InvariantCulture), "--timeout", "20s");

        AssertFailed(endless.Result, 65, $"config '{Name}'");
        Assert.DoesNotContain("deadline", endless.Result.Stderr, StringComparison.Ordinal);
        Assert.True(endless.PeakKib <= baseline.PeakKib + (cap / 1024) + (40 * 1024), $"peak RSS {endless.PeakKib} KiB against {baseline.PeakKib} KiB for a normal fetch");
        Assert.True(proxy.Streamed > cap, $"only {proxy.Streamed} bytes were offered");
    }

    [Fact]
    public async Task Fetch_WhenHeadersNeverEnd_Exits69AsABadResponse_NotADeadline()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.S3("GET", Name), FaultAction.EndlessHeaders);

        var result = Fetch(world, proxy, "--timeout", "20s");

        AssertFailed(result, 69, "bad response from the endpoint");
        Assert.DoesNotContain("cannot reach", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_WhenEveryBodyIsResetHalfway_FailsWithItsCodeAndWritesNothing()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        var reset = proxy.On(Requests.S3("GET", Name), FaultAction.ResetMidBody);

        var result = Fetch(world, proxy, "--timeout", "20s");

        AssertFailed(result, ResetMidBodyExit, $"config '{Name}'");
        Assert.InRange(reset.Hits, 1, SdkAttempts * 10);
    }

    [Fact]
    public async Task Fetch_WhenThirtyPercentOfS3AndKmsRequestsFail_IsDeliveredByTheRetries()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        var s3 = proxy.On(Requests.S3("GET", Name), FaultAction.Cycle(FaultAction.S3SlowDown, FaultAction.Reset, FaultAction.S3Error(500, "InternalError")), rate: 0.3, seed: 11);
        var kms = proxy.On(Requests.Kms("Decrypt"), FaultAction.Cycle(FaultAction.KmsThrottling, FaultAction.KmsError("KMSInternalException", 500)), rate: 0.3, seed: 12);
        proxy.On(Requests.S3("GET", Name), FaultAction.SlowBody(64, TimeSpan.FromMilliseconds(20)), rate: 0.5, seed: 13);

        for (var i = 0; i < 3; i++)
        {
            var result = Fetch(world, proxy);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(Sentinel, File.ReadAllText(run.ConfigPath));
            Directory.Delete(run.Target, recursive: true);
            Directory.CreateDirectory(run.Target);
        }

        Assert.True(s3.Hits + kms.Hits > 0, "no fault was injected");
    }

    private void AssertFailed(CommandResult result, int exitCode, string expected)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}\n{result}");
        var line = Assert.Single(result.ErrorLines);
        Assert.True(line.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in the error line\n{result}");
        Assert.DoesNotContain(Sentinel, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("server text", result.Stderr, StringComparison.Ordinal);
        AssertNothingWritten();
    }

    // The agent's ..lock (flock, faults.md row 39) stays; nothing else may.
    private void AssertNothingWritten() =>
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(run.Target), e => Path.GetFileName(e) != "..lock");

    private Dictionary<string, string?> Environment(AdminWorld world, FaultProxy proxy) =>
        run.Environment(world, new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_S3"] = proxy.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_KMS"] = proxy.Endpoint.ToString(),
        });

    private CommandResult Fetch(AdminWorld world, FaultProxy proxy, params string[] flags) =>
        CommandRunner.Run(Binaries.Agent, ["fetch", .. flags], Environment(world, proxy));

    // GNU time reports the child's peak resident set (ru_maxrss, KiB) after it exits; scripts/test.sh installs it.
    private static (CommandResult Result, long PeakKib) PeakResidentKib(Dictionary<string, string?> environment, params string[] args)
    {
        var report = Path.GetTempFileName();
        try
        {
            var result = CommandRunner.Run("/usr/bin/time", ["-f", "%M", "-o", report, Binaries.Agent, .. args], environment);
            return (result, long.Parse(File.ReadAllLines(report).Last(l => l.Length > 0), CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(report);
        }
    }
}
