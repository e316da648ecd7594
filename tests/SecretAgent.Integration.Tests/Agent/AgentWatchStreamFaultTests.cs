using System.Globalization;
using System.Runtime.CompilerServices;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// <c>secret-agent watch</c> under the faults that hold a connection rather than fail it (issue 11): an S3 that
/// hangs, and a body without end. Each poll is cut at its deadline or at the size cap, the last good set stays, the
/// sidecar's peak memory stays within the cap plus a margin (VmHWM from /proc while it runs), and the pending change
/// arrives once the fault stops.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentWatchStreamFaultTests
{
    private const int Cap = 1024 * 1024;
    private readonly MotoServer moto;

    public AgentWatchStreamFaultTests(MotoServer moto)
    {
        this.moto = moto;
    }

    [TmpfsFact]
    public async Task Watch_WhenS3HangsThenSendsAnEndlessBody_KeepsTheOldSet_BoundsMemory_AndDeliversWhenItStops()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        using var run = new WatchRun(world, ["db.json"]);
        await run.PublishAsync("db.json", "CANARY-stream-v1");
        var fault = new StrongBox<FaultAction?>(null);
        var hang = run.Proxy.On(r => fault.Value == FaultAction.Hang && Requests.S3("GET", "db.json")(r), FaultAction.Hang);
        var endless = run.Proxy.On(r => fault.Value == FaultAction.EndlessBody && Requests.S3("GET", "db.json")(r), FaultAction.EndlessBody);
        var agent = run.Start("--interval", "1s", "--timeout", "3s", "--max-size", Cap.ToString(CultureInfo.InvariantCulture));
        await run.WaitUntilAsync(agent, () => run.Holds("db.json", "CANARY-stream-v1") && run.Rounds() >= 1, "v1 and a first round");

        fault.Value = FaultAction.Hang;
        await run.PublishAsync("db.json", "CANARY-stream-v2");
        await run.WaitUntilAsync(agent, () => hang.Hits >= 2 && Outcome(run) == "failed", "two hung polls");
        Assert.Equal("CANARY-stream-v1", run.Read("db.json"));
        fault.Value = null;
        await run.WaitUntilAsync(agent, () => run.Holds("db.json", "CANARY-stream-v2"), "v2 after S3 answered again");

        var before = PeakResidentKib(agent.Id);
        fault.Value = FaultAction.EndlessBody;
        await run.PublishAsync("db.json", "CANARY-stream-v3");
        await run.WaitUntilAsync(agent, () => endless.Hits >= 2 && Outcome(run) == "failed", "two polls with an endless body");
        Assert.Equal("CANARY-stream-v2", run.Read("db.json"));
        var peak = PeakResidentKib(agent.Id);
        Assert.True(run.Proxy.Streamed > Cap, $"only {run.Proxy.Streamed} bytes were offered");
        Assert.True(peak <= before + (2 * Cap / 1024) + (40 * 1024), $"peak RSS {peak} KiB, {before} KiB before the endless bodies");
        fault.Value = null;
        await run.WaitUntilAsync(agent, () => run.Holds("db.json", "CANARY-stream-v3"), "v3 after the body ended again");

        var stderr = await run.StopAsync(agent);
        Assert.Contains("poll failed; the last good file stays", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", stderr, StringComparison.Ordinal);
    }

    private static string? Outcome(WatchRun run) => run.Status("db.json")?.GetProperty("lastOutcome").GetString();

    // The kernel's high-water mark of the process's resident set, in KiB.
    private static long PeakResidentKib(int pid)
    {
        var line = File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
