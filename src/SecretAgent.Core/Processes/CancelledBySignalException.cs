namespace SecretAgent.Core.Processes;

/// <summary>A signal stopped the start before the app ran; the agent exits 128+n, as if the signal had killed it.</summary>
public sealed class CancelledBySignalException : Exception
{
    public CancelledBySignalException(int signal)
        : base($"cancelled by signal {signal} while fetching; nothing was written")
    {
        Signal = signal;
    }

    private CancelledBySignalException(int signal, string message)
        : base(message)
    {
        Signal = signal;
    }

    public int Signal { get; }

    public int ExitCode => Errors.ExitCodes.ForSignal(Signal);

    /// <summary>The configs were published but the app never started; the caller removes them.</summary>
    public static CancelledBySignalException BeforeStart(int signal) =>
        new(signal, $"cancelled by signal {signal} after the configs were written and before the app started; the written files were removed");
}
