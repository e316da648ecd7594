using System.Runtime.InteropServices;
using SecretAgent.Core.Posix;
using SecretAgent.Core.Processes;

namespace SecretAgent.Agent;

/// <summary>
/// From the start of the fetch until the app is launched, TERM/INT/HUP/QUIT cancel the work instead of killing the
/// process, so the staging directory is removed, buffers are zeroed and delivered files are cleared; the agent then
/// exits 128+n like a process killed by n. <see cref="HandOff"/> is the last check before the app starts: a signal
/// recorded by then cancels; one after it belongs to the app (supervise mode forwards it; in exec mode the app is
/// about to replace the agent with default dispositions).
/// </summary>
internal sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly List<PosixSignalRegistration> registrations = [];
    private readonly Lock gate = new();
    private bool handedOff;

    public SignalCancellation()
    {
        foreach (var (signal, number) in new[] { (PosixSignal.SIGTERM, LinuxAbi.SigTerm), (PosixSignal.SIGINT, LinuxAbi.SigInt), (PosixSignal.SIGHUP, LinuxAbi.SigHup), (PosixSignal.SIGQUIT, LinuxAbi.SigQuit) })
        {
            registrations.Add(PosixSignalRegistration.Create(signal, context => OnSignal(context, number)));
        }
    }

    public CancellationToken Token => source.Token;

    /// <summary>The signal that cancelled the work, if one did.</summary>
    public int? Signal { get; private set; }

    /// <summary>Throws <see cref="CancelledBySignalException"/> if a signal came; otherwise signals are the app's from now on.</summary>
    public void HandOff()
    {
        lock (gate)
        {
            if (Signal is { } signal)
            {
                throw CancelledBySignalException.BeforeStart(signal);
            }

            handedOff = true;
        }
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        source.Dispose();
    }

    private void OnSignal(PosixSignalContext context, int number)
    {
        // Never the runtime's default (terminate) while files are live and no app runs yet. After the hand-off the
        // supervisor's forwarder has the signal too; in exec mode it lands in the microseconds before execve.
        context.Cancel = true;
        lock (gate)
        {
            if (handedOff)
            {
                return;
            }

            Signal ??= number;
        }

        source.Cancel();
    }
}
