using SecretAgent.Core.Notify;
using SecretAgent.Core.Posix;
using SecretAgent.Core.Processes;

namespace SecretAgent.Core.Tests.Processes;

/// <summary>
/// --on-change against real children under the supervisor: the app reports each start and each HUP as a line on a
/// FIFO, so the test waits on the app's own events, never on time.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SupervisedAppTests : IDisposable
{
    private static readonly Dictionary<string, string> Environment = new() { ["PATH"] = "/usr/bin:/bin" };
    private readonly string events = Path.Combine(Path.GetTempPath(), "sa-app-events-" + Guid.NewGuid().ToString("N"));

    public SupervisedAppTests()
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [events]);
        mkfifo.WaitForExit();
    }

    public void Dispose() => File.Delete(events);

    [Fact]
    public async Task SignalOnChange_ReachesTheRunningApp_WithoutRestartingIt()
    {
        var app = new SupervisedApp();
        using var stop = new CancellationTokenSource();
        var supervise = Supervise(App("trap 'echo hup $$ > \"$1\"' HUP; trap 'exit 7' TERM"), app, stop.Token);
        var started = await NextEventAsync();

        await new SupervisedAppNotifier(app, OnChange.Parse("signal:HUP"), new RecordingLog()).NotifyAsync(CancellationToken.None);

        Assert.Equal($"hup {Pid(started)}", await NextEventAsync());
        Assert.Equal(0, app.Restarts);
        await stop.CancelAsync();
        Assert.Equal(7, await supervise);
    }

    [Fact]
    public async Task RestartOnChange_TermsTheApp_AndStartsItAgain_ThenMirrorsTheLastExit()
    {
        var app = new SupervisedApp(TimeSpan.FromMinutes(5));
        using var stop = new CancellationTokenSource();
        var supervise = Supervise(App("trap 'exit 0' TERM"), app, stop.Token);
        var first = Pid(await NextEventAsync());

        var restart = new SupervisedAppNotifier(app, OnChange.RestartApp, new RecordingLog()).NotifyAsync(CancellationToken.None);
        var second = Pid(await NextEventAsync());
        await restart.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(first, second);
        Assert.Equal(second, app.Pid);
        Assert.Equal(1, app.Restarts);
        Assert.False(supervise.IsCompleted, "the supervisor ended with the first app");
        await stop.CancelAsync();
        Assert.Equal(0, await supervise);
    }

    [Fact]
    public async Task Restart_OfAnAppThatIgnoresTerm_KillsItAfterTheGrace()
    {
        var app = new SupervisedApp(TimeSpan.FromMilliseconds(200));
        using var stop = new CancellationTokenSource();
        var supervise = Supervise(App("trap '' TERM"), app, stop.Token);
        _ = await NextEventAsync();

        var restart = app.RestartAsync();
        _ = await NextEventAsync();
        await restart.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, app.Restarts);
        app.Signal(LinuxAbi.SigKill);
        Assert.Equal(128 + LinuxAbi.SigKill, await supervise);
    }

    [Fact]
    public async Task AnAppThatExitsByItself_EndsTheSupervisor_AndALaterRestartIsMoot()
    {
        var app = new SupervisedApp();

        var code = await Supervise(["-c", "exit 3"], app, CancellationToken.None);

        Assert.Equal(3, code);
        Assert.True(app.RestartAsync().IsCompleted);
        Assert.Equal(0, app.Pid);
    }

    /// <summary>sh: run <paramref name="traps"/>, report "started PID", then wait (in short sleeps, so traps run promptly).</summary>
    private string[] App(string traps) =>
        ["-c", $"{traps}; echo started $$ > \"$1\"; while :; do sleep 0.05; done", "sh", events];

    // Process-group mode re-enters the secret-agent binary, which the test host is not: the black-box tests cover it.
    private static Task<int> Supervise(string[] arguments, SupervisedApp app, CancellationToken ct) =>
        ProcessLauncher.SuperviseAsync(new LaunchSpec("sh", arguments, Environment), new SuperviseOptions(ProcessGroup: false, App: app), ct);

    /// <summary>The next line the app writes (each echo opens and closes the FIFO once).</summary>
    private async Task<string> NextEventAsync() =>
        (await Task.Run(() => File.ReadAllText(events)).WaitAsync(TimeSpan.FromSeconds(30))).TrimEnd('\n');

    private static int Pid(string started) => int.Parse(started.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
}
