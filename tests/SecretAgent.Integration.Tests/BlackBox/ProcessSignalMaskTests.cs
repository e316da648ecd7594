using System.Diagnostics;

namespace SecretAgent.Integration.Tests.BlackBox;

/// <summary>
/// The app inherits the signal mask and ignored set it would have had without the agent (tini's sigconf test).
/// Both the direct run and the agent start from the same parent state, set up by a small sh wrapper: .NET's
/// Process.Start (the test host) leaks its own ignored SIGPIPE to children, which no container runtime does, so the
/// wrapper resets it; optionally it ignores HUP and USR2 the way nohup-style parents do.
/// </summary>
public sealed class ProcessSignalMaskTests
{
    public static TheoryData<string, string[]> Cases => new()
    {
        { "", ["run"] },
        { "", ["run", "--supervise"] },
        { "", ["run", "--supervise", "--process-group"] },
        { "HUP USR2", ["run"] },
        { "HUP USR2", ["run", "--supervise"] },
        { "HUP USR2", ["run", "--supervise", "--process-group"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_AppInheritsTheSameSignalMaskAsWhenStartedDirectly(string ignored, string[] mode)
    {
        var wrapper = Wrapper(ignored);
        var script = ProcessTestScripts.Path("signal-mask.sh");
        var direct = RunDirect([.. wrapper, "sh", script]);

        var code = AgentProcess.Run([.. mode, "--", "sh", script], out var viaAgent, out var stderr, wrapper);

        Assert.True(code == 0, stderr);
        Assert.Contains("SigBlk:", direct, StringComparison.Ordinal);
        Assert.Equal(direct, viaAgent);
    }

    private static string[] Wrapper(string ignored) =>
        ["sh", "-c", $"trap '' {ignored} 2>/dev/null; exec env --default-signal=PIPE \"$@\"", "wrapper"];

    private static string RunDirect(string[] command)
    {
        var startInfo = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
