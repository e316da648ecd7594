namespace SecretAgent.Integration.Tests.BlackBox;

/// <summary>Supervise mode forwards signals to the app and mirrors how it ended (tini, dumb-init).</summary>
[Trait("Arch", "Emulated")]
public sealed class ProcessSignalTests
{
    public static TheoryData<string> ForwardedSignals => ["TERM", "INT", "HUP", "QUIT", "USR1", "USR2", "ALRM"];

    [Theory]
    [MemberData(nameof(ForwardedSignals))]
    public void Supervise_WhenAppTrapsForwardedSignal_AgentExitsWithAppStatus(string signal)
    {
        using var agent = StartSupervised("trap-signal.sh", signal);
        agent.WaitForFile("ready");

        agent.SendSignal(signal);

        Assert.Equal(0, agent.WaitForExit());
        Assert.True(File.Exists(Path.Combine(agent.Scratch, "got-" + signal)), $"the app did not receive SIG{signal}");
    }

    [Theory]
    [MemberData(nameof(ForwardedSignals))]
    public void Supervise_WhenAppDiesOfForwardedSignal_AgentExits128PlusN(string signal)
    {
        using var agent = StartSupervised("die-by-signal.sh");
        agent.WaitForFile("ready");

        agent.SendSignal(signal);

        Assert.Equal(128 + ProcessTestSignals.Numbers[signal], agent.WaitForExit());
    }

    [Fact]
    public void Supervise_WhenTermedAndAppTakesTimeToExit_AgentWaitsAndMirrorsStatus()
    {
        using var agent = StartSupervised("trap-signal.sh", "TERM", "7", "1");
        agent.WaitForFile("ready");

        agent.SendSignal("TERM");

        Assert.Equal(7, agent.WaitForExit());
    }

    [Fact]
    public void Supervise_WhenProcessGroupMode_SignalReachesTheAppsChildren()
    {
        using var grouped = StartSupervisedAsGroup("group.sh");
        grouped.WaitForFile("ready");
        var grandchild = int.Parse(File.ReadAllText(Path.Combine(grouped.Scratch, "grandchild")), System.Globalization.CultureInfo.InvariantCulture);

        grouped.SendSignal("TERM");

        Assert.Equal(128 + 15, grouped.WaitForExit());
        Assert.False(WaitUntilGone(grandchild), $"grandchild {grandchild} survived SIGTERM to the group: {ProcessTestSignals.Describe(grandchild)}");
    }

    [Fact]
    public void Supervise_WithoutProcessGroupMode_SignalReachesOnlyTheApp()
    {
        using var agent = StartSupervised("group.sh");
        agent.WaitForFile("ready");
        var grandchild = int.Parse(File.ReadAllText(Path.Combine(agent.Scratch, "grandchild")), System.Globalization.CultureInfo.InvariantCulture);

        agent.SendSignal("TERM");

        Assert.Equal(128 + 15, agent.WaitForExit());
        try
        {
            Assert.True(ProcessTestSignals.IsAlive(grandchild), "without group mode only the app itself gets the signal");
        }
        finally
        {
            if (ProcessTestSignals.IsAlive(grandchild))
            {
                ProcessTestSignals.Send(grandchild, "KILL");
            }
        }
    }

    /// <summary>Starts <c>run --supervise -- sh SCRIPT ARGS...</c>.</summary>
    private static AgentProcess StartSupervised(string script, params string[] scriptArgs) =>
        AgentProcess.Start(["run", "--supervise", "--", "sh", ProcessTestScripts.Path(script), .. scriptArgs]);

    private static AgentProcess StartSupervisedAsGroup(string script) =>
        AgentProcess.Start(["run", "--supervise", "--process-group", "--", "sh", ProcessTestScripts.Path(script)]);

    private static bool WaitUntilGone(int pid)
    {
        for (var i = 0; i < 100 && ProcessTestSignals.IsAlive(pid); i++)
        {
            Thread.Sleep(20);
        }

        return ProcessTestSignals.IsAlive(pid);
    }
}
