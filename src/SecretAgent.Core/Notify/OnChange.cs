using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Notify;

/// <summary>
/// What <c>run --supervise --watch</c> does to its app after a swap: <c>signal:SIG</c> sends it SIG (to its group
/// with --process-group); <c>restart</c> stops it (SIGTERM, a grace period, SIGKILL) and starts it again.
/// </summary>
public sealed record OnChange(bool Restart, int Signal)
{
    public const string Usage = "--on-change must be signal:SIG (e.g. signal:HUP) or restart";

    public static OnChange RestartApp { get; } = new(true, LinuxAbi.SigTerm);

    /// <summary>Parses <c>signal:HUP</c>, <c>signal:SIGUSR2</c> or <c>restart</c>; throws a one-line Usage error (64) otherwise.</summary>
    public static OnChange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "restart")
        {
            return RestartApp;
        }

        const string prefix = "signal:";
        if (!text.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new SecretAgentException(ErrorKind.Usage, $"{Usage}, not '{Printable.Escape(text)}'");
        }

        if (!LinuxAbi.TryParseSignal(text[prefix.Length..], out var signal) || signal == LinuxAbi.SigKill)
        {
            throw new SecretAgentException(ErrorKind.Usage, $"--on-change signal:SIG takes one of {LinuxAbi.SignalList.Replace("KILL, ", string.Empty, StringComparison.Ordinal)} (use restart to stop the app), not '{Printable.Escape(text[prefix.Length..])}'");
        }

        return new OnChange(false, signal);
    }
}
