using System.Diagnostics;

namespace SecretAgent.Integration.Tests.BlackBox;

/// <summary>
/// Zombie reaping (tini's test): as PID 1 of a PID namespace the agent must reap orphans; as an ordinary process it
/// must leave them to the real init rather than adopt them.
/// </summary>
public sealed class ProcessReapingTests
{
    private static readonly string[] NewPidNamespace = ["unshare", "--pid", "--fork", "--mount-proc"];

    [Fact]
    public void Supervise_AsPid1_ReapsOrphanedZombies()
    {
        RequireUnshare();

        var zombies = AgentProcess.Run(
            ["run", "--supervise", "--", "sh", ProcessTestScripts.Path("zombies.sh")], out _, out var stderr, NewPidNamespace);

        Assert.True(zombies == 0, $"{zombies} zombies left under the agent as PID 1; stderr: {stderr}");
    }

    [Fact]
    public void ZombieCounter_UnderAnInitThatDoesNotReap_CountsZombies()
    {
        // Control for the test above: with cat as PID 1 (which never reaps) the same script sees its orphans as
        // zombies, so a 0 from the agent means they were reaped, not that the script cannot see them.
        RequireUnshare();
        var dir = Directory.CreateTempSubdirectory("secret-agent-zombies-").FullName;
        var result = Path.Combine(dir, "count");
        var done = Path.Combine(dir, "done");
        try
        {
            // PID 1 is cat, which never reaps; it reads a FIFO the script's subshell holds open, so it ends when the
            // script has written its count (an event), not after a fixed time a loaded machine may overrun.
            var script = $"mkfifo '{done}' && {{ (sh '{ProcessTestScripts.Path("zombies.sh")}'; echo $? > '{result}') 3> '{done}' & exec cat < '{done}'; }}";
            Assert.Equal(0, RunToEnd([.. NewPidNamespace, "sh", "-c", script]));

            Assert.Equal("5", File.ReadAllText(result).Trim());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Supervise_NotPid1_DoesNotAdoptOrphans()
    {
        var code = AgentProcess.Run(
            ["run", "--supervise", "--", "sh", ProcessTestScripts.Path("orphan-parent.sh")], out var stdout, out _);

        Assert.True(code == 0, stdout);
    }

    private static void RequireUnshare()
    {
        var code = RunToEnd([.. NewPidNamespace, "true"], out var stderr);
        Assert.True(
            code == 0,
            $"this test needs a PID namespace ('unshare --pid --fork --mount-proc', as root); it failed with {code}: {stderr}");
    }

    private static int RunToEnd(string[] command) => RunToEnd(command, out _);

    private static int RunToEnd(string[] command, out string stderr)
    {
        var startInfo = new ProcessStartInfo(command[0]) { RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(startInfo)!;
            stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            stderr = $"{command[0]}: {ex.Message}";
            return -1;
        }
    }
}
