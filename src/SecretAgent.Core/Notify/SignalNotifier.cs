using System.Globalization;
using System.Runtime.InteropServices;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Notify;

/// <summary>Sends a signal to a pid; returns 0 or the errno. The real one is kill(2).</summary>
internal interface ISignalSender
{
    int Send(int pid, int signal);
}

internal sealed class KillSignalSender : ISignalSender
{
    public static KillSignalSender Instance { get; } = new();

    public int Send(int pid, int signal) => ProcessNative.Kill(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();
}

/// <summary>
/// Signals the app in a shared PID namespace, found afresh at each notification (it may have restarted): by the pid
/// in a pid file, or by process name (<see cref="ProcessTable.FindTopmost"/>: every topmost match, and the log says
/// how many). Finding nothing, or kill failing, is logged as one line and the watcher goes on.
/// </summary>
internal sealed class SignalNotifier : IChangeNotifier
{
    private readonly Func<IReadOnlyList<int>> find;
    private readonly string describe;
    private readonly int signal;
    private readonly ISignalSender sender;
    private readonly ILog log;

    private SignalNotifier(Func<IReadOnlyList<int>> find, string describe, int signal, ISignalSender sender, ILog log)
    {
        this.find = find;
        this.describe = describe;
        this.signal = signal;
        this.sender = sender;
        this.log = log;
    }

    public static SignalNotifier ByPidFile(string pidFile, int signal, ISignalSender sender, ILog log) =>
        new(() => ReadPidFile(pidFile, log), $"pid file {Printable.Escape(pidFile)}", signal, sender, log);

    public static SignalNotifier ByName(string name, int signal, ProcessTable table, ISignalSender sender, ILog log) =>
        new(() => table.FindTopmost(name), $"process name '{Printable.Escape(name)}'", signal, sender, log);

    public Task NotifyAsync(CancellationToken cancellationToken)
    {
        var pids = find();
        if (pids.Count == 0)
        {
            log.Fail($"notify: no process found by {describe}; the app was not told of the change");
            return Task.CompletedTask;
        }

        var sent = pids.Count(Send);
        if (sent > 0)
        {
            log.Info("notify: signal sent", ("signal", LinuxAbi.SignalName(signal)), ("processes", sent), ("by", describe));
        }

        return Task.CompletedTask;
    }

    private bool Send(int pid)
    {
        var errno = sender.Send(pid, signal);
        switch (errno)
        {
            case 0:
                return true;
            case LinuxAbi.EPerm:
                log.Fail($"notify: cannot send SIG{LinuxAbi.SignalName(signal)} to pid {pid} (EPERM): it runs as another user and the agent lacks CAP_KILL; run the agent as the app's user, or use --notify-url or --notify-command");
                return false;
            case LinuxAbi.ESrch:
                log.Fail($"notify: pid {pid} from {describe} does not exist (ESRCH): the app exited, or is not in this PID namespace (share it: Kubernetes shareProcessNamespace, ECS pidMode task, docker --pid container:)");
                return false;
            default:
                log.Fail($"notify: cannot send SIG{LinuxAbi.SignalName(signal)} to pid {pid}: errno {errno}");
                return false;
        }
    }

    /// <summary>One decimal pid, surrounding white space allowed (pid files end with a newline). Never 0 or negative: kill would signal a group.</summary>
    private static IReadOnlyList<int> ReadPidFile(string pidFile, ILog log)
    {
        string text;
        try
        {
            text = File.ReadAllText(pidFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Fail($"notify: cannot read pid file {Printable.Escape(pidFile)}: {Printable.Escape(ex.Message)}");
            return [];
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0)
        {
            return [pid];
        }

        log.Fail($"notify: pid file {Printable.Escape(pidFile)} does not hold a process id");
        return [];
    }
}
