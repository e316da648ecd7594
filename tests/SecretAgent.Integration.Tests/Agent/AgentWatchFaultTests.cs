using System.Runtime.CompilerServices;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// <c>secret-agent watch</c> under S3 and KMS faults, through the real binary with the fault proxy in front of moto:
/// the last good set stays, health stays green by default and turns stale under --max-stale, the pending change is
/// delivered when the fault stops; a config that keeps failing backs off alone and delays no other config's change
/// (measured in rounds, from the status file); a throttled poll does not hammer; the deployment's floor holds.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentWatchFaultTests
{
    private readonly MotoServer moto;

    public AgentWatchFaultTests(MotoServer moto)
    {
        this.moto = moto;
    }

    [TmpfsFact]
    public async Task Watch_KmsThenS3DownForAWhile_KeepsTheOldSet_StaysHealthy_StaleUnderMaxStale_AndRecovers()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        using var run = new WatchRun(world, ["db.json"]);
        await run.PublishAsync("db.json", "CANARY-down-v1");
        var kmsDown = new StrongBox<bool>(false);
        var s3Down = new StrongBox<bool>(false);
        var kmsFault = run.Proxy.On(r => kmsDown.Value && Requests.Kms("Decrypt")(r), FaultAction.Cycle(FaultAction.KmsError("KMSInternalException", 500), FaultAction.KmsError("ThrottlingException"), FaultAction.Reset));
        var s3Fault = run.Proxy.On(r => s3Down.Value && Requests.S3("GET", "db.json")(r), FaultAction.Cycle(FaultAction.S3Error(503, "SlowDown"), FaultAction.S3Error(500, "InternalError"), FaultAction.Reset));
        var agent = run.Start("--interval", "1s");
        await run.WaitUntilAsync(agent, () => run.Holds("db.json", "CANARY-down-v1") && run.Rounds() >= 1, "v1 and a first round");

        kmsDown.Value = true;
        await run.PublishAsync("db.json", "CANARY-down-v2");
        await AssertServesStaleAsync(run, agent, kmsFault, "CANARY-down-v1");
        kmsDown.Value = false;
        await run.WaitUntilAsync(agent, () => run.Holds("db.json", "CANARY-down-v2"), "v2 after KMS came back");
        await run.WaitUntilAsync(agent, () => run.Health("--max-stale", "3s").ExitCode == 0, "fresh health after KMS came back");

        s3Down.Value = true;
        await run.PublishAsync("db.json", "CANARY-down-v3");
        await AssertServesStaleAsync(run, agent, s3Fault, "CANARY-down-v2");
        s3Down.Value = false;
        await run.WaitUntilAsync(agent, () => run.Holds("db.json", "CANARY-down-v3"), "v3 after S3 came back");

        var stderr = await run.StopAsync(agent);
        Assert.Contains("poll failed; the last good file stays", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("server text", stderr, StringComparison.Ordinal);
    }

    [TmpfsFact]
    public async Task Watch_AConfigThatKeepsFailing_BacksOffAlone_AndDelaysNoOtherChange()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        using var run = new WatchRun(world, ["bad.json", "ok.json"]);
        await run.PublishAsync("bad.json", "CANARY-bad-v1");
        await run.PublishAsync("ok.json", "CANARY-ok-v1");
        var badFails = new StrongBox<bool>(false);
        run.Proxy.On(r => badFails.Value && Requests.Kms("Decrypt", "bad.json")(r), FaultAction.KmsError("KMSInternalException", 500));
        var agent = run.Start("--interval", "1s");
        await run.WaitUntilAsync(agent, () => run.Holds("ok.json", "CANARY-ok-v1") && run.Rounds() >= 1, "the first set and a round");

        // bad.json's new version can never be decrypted; ok.json's change, published with it, must not wait for it.
        badFails.Value = true;
        await run.PublishAsync("bad.json", "CANARY-bad-v2");
        for (var version = 2; version <= 4; version++)
        {
            var rounds = run.Rounds();
            await run.PublishAsync("ok.json", $"CANARY-ok-v{version}");
            await run.WaitUntilAsync(agent, () => run.Holds("ok.json", $"CANARY-ok-v{version}"), $"ok.json v{version}");

            // The round under way when it was published may have polled ok.json already; the next one delivers it.
            Assert.True(run.Rounds() - rounds <= 2, $"ok.json v{version} took {run.Rounds() - rounds} rounds");
        }

        var start = run.Rounds();
        var okPolls = run.Proxy.Count(Requests.S3("GET", "ok.json"));
        var badPolls = run.Proxy.Count(Requests.S3("GET", "bad.json"));
        await run.WaitUntilAsync(agent, () => run.Rounds() >= start + 6, "six more rounds");

        // ok.json is polled every round; bad.json only when its exponential backoff (1 s, 2 s, 4 s, ...) lets it.
        Assert.True(run.Proxy.Count(Requests.S3("GET", "ok.json")) - okPolls >= 5, "ok.json is polled each round");
        Assert.True(run.Proxy.Count(Requests.S3("GET", "bad.json")) - badPolls <= 3, $"bad.json polled {run.Proxy.Count(Requests.S3("GET", "bad.json")) - badPolls} times in 6 rounds");
        Assert.Equal("CANARY-bad-v1", run.Read("bad.json"));
        Assert.Equal("failed", run.Status("bad.json")!.Value.GetProperty("lastOutcome").GetString());
        await run.StopAsync(agent);
    }

    [TmpfsFact]
    public async Task Watch_PollUnderS3Throttling_BacksOff_AndEachPollIsAtMostTheSdksFourAttempts()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        using var run = new WatchRun(world, ["db.json"]);
        await run.PublishAsync("db.json", "CANARY-throttle-v1");
        var throttled = new StrongBox<bool>(false);
        var fault = run.Proxy.On(r => throttled.Value && Requests.S3("GET", "db.json")(r), FaultAction.S3Error(503, "SlowDown"));
        var agent = run.Start("--interval", "1s");
        await run.WaitUntilAsync(agent, () => run.Holds("db.json", "CANARY-throttle-v1") && run.Rounds() >= 1, "v1 and a round");

        throttled.Value = true;
        var start = run.Rounds();
        await run.WaitUntilAsync(agent, () => run.Rounds() >= start + 8, "eight rounds under throttling");
        throttled.Value = false;

        // The SDK marks the attempts of one call with one invocation id: distinct ids are polls, requests are attempts.
        var throttledRequests = run.Proxy.Received.Where(r => Requests.S3("GET", "db.json")(r)).Skip(run.Proxy.Received.Count(r => Requests.S3("GET", "db.json")(r)) - fault.Hits).ToList();
        var polls = throttledRequests.Select(r => r.Header("amz-sdk-invocation-id")).Distinct(StringComparer.Ordinal).Count();
        Assert.True(polls <= 5, $"{polls} polls in 8 rounds under throttling: the backoff (1, 2, 4 intervals with 50-100 % jitter) allows at most 5");
        Assert.True(fault.Hits <= 4 * polls, $"{fault.Hits} requests for {polls} polls: more than the SDK's 4 attempts each");
        Assert.Equal("CANARY-throttle-v1", run.Read("db.json"));
        await run.StopAsync(agent);
    }

    [TmpfsFact]
    public async Task Watch_RestartedWithAHigherDeploymentFloor_RefusesAVersionBelowIt_AndTakesOneAtIt()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        using var run = new WatchRun(world, ["db.json"]);
        await run.PublishAsync("db.json", "CANARY-floor-v1");
        var first = run.Start("--interval", "1s");
        await run.WaitUntilAsync(first, () => run.Holds("db.json", "CANARY-floor-v1"), "v1");
        await run.StopAsync(first);

        // IT raises the floor to 3 after an incident; the restarted sidecar adopts generation 1 and refuses 2.
        var floor = new Dictionary<string, string?> { ["SECRET_AGENT_MIN_GENERATIONS"] = "db.json=3" };
        var restarted = run.Start(floor, "--interval", "1s");
        await run.PublishAsync("db.json", "CANARY-floor-v2");
        await run.WaitUntilAsync(restarted, () => run.Status("db.json")?.GetProperty("lastOutcome").GetString() == "refused", "generation 2 refused");
        Assert.Equal("CANARY-floor-v1", run.Read("db.json"));

        await run.PublishAsync("db.json", "CANARY-floor-v3");
        await run.WaitUntilAsync(restarted, () => run.Holds("db.json", "CANARY-floor-v3"), "generation 3 delivered");
        var stderr = await run.StopAsync(restarted);
        Assert.Contains("below the required 3", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", stderr, StringComparison.Ordinal);
    }

    // During a fault: the rule has answered a few polls, the old file stays, health is green by default and stale
    // past a --max-stale bound, and the status shows the staleness and the error.
    private static async Task AssertServesStaleAsync(WatchRun run, System.Diagnostics.Process agent, FaultRule fault, string old)
    {
        var hits = fault.Hits;
        await run.WaitUntilAsync(agent, () => fault.Hits >= hits + 3 && run.Status("db.json")!.Value.GetProperty("stalenessSeconds").GetDouble() >= 4, "failed polls and 4 s of staleness");
        Assert.Equal(old, run.Read("db.json"));
        var status = run.Status("db.json")!.Value;
        Assert.Equal("failed", status.GetProperty("lastOutcome").GetString());
        Assert.NotNull(status.GetProperty("lastError").GetString());

        var byDefault = run.Health();
        var bounded = run.Health("--max-stale", "3s");
        Assert.True(byDefault.ExitCode == 0, byDefault.ToString());
        Assert.True(bounded.ExitCode == 1, bounded.ToString());
        Assert.Contains("config 'db.json' stale", bounded.Stderr, StringComparison.Ordinal);
    }
}
