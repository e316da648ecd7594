using System.Globalization;
using SecretAgent.Core.Notify;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Tests.Notify;

/// <summary>Finding the app by pid file or by name (in a directory standing in for /proc), and what kill's errors say.</summary>
[Trait("Category", "Unit")]
public sealed class SignalNotifierTests : IDisposable
{
    private const int Self = 4242;
    private readonly string root = Directory.CreateTempSubdirectory("sa-proc-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void FindTopmost_ReturnsTheMasterOfAPreforkingServer_AndUnrelatedNamesakes()
    {
        AddProcess(100, ppid: 1, comm: "nginx", argv0: "nginx: master process /usr/sbin/nginx");
        AddProcess(101, ppid: 100, comm: "nginx", argv0: "nginx: worker process");
        AddProcess(102, ppid: 100, comm: "nginx", argv0: "nginx: worker process");
        AddProcess(200, ppid: 7, comm: "nginx", argv0: "/usr/sbin/nginx");
        AddProcess(300, ppid: 1, comm: "sh", argv0: "/bin/sh");

        Assert.Equal([100, 200], Table().FindTopmost("nginx"));
    }

    [Fact]
    public void FindTopmost_MatchesArgv0sFileName_BeyondCommsFifteenBytes()
    {
        AddProcess(100, ppid: 1, comm: "my-very-long-se", argv0: "/opt/app/my-very-long-service-name");

        Assert.Equal([100], Table().FindTopmost("my-very-long-service-name"));
        Assert.Empty(Table().FindTopmost("my-very-long"));
    }

    [Fact]
    public void FindTopmost_NeverReturnsTheAgentItself_NorAPartialName()
    {
        AddProcess(Self, ppid: 1, comm: "secret-agent", argv0: "/usr/local/bin/secret-agent");
        AddProcess(100, ppid: 1, comm: "app", argv0: "app");
        File.WriteAllText(Path.Combine(root, "self"), "not a pid dir");

        Assert.Empty(Table().FindTopmost("secret-agent"));
        Assert.Empty(Table().FindTopmost("ap"));
    }

    [Fact]
    public async Task ByName_SignalsEveryTopmostMatch_AndLogsHowMany()
    {
        AddProcess(100, ppid: 1, comm: "app", argv0: "app");
        AddProcess(101, ppid: 100, comm: "app", argv0: "app");
        AddProcess(200, ppid: 1, comm: "app", argv0: "app");
        var sender = new RecordingSender();
        var log = new RecordingLog();

        await SignalNotifier.ByName("app", LinuxAbi.SigUsr2, Table(), sender, log).NotifyAsync(CancellationToken.None);

        Assert.Equal([(100, LinuxAbi.SigUsr2), (200, LinuxAbi.SigUsr2)], sender.Sent);
        var info = Assert.Single(log.Events);
        Assert.Contains(("processes", (object?)2), info.Fields);
    }

    [Fact]
    public async Task ByName_WhenNothingMatches_LogsOneError()
    {
        var log = new RecordingLog();

        await SignalNotifier.ByName("app", LinuxAbi.SigHup, Table(), new RecordingSender(), log).NotifyAsync(CancellationToken.None);

        var error = Assert.Single(log.Events);
        Assert.Equal("error", error.Level);
        Assert.Contains("no process found by process name 'app'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ByPidFile_ReadsThePidAfreshEachTime()
    {
        var pidFile = Path.Combine(root, "app.pid");
        var sender = new RecordingSender();
        var notifier = SignalNotifier.ByPidFile(pidFile, LinuxAbi.SigHup, sender, new RecordingLog());

        File.WriteAllText(pidFile, "123\n");
        await notifier.NotifyAsync(CancellationToken.None);
        File.WriteAllText(pidFile, " 456 ");
        await notifier.NotifyAsync(CancellationToken.None);

        Assert.Equal([(123, LinuxAbi.SigHup), (456, LinuxAbi.SigHup)], sender.Sent);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("12 13")]
    [InlineData("")]
    public async Task ByPidFile_WhenItHoldsNoPid_SignalsNothingAndSaysSo(string content)
    {
        var pidFile = Path.Combine(root, "app.pid");
        File.WriteAllText(pidFile, content);
        var sender = new RecordingSender();
        var log = new RecordingLog();

        await SignalNotifier.ByPidFile(pidFile, LinuxAbi.SigHup, sender, log).NotifyAsync(CancellationToken.None);

        Assert.Empty(sender.Sent);
        Assert.Contains(log.Events, e => e.Level == "error" && e.Message.Contains("does not hold a process id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ByPidFile_WhenMissing_LogsOneError()
    {
        var log = new RecordingLog();

        await SignalNotifier.ByPidFile(Path.Combine(root, "none.pid"), LinuxAbi.SigHup, new RecordingSender(), log).NotifyAsync(CancellationToken.None);

        Assert.Contains(log.Events, e => e.Level == "error" && e.Message.Contains("cannot read pid file", StringComparison.Ordinal));
        Assert.Contains(log.Events, e => e.Message.Contains("no process found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhenKillFailsWithEPerm_TheLineNamesCapKillAndWhatToUseInstead()
    {
        var pidFile = Path.Combine(root, "app.pid");
        File.WriteAllText(pidFile, "123");
        var log = new RecordingLog();

        await SignalNotifier.ByPidFile(pidFile, LinuxAbi.SigHup, new RecordingSender(LinuxAbi.EPerm), log).NotifyAsync(CancellationToken.None);

        var error = Assert.Single(log.Events);
        Assert.Equal("error", error.Level);
        Assert.Contains("EPERM", error.Message, StringComparison.Ordinal);
        Assert.Contains("CAP_KILL", error.Message, StringComparison.Ordinal);
        Assert.Contains("--notify-url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenThePidIsGone_TheLineNamesTheSharedPidNamespace()
    {
        var pidFile = Path.Combine(root, "app.pid");
        File.WriteAllText(pidFile, "123");
        var log = new RecordingLog();

        await SignalNotifier.ByPidFile(pidFile, LinuxAbi.SigHup, new RecordingSender(LinuxAbi.ESrch), log).NotifyAsync(CancellationToken.None);

        Assert.Contains("shareProcessNamespace", Assert.Single(log.Events).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RealKill_DeliversTheSignalToAChild()
    {
        using var child = System.Diagnostics.Process.Start("sleep", "30");
        var pidFile = Path.Combine(root, "app.pid");
        File.WriteAllText(pidFile, child.Id.ToString(CultureInfo.InvariantCulture));

        await SignalNotifier.ByPidFile(pidFile, LinuxAbi.SigTerm, KillSignalSender.Instance, new RecordingLog()).NotifyAsync(CancellationToken.None);

        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(30)), "the signal was not delivered");
        Assert.Equal(128 + LinuxAbi.SigTerm, child.ExitCode);
    }

    private ProcessTable Table() => new(root, Self);

    private void AddProcess(int pid, int ppid, string comm, string argv0)
    {
        var directory = Directory.CreateDirectory(Path.Combine(root, pid.ToString(CultureInfo.InvariantCulture))).FullName;
        File.WriteAllText(Path.Combine(directory, "comm"), comm + "\n");
        File.WriteAllText(Path.Combine(directory, "cmdline"), argv0 + "\0--flag\0");

        // comm in stat is parenthesised and may hold spaces and ')': the parser counts from the last ')'.
        File.WriteAllText(Path.Combine(directory, "stat"), $"{pid} ({comm} x)) S {ppid} {pid} {pid} 0 -1 4194560");
    }

    private sealed class RecordingSender(int errno = 0) : ISignalSender
    {
        public List<(int Pid, int Signal)> Sent { get; } = [];

        public int Send(int pid, int signal)
        {
            if (errno == 0)
            {
                Sent.Add((pid, signal));
            }

            return errno;
        }
    }
}
