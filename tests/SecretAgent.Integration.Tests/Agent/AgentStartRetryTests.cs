using System.Diagnostics;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// The start retries transient failures until its deadline (issue 8, "start and watch retry differently"), through
/// the real agent with the fault proxy in front of moto's KMS: a fleet starting under a KMS quota waits, then
/// delivers; throttling that never stops ends at the deadline with its exit code and the cause.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentStartRetryTests : IDisposable
{
    private const string Sentinel = "CANARY-start-retry-7c2d";
    private const string Retrying = "transient failure; retrying until the deadline";
    private readonly MotoServer moto;
    private readonly OneConfigRun run = new("startretry");

    public AgentStartRetryTests(MotoServer moto)
    {
        this.moto = moto;
    }

    public void Dispose() => run.Dispose();

    [Fact]
    public async Task Run_WhenKmsThrottlesTheFirstDecrypts_WaitsWithBackoffAndDelivers()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(OneConfigRun.Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.Kms("Decrypt"), FaultAction.KmsError("ThrottlingException"), times: 6);
        var clock = Stopwatch.StartNew();

        var result = Agent(world, proxy, "30", "cat", run.ConfigPath);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Sentinel, result.Stdout);
        Assert.Equal(7, proxy.Count(Requests.Kms("Decrypt"))); // 6 throttled (the SDK's 4 attempts, then ours), 1 answered
        // The SDK's 4 attempts ran out once at least: the agent waited its own backoff (>= 0.5 s) before asking again.
        Assert.InRange(result.StderrLines.Count(l => l.Contains(Retrying, StringComparison.Ordinal)), 1, 2);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.5), $"retries came in a burst: {clock.Elapsed}");
        Assert.DoesNotContain(Sentinel, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenKmsNeverStopsThrottling_Exits69AtTheDeadlineNamingTheCause()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(OneConfigRun.Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.Kms("Decrypt"), FaultAction.KmsError("ThrottlingException"));
        var clock = Stopwatch.StartNew();

        var result = Agent(world, proxy, "4");

        Assert.True(result.ExitCode == 69, result.ToString());
        // At the deadline; the upper bound leaves room for process start on a loaded 2-core CI machine.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
        var line = Assert.Single(result.ErrorLines);
        // The cause is the last throttle once the SDK's own attempts ran out inside the deadline, else "slow or unreachable".
        Assert.True(line.Contains("deadline of 4s passed while fetching configs (", StringComparison.Ordinal) && line.EndsWith("; nothing was written", StringComparison.Ordinal), result.ToString());
        // No more than "some": the SDK's own throttling backoff can use up most of a 4 s deadline by itself (the
        // retry-then-deliver test above shows the agent's own retries).
        Assert.True(proxy.Count(Requests.Kms("Decrypt")) >= 1, "the agent never asked KMS");
        Assert.False(File.Exists(run.ConfigPath), "a config was written despite the failure");
        Assert.DoesNotContain(Sentinel, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    private CommandResult Agent(AdminWorld world, FaultProxy proxy, string timeout, params string[] command) =>
        run.RunWith(world, new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_KMS"] = proxy.Endpoint.ToString() }, ["--timeout", timeout], command);
}
