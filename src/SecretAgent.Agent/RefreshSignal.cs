using System.Runtime.InteropServices;
using SecretAgent.Core.Posix;

namespace SecretAgent.Agent;

/// <summary>
/// watch's SIGUSR1 ("poll now"), registered first thing in the command, like <see cref="SignalCancellation"/> for
/// TERM: USR1's default action terminates, so a USR1 sent while the agent is still loading the manifest, opening the
/// target or starting the listener must not kill it. One that comes before the watcher exists is kept and asks for a
/// poll as soon as <see cref="Attach"/> names the watcher. (The microseconds between exec and the runtime's first
/// managed code are the one window left: nothing in the process can catch a signal there.)
/// </summary>
internal sealed class RefreshSignal : IDisposable
{
    private readonly PosixSignalRegistration registration;
    private readonly Lock gate = new();
    private Action? refresh;
    private bool pending;

    public RefreshSignal()
    {
        registration = PosixSignalRegistration.Create((PosixSignal)LinuxAbi.SigUsr1, OnSignal);
    }

    /// <summary>From now on USR1 calls <paramref name="onRefresh"/>; an early one calls it now.</summary>
    public void Attach(Action onRefresh)
    {
        ArgumentNullException.ThrowIfNull(onRefresh);
        bool early;
        lock (gate)
        {
            refresh = onRefresh;
            early = pending;
            pending = false;
        }

        if (early)
        {
            onRefresh();
        }
    }

    public void Dispose() => registration.Dispose();

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Action? to;
        lock (gate)
        {
            to = refresh;
            pending |= to is null;
        }

        to?.Invoke();
    }
}
