using System.Runtime.InteropServices;

namespace SecretAgent.Agent;

/// <summary>
/// While configs are being fetched, TERM/INT/HUP/QUIT cancel the work instead of killing the process, so the
/// staging directory is removed and buffers are zeroed; the agent then exits 128+n like a process killed by n.
/// </summary>
internal sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource source;
    private readonly List<PosixSignalRegistration> registrations = [];

    public SignalCancellation(TimeSpan deadline)
    {
        source = new CancellationTokenSource(deadline);
        foreach (var (signal, number) in new[] { (PosixSignal.SIGTERM, 15), (PosixSignal.SIGINT, 2), (PosixSignal.SIGHUP, 1), (PosixSignal.SIGQUIT, 3) })
        {
            registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                Signal ??= number;
                source.Cancel();
            }));
        }
    }

    public CancellationToken Token => source.Token;

    /// <summary>The signal that cancelled the work, if one did.</summary>
    public int? Signal { get; private set; }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        source.Dispose();
    }
}
