using System.Runtime.InteropServices;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>
/// Catches every signal a supervisor should pass on (the set tini and dumb-init forward) and sends it to the app,
/// or to the app's process group. Created before the app starts so that no signal in between is lost: signals
/// that arrive before <see cref="Attach"/> are queued and delivered once the app's pid is known. The agent creates it
/// before the fetch (see <see cref="SuperviseOptions.Forwarder"/>): a registration made later would miss a signal the
/// runtime had already taken but not yet dispatched, since it dispatches to the registrations of the moment.
/// </summary>
public sealed class SignalForwarder : IDisposable
{
    /// <summary>HUP, INT, QUIT, USR1, USR2, ALRM, TERM, CONT, TSTP, TTIN, TTOU, WINCH (Linux numbers).</summary>
    internal static readonly int[] Forwarded =
    [
        LinuxAbi.SigHup, LinuxAbi.SigInt, LinuxAbi.SigQuit, LinuxAbi.SigUsr1, LinuxAbi.SigUsr2, LinuxAbi.SigAlrm,
        LinuxAbi.SigTerm, LinuxAbi.SigCont, LinuxAbi.SigTstp, LinuxAbi.SigTtin, LinuxAbi.SigTtou, LinuxAbi.SigWinch,
    ];

    private readonly bool toGroup;
    private readonly Lock gate = new();
    private readonly List<int> pending = [];
    private readonly List<PosixSignalRegistration> registrations = [];
    private int target;   // 0: not started yet; -1: exited (its pid may be reused, so never signal it again)

    public SignalForwarder(bool toGroup)
    {
        this.toGroup = toGroup;
        foreach (var signal in Forwarded)
        {
            // Raw Linux numbers are accepted on Unix; the runtime maps HUP/INT/QUIT/TERM/... to the same handler.
            registrations.Add(PosixSignalRegistration.Create((PosixSignal)signal, context => OnSignal(context, signal)));
        }
    }

    internal void Attach(int pid)
    {
        lock (gate)
        {
            target = pid;
            foreach (var signal in pending)
            {
                Send(signal);
            }

            pending.Clear();
        }
    }

    /// <summary>The app exited for a restart: queue signals again until the next one is attached.</summary>
    internal void Suspend()
    {
        lock (gate)
        {
            target = 0;
        }
    }

    /// <summary>Stops forwarding: the app has exited and been reaped.</summary>
    internal void Detach()
    {
        lock (gate)
        {
            target = -1;
        }
    }

    internal void Forward(int signal)
    {
        lock (gate)
        {
            if (target == 0)
            {
                pending.Add(signal);
            }
            else if (target > 0)
            {
                Send(signal);
            }
        }
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context, int signal)
    {
        // Cancel the runtime's default (terminate or stop the agent): the agent must outlive the app to report its
        // status. CONT and WINCH default to harmless terminal bookkeeping, which is left to run.
        context.Cancel = signal is not (LinuxAbi.SigCont or LinuxAbi.SigWinch);
        Forward(signal);
    }

    private void Send(int signal)
    {
        // In group mode the app calls setsid() before it execs; until then its group does not exist yet (ESRCH),
        // so fall back to the pid itself.
        if (toGroup && ProcessNative.Kill(-target, signal) == 0)
        {
            return;
        }

        _ = ProcessNative.Kill(target, signal);
    }
}
