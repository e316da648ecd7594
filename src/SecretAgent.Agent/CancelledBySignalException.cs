namespace SecretAgent.Agent;

/// <summary>A signal stopped the fetch; the agent exits 128+n, as if the signal had killed it.</summary>
internal sealed class CancelledBySignalException : Exception
{
    public CancelledBySignalException(int signal)
        : base($"cancelled by signal {signal} while fetching; nothing was written")
    {
        Signal = signal;
    }

    public CancelledBySignalException()
        : this(15)
    {
    }

    public CancelledBySignalException(string message)
        : base(message)
    {
    }

    public CancelledBySignalException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public int Signal { get; }

    public int ExitCode => Core.Errors.ExitCodes.SignalBase + Signal;
}
