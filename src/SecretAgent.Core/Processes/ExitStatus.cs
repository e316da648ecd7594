using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Processes;

/// <summary>Shell conventions for exit statuses.</summary>
public static class ExitStatus
{
    /// <summary>The status a shell reports for a process killed by <paramref name="signal"/>: 128 + n.</summary>
    public static int FromSignal(int signal) => ExitCodes.SignalBase + signal;
}
