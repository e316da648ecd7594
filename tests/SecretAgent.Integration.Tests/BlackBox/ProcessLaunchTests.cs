using System.Globalization;
using System.Runtime.Versioning;

namespace SecretAgent.Integration.Tests.BlackBox;

/// <summary>Exec mode replaces the agent; both modes report a bad command as 127/126 with a one-line error.</summary>
[Trait("Arch", "Emulated")]
[SupportedOSPlatform("linux")]
public sealed class ProcessLaunchTests
{
    public static TheoryData<string[]> Modes => [["run"], ["run", "--supervise"]];

    [Fact]
    public void Exec_AppRunsInTheAgentsProcess()
    {
        using var agent = AgentProcess.Start(["run", "--", "sh", "-c", "echo $$"]);

        Assert.Equal(0, agent.WaitForExit());
        Assert.Equal(agent.Pid.ToString(CultureInfo.InvariantCulture), agent.StandardOutput.Trim());
    }

    [Fact]
    public void Supervise_AppRunsAsAChildOfTheAgent()
    {
        using var agent = AgentProcess.Start(["run", "--supervise", "--", "sh", "-c", "echo $$ $PPID"]);

        Assert.Equal(0, agent.WaitForExit());
        var pids = agent.StandardOutput.Trim().Split(' ');
        Assert.NotEqual(agent.Pid.ToString(CultureInfo.InvariantCulture), pids[0]);
        Assert.Equal(agent.Pid.ToString(CultureInfo.InvariantCulture), pids[1]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Run_PassesArgumentsAndEnvironmentVerbatim(string[] mode)
    {
        using var agent = AgentProcess.Start([.. mode, "--", "sh", "-c", "printf '%s|' \"$@\" \"$SCRATCH\"", "sh", "a b", "", "ü*"]);

        Assert.Equal(0, agent.WaitForExit());
        Assert.Equal($"a b||ü*|{agent.Scratch}|", agent.StandardOutput);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Run_WhenCommandMissing_Exits127WithOneLineError(string[] mode)
    {
        var code = AgentProcess.Run([.. mode, "--", "no-such-command-5f3a"], out var stdout, out var stderr);

        Assert.Equal(127, code);
        Assert.Empty(stdout);
        AssertOneLineError(stderr, "command 'no-such-command-5f3a' not found");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Run_WhenCommandNotExecutable_Exits126WithOneLineError(string[] mode)
    {
        var file = Path.Combine(Path.GetTempPath(), "secret-agent-noexec-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            // As root, access(X_OK) still requires an execute bit on regular files, as execve does.
            var code = AgentProcess.Run([.. mode, "--", file], out _, out var stderr);

            Assert.Equal(126, code);
            AssertOneLineError(stderr, $"command '{file}' is not executable");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Run_WhenCommandIsADirectory_Exits126(string[] mode)
    {
        var code = AgentProcess.Run([.. mode, "--", "/tmp"], out _, out var stderr);

        Assert.Equal(126, code);
        AssertOneLineError(stderr, "command '/tmp' is not executable");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Run_WhenFileIsNotABinaryOrScript_Exits126(string[] mode)
    {
        var file = Path.Combine(Path.GetTempPath(), "secret-agent-noexec-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(file, [0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var code = AgentProcess.Run([.. mode, "--", file], out _, out var stderr);

            Assert.Equal(126, code);
            Assert.StartsWith($"secret-agent: error: cannot execute command '{file}': ", stderr, StringComparison.Ordinal);
            AssertNoStackTrace(stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void AssertOneLineError(string stderr, string message)
    {
        Assert.Equal($"secret-agent: error: {message}\n", stderr);
        AssertNoStackTrace(stderr);
    }

    private static void AssertNoStackTrace(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }
}
