using System.Diagnostics;
using SecretAgent.Core.Processes;

namespace SecretAgent.Core.Tests.Processes;

/// <summary>Forwarding to a real child (a sleep), including signals that arrive before the child's pid is known.</summary>
[Trait("Category", "Unit")]
public sealed class SignalForwarderTests
{
    [Fact]
    public void Forward_BeforeAttach_IsDeliveredOnAttach()
    {
        using var forwarder = new SignalForwarder(toGroup: false);
        forwarder.Forward(15);
        using var child = Process.Start("sleep", "30");

        forwarder.Attach(child.Id);

        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(10)), "the queued SIGTERM was not delivered");
        Assert.Equal(128 + 15, child.ExitCode);
    }

    [Fact]
    public void Forward_AfterAttach_SignalsTheChild()
    {
        using var forwarder = new SignalForwarder(toGroup: true);
        using var child = Process.Start("sleep", "30");
        forwarder.Attach(child.Id);

        // Not a group leader: the group send fails with ESRCH and falls back to the pid.
        forwarder.Forward(10);

        Assert.True(child.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.Equal(128 + 10, child.ExitCode);
    }

    [Fact]
    public void Forward_AfterDetach_SendsNothing()
    {
        using var forwarder = new SignalForwarder(toGroup: false);
        using var child = Process.Start("sleep", "30");
        forwarder.Attach(child.Id);
        forwarder.Detach();

        forwarder.Forward(15);

        Assert.False(child.WaitForExit(TimeSpan.FromMilliseconds(300)));
        child.Kill();
    }

    [Fact]
    public void Forwarded_CoversTheSignalsTiniAndDumbInitForward()
    {
        int[] expected = [1, 2, 3, 10, 12, 14, 15, 18, 20, 21, 22, 28];
        Assert.Equal(expected, SignalForwarder.Forwarded);
    }
}
