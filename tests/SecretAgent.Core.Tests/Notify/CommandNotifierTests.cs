using SecretAgent.Core.Notify;

namespace SecretAgent.Core.Tests.Notify;

/// <summary>Commands as real child processes: argv without a shell, the environment given, the status logged, the timeout.</summary>
[Trait("Category", "Unit")]
public sealed class CommandNotifierTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("sa-notify-cmd-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task RunsArgvWithoutAShell()
    {
        var log = new RecordingLog();

        // Through a shell, ';' would end the command and $X would expand; here both are parts of one file name.
        await Notifier($"touch {dir}/a;b {dir}/$X", log).NotifyAsync(CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(dir, "a;b")));
        Assert.True(File.Exists(Path.Combine(dir, "$X")));
        Assert.Contains(log.Events, e => e.Level == "info" && e.Message == "notify: command ran");
    }

    [Fact]
    public async Task TheEnvironmentIsTheOneGiven()
    {
        var marker = Path.Combine(dir, "env");
        var notifier = new CommandNotifier(["sh", "-c", $"printf %s \"$X\" > {marker}"], Environment("X", "from the app's environment"), TimeSpan.FromSeconds(30), new RecordingLog());

        await notifier.NotifyAsync(CancellationToken.None);

        Assert.Equal("from the app's environment", File.ReadAllText(marker));
    }

    [Fact]
    public async Task ANonZeroExit_IsOneErrorLineWithTheStatus()
    {
        var log = new RecordingLog();

        await new CommandNotifier(["sh", "-c", "exit 3"], Environment(), TimeSpan.FromSeconds(30), log).NotifyAsync(CancellationToken.None);

        Assert.Contains(log.Events, e => e.Level == "error" && e.Message == "notify: command 'sh' exited with status 3");
    }

    [Fact]
    public async Task PastTheTimeout_TheCommandIsKilled()
    {
        var log = new RecordingLog();
        var notifier = new CommandNotifier(["sleep", "30"], Environment(), TimeSpan.FromMilliseconds(200), log);

        await notifier.NotifyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Contains(log.Events, e => e.Level == "error" && e.Message.Contains("did not finish within", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingCommand_IsOneErrorLine()
    {
        var log = new RecordingLog();

        await new CommandNotifier(["no-such-command-5f3a"], Environment(), TimeSpan.FromSeconds(30), log).NotifyAsync(CancellationToken.None);

        Assert.Equal("notify: command 'no-such-command-5f3a' not found", Assert.Single(log.Events).Message);
    }

    [Fact]
    public void Split_IsOnWhiteSpaceOnly()
    {
        Assert.Equal(["nginx", "-s", "reload"], CommandNotifier.Split("  nginx -s\treload "));
        Assert.Equal(["sh", "-c", "'a", "b'"], CommandNotifier.Split("sh -c 'a b'"));
    }

    private static Dictionary<string, string> Environment(params string[] pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = "/usr/bin:/bin" };
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            result[pairs[i]] = pairs[i + 1];
        }

        return result;
    }

    private static CommandNotifier Notifier(string command, RecordingLog log) =>
        new(CommandNotifier.Split(command), Environment(), TimeSpan.FromSeconds(30), log);
}
