using SecretAgent.Core.Errors;
using SecretAgent.Core.Notify;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Tests.Notify;

[Trait("Category", "Unit")]
public sealed class NotifyOptionsTests
{
    [Theory]
    [InlineData("HUP", LinuxAbi.SigHup)]
    [InlineData("SIGUSR2", LinuxAbi.SigUsr2)]
    [InlineData("term", LinuxAbi.SigTerm)]
    [InlineData("SigWinch", LinuxAbi.SigWinch)]
    public void TryParseSignal_TakesNamesWithOrWithoutSig(string text, int expected)
    {
        Assert.True(LinuxAbi.TryParseSignal(text, out var signal));
        Assert.Equal(expected, signal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("SIG")]
    [InlineData("STOP")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParseSignal_RefusesNumbersAndUnknownNames(string? text) =>
        Assert.False(LinuxAbi.TryParseSignal(text, out _));

    [Theory]
    [InlineData("restart", true, LinuxAbi.SigTerm)]
    [InlineData("signal:HUP", false, LinuxAbi.SigHup)]
    [InlineData("signal:SIGUSR1", false, LinuxAbi.SigUsr1)]
    public void OnChange_Parses(string text, bool restart, int signal) =>
        Assert.Equal(new OnChange(restart, signal), OnChange.Parse(text));

    [Theory]
    [InlineData("reload", "--on-change must be signal:SIG (e.g. signal:HUP) or restart, not 'reload'")]
    [InlineData("signal:", "--on-change signal:SIG takes one of HUP, INT, QUIT, USR1, USR2, ALRM, TERM, CONT, WINCH (use restart to stop the app), not ''")]
    [InlineData("signal:KILL", "--on-change signal:SIG takes one of HUP, INT, QUIT, USR1, USR2, ALRM, TERM, CONT, WINCH (use restart to stop the app), not 'KILL'")]
    [InlineData("Restart", "--on-change must be signal:SIG (e.g. signal:HUP) or restart, not 'Restart'")]
    public void OnChange_RefusesOthers_WithOneUsageLine(string text, string message)
    {
        var ex = Assert.Throws<SecretAgentException>(() => OnChange.Parse(text));

        Assert.Equal(ErrorKind.Usage, ex.Kind);
        Assert.Equal(64, ex.ExitCode);
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData(null, "app", "HUP", null, null, null)]
    [InlineData("/run/app.pid", null, null, "nginx -s reload", "http://127.0.0.1:8080/", null)]
    [InlineData(null, null, null, null, null, null)]
    [InlineData("/run/app.pid", "app", null, null, null, "give --notify-pidfile or --notify-process, not both")]
    [InlineData(null, null, "HUP", "x", null, "--notify-signal needs --notify-pidfile or --notify-process")]
    [InlineData(null, "app", "STOP", null, null, "--notify-signal must be one of HUP, INT, QUIT, KILL, USR1, USR2, ALRM, TERM, CONT, WINCH")]
    [InlineData(null, null, null, "   ", null, "--notify-command must name a command")]
    [InlineData(null, null, null, null, "http://10.1.2.3/", "--notify-url must name a loopback address (127.0.0.1, [::1] or localhost): the agent tells only an app in its own network namespace")]
    public void Problem_NamesTheFlag(string? pidFile, string? process, string? signal, string? command, string? url, string? problem) =>
        Assert.Equal(problem, new NotifyOptions(pidFile, process, signal, command, url).Problem());

    [Fact]
    public void Create_WithBadOptions_ThrowsUsage()
    {
        var ex = Assert.Throws<SecretAgentException>(() => ChangeNotifiers.Create(new NotifyOptions(Url: "https://127.0.0.1/"), new RecordingLog(), TimeProvider.System, new Random(1)));

        Assert.Equal(ErrorKind.Usage, ex.Kind);
    }

    [Fact]
    public async Task Create_TellsEveryTargetAndTheExtraOnes_BehindTheDebounce()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var extra = new CountingNotifier();
        var dir = Directory.CreateTempSubdirectory("sa-notify-").FullName;
        try
        {
            var marker = Path.Combine(dir, "ran");
            await using var notifier = ChangeNotifiers.Create(new NotifyOptions(Command: $"touch {marker}"), new RecordingLog(), clock, new FixedRandom(0), extra);

            await notifier.NotifyAsync(CancellationToken.None);
            await clock.WaitForTimerAsync();
            clock.Advance(ScheduledNotifier.DefaultDebounce);
            await extra.WaitForCallAsync();
            await notifier.Idle.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.True(File.Exists(marker), "the command did not run");
            Assert.Equal(1, extra.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
