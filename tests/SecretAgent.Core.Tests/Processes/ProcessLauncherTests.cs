using SecretAgent.Core.Errors;
using SecretAgent.Core.Processes;

namespace SecretAgent.Core.Tests.Processes;

/// <summary>Supervise mode in-process (exec mode would replace the test host: it is covered by black-box tests).</summary>
[Trait("Category", "Unit")]
public sealed class ProcessLauncherTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["PATH"] = "/usr/bin:/bin", ["X"] = "y z" };

    [Fact]
    public async Task SuperviseAsync_ReturnsAppExitCode()
    {
        var code = await Supervise("sh", "-c", "[ \"$X\" = 'y z' ] && [ \"$#\" = 2 ] && exit 42", "sh", "a", "");

        Assert.Equal(42, code);
    }

    [Fact]
    public async Task SuperviseAsync_WhenAppKilledBySignal_Returns128PlusN()
    {
        Assert.Equal(128 + 9, await Supervise("sh", "-c", "kill -s KILL $$"));
    }

    [Fact]
    public async Task SuperviseAsync_WhenCancelled_TermsAppAndMirrorsItsStatus()
    {
        // Cancel only once the app says its trap is installed (a line on a FIFO): a TERM before that would kill sh
        // by the signal (143) instead of running the trap, so no fixed delay can make this test reliable.
        var ready = Path.Combine(Path.GetTempPath(), "sa-trap-ready-" + Guid.NewGuid().ToString("N"));
        MakeFifo(ready);
        try
        {
            using var cancellation = new CancellationTokenSource();
            var supervise = ProcessLauncher.SuperviseAsync(
                new LaunchSpec("sh", ["-c", "trap 'exit 5' TERM; echo ready > \"$1\"; while :; do sleep 0.05; done", "sh", ready], Environment),
                new SuperviseOptions(ProcessGroup: false),
                cancellation.Token);

            // Opening a FIFO for reading blocks until the writer opens it, so read on a thread the wait can abandon.
            var line = await Task.Run(() => File.ReadAllText(ready)).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal("ready\n", line);
            await cancellation.CancelAsync();

            Assert.Equal(5, await supervise);
        }
        finally
        {
            File.Delete(ready);
        }
    }

    [Fact]
    public async Task SuperviseAsync_WhenCommandMissing_ThrowsCommandNotFound()
    {
        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => Supervise("no-such-command-5f3a"));

        Assert.Equal(127, ex.ExitCode);
    }

    [Fact]
    public void Exec_WhenCommandMissing_ThrowsWithoutReplacingTheProcess()
    {
        var ex = Assert.Throws<SecretAgentException>(
            () => ProcessLauncher.Exec(new LaunchSpec("no-such-command-5f3a", [], Environment)));

        Assert.Equal(ErrorKind.CommandNotFound, ex.Kind);
    }

    [Fact]
    public void Exec_WhenArgumentHasNul_ThrowsUsage()
    {
        var ex = Assert.Throws<SecretAgentException>(
            () => ProcessLauncher.Exec(new LaunchSpec("sh", ["a\0b"], Environment)));

        Assert.Equal(ErrorKind.Usage, ex.Kind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SuperviseAsync_WhenBeforeStartThrows_StartsNothing(bool processGroup)
    {
        var marker = Path.Combine(Path.GetTempPath(), "sa-before-start-" + Guid.NewGuid().ToString("N"));
        var options = new SuperviseOptions(processGroup, () => throw new OperationCanceledException("signalled"));

        var ex = await Assert.ThrowsAsync<OperationCanceledException>(() => ProcessLauncher.SuperviseAsync(
            new LaunchSpec("sh", ["-c", $"echo ran > {marker}"], Environment), options, CancellationToken.None));

        Assert.Equal("signalled", ex.Message);
        Assert.False(File.Exists(marker), "the app ran although the last check called the start off");
    }

    [Fact]
    public void Exec_WhenLastCheckThrows_DoesNotReplaceTheProcess()
    {
        // Were the check skipped, `true` would replace the test host and the run would abort.
        var ex = Assert.Throws<OperationCanceledException>(
            () => ProcessLauncher.Exec(new LaunchSpec("true", [], Environment), () => throw new OperationCanceledException("signalled")));

        Assert.Equal("signalled", ex.Message);
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static Task<int> Supervise(string command, params string[] arguments) =>
        ProcessLauncher.SuperviseAsync(
            new LaunchSpec(command, arguments, Environment), new SuperviseOptions(ProcessGroup: false), CancellationToken.None);
}
