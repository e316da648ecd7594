using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// A SIGTERM that arrives after the configs are published and before the app runs (issue defect 7) has one of two
/// defined outcomes, never a third: the start is cancelled (files removed, one line, 128+15), or the app gets the
/// signal. The test sends TERM on the event "the receipt appeared on the target" and classifies each run. Before the
/// fix most runs ended with the agent killed (143 or an abort) and the files left, or the signal swallowed.
/// </summary>
public sealed class AgentSignalWindowTests(ITestOutputHelper output) : IDisposable
{
    private const int Iterations = 30;
    private const int SigTerm = 15;
    private const int MaxLate = 3;
    private const string Late = "dispatched after the last check";
    private const string Canary = "CANARY-window-7c1e";

    // The app is looked up through a long PATH of missing directories, so the agent's pre-launch command search
    // takes a few milliseconds: a signal sent the moment the receipt appears then lands between publish and launch.
    private static readonly string SlowPath = string.Join(':', Enumerable.Range(0, 10000).Select(i => $"/nx/{i}")) + ":/usr/bin:/bin";

    private readonly LocalWorld world = new();

    public static TheoryData<string> Modes => ["exec", "supervise", "group"];

    public void Dispose() => world.Dispose();

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Run_WhenTermArrivesBetweenPublishAndLaunch_CancelsCleanlyOrAppGetsIt(string mode)
    {
        await world.PublishAsync("db.json", Canary);
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        var outcomes = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            outcomes.Add(RunOnce(mode, i));
        }

        output.WriteLine(string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Key}: {g.Count()}")));
        Assert.All(outcomes, outcome => Assert.True(outcome is "cancelled" or "app got it" or Late, outcome));

        // The runtime runs a TERM handler on a thread it creates for it; on a loaded machine that thread may first run
        // after the last check, when the signal is no longer the agent's (see docs/agent.md). Rare, never the rule.
        Assert.True(outcomes.Count(o => o == Late) <= MaxLate, $"{outcomes.Count(o => o == Late)} of {Iterations} runs saw the signal dispatched after the last check");
    }

    private string RunOnce(string mode, int iteration)
    {
        // A run the app finished leaves its files; start each run from an empty target so the receipt is new.
        foreach (var entry in new DirectoryInfo(world.Target).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo directory && directory.LinkTarget is null)
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }

        var scratch = Directory.CreateDirectory(Path.Combine(world.Root, $"run-{iteration}")).FullName;
        var receipt = Path.Combine(world.Target, ".secret-agent", "receipt.json");
        string[] flags = mode switch { "exec" => [], "supervise" => ["--supervise"], _ => ["--supervise", "--process-group"] };

        // Builtins only (PATH is slow on purpose): the trap is the app's first act; without TERM it ends on its own.
        var script = "trap 'echo term > \"$SCRATCH/got-term\"; exit 0' TERM; echo up > \"$SCRATCH/started\"; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done";
        var environment = world.Environment();
        environment["PATH"] = SlowPath;
        environment["SCRATCH"] = scratch;
        using var agent = CommandRunner.Start(Binaries.Agent, ["run", .. flags, "--", "sh", "-c", script], environment);
        var stdout = agent.StandardOutput.ReadToEndAsync();
        var stderr = agent.StandardError.ReadToEndAsync();

        WaitForReceipt(agent, receipt);
        // Sent directly: spawning kill(1) would take longer than the window itself.
        Assert.Equal(0, Kill(agent.Id, SigTerm));
        Assert.True(agent.WaitForExit(TimeSpan.FromSeconds(30)), "agent did not exit after SIGTERM");
        agent.WaitForExit();

        var output = stdout.Result + stderr.Result;
        Assert.DoesNotContain(Canary, output, StringComparison.Ordinal);
        var entries = Directory.GetFileSystemEntries(world.Target).Select(Path.GetFileName).ToList();
        if (agent.ExitCode == 143 && output.Contains("cancelled by signal 15", StringComparison.Ordinal) && entries is ["..lock"])
        {
            return "cancelled";
        }

        var started = File.Exists(Path.Combine(scratch, "started"));
        if (agent.ExitCode == 0 && File.Exists(Path.Combine(scratch, "got-term")))
        {
            return "app got it";
        }

        // Late dispatch: the app got the signal before its trap (143), or in exec mode the old image consumed it.
        var cancelLine = output.Contains("cancelled by signal", StringComparison.Ordinal);
        if (!cancelLine && entries.Contains("db.json") && ((agent.ExitCode == 143 && !started) || (mode == "exec" && agent.ExitCode == 0 && started)))
        {
            return Late;
        }

        return $"run {iteration}: exit {agent.ExitCode}, target [{string.Join(", ", entries)}], app started: {started}, output: {output}";
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static void WaitForReceipt(Process agent, string receipt)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(receipt))
        {
            Assert.False(agent.HasExited, "agent exited before publishing");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the receipt never appeared");
            Thread.Yield();
        }
    }
}
