using SecretAgent.Core.Errors;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Notify;

/// <summary>
/// How the deployment wants the app told of a change (the --notify-* flags and --splay). Each option given is used,
/// in the order signal, command, URL; none given means nobody is told (the app re-reads the files itself).
/// </summary>
public sealed record NotifyOptions(
    string? PidFile = null,
    string? ProcessName = null,
    string? Signal = null,
    string? Command = null,
    string? Url = null,
    TimeSpan Splay = default)
{
    public const string DefaultSignal = "HUP";

    /// <summary>Whether any notification is asked for.</summary>
    public bool Any => PidFile is not null || ProcessName is not null || Command is not null || Url is not null;

    /// <summary>The first problem with these options as a one-line usage message naming the flag; null when valid.</summary>
    public string? Problem()
    {
        if (PidFile is not null && ProcessName is not null)
        {
            return "give --notify-pidfile or --notify-process, not both";
        }

        if (Signal is not null && PidFile is null && ProcessName is null)
        {
            return "--notify-signal needs --notify-pidfile or --notify-process";
        }

        if (Signal is not null && !LinuxAbi.TryParseSignal(Signal, out _))
        {
            return $"--notify-signal must be one of {LinuxAbi.SignalList}";
        }

        if (PidFile?.Length == 0 || ProcessName?.Length == 0)
        {
            return "--notify-pidfile and --notify-process must not be empty";
        }

        if (Command is not null && CommandNotifier.Split(Command).Count == 0)
        {
            return "--notify-command must name a command";
        }

        if (Url is not null && UrlNotifier.ParseLoopback(Url, out var error) is null)
        {
            return $"--notify-url {error}";
        }

        return Splay < TimeSpan.Zero ? "--splay must not be negative" : null;
    }
}

/// <summary>Builds the notifier the watcher calls from <see cref="NotifyOptions"/> (and, in run --watch, the supervised app's).</summary>
public static class ChangeNotifiers
{
    /// <summary>
    /// The notifier for <paramref name="options"/> plus any <paramref name="extra"/> (the supervised app's
    /// --on-change), behind debounce and splay; <c>await using</c> it for the watch. Throws a Usage error for bad options.
    /// </summary>
    public static ScheduledNotifier Create(NotifyOptions options, ILog log, TimeProvider time, Random random, params IChangeNotifier[] extra)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(extra);
        if (options.Problem() is { } problem)
        {
            throw new SecretAgentException(ErrorKind.Usage, problem);
        }

        var all = Targets(options, log, time).Concat(extra).ToList();
        IChangeNotifier inner = all.Count switch
        {
            0 => NoNotifier.Instance,
            1 => all[0],
            _ => new AllNotifiers(all, log),
        };
        return new ScheduledNotifier(inner, ScheduledNotifier.DefaultDebounce, options.Splay, time, random, log);
    }

    private static IEnumerable<IChangeNotifier> Targets(NotifyOptions options, ILog log, TimeProvider time)
    {
        _ = LinuxAbi.TryParseSignal(options.Signal ?? NotifyOptions.DefaultSignal, out var signal);
        if (options.PidFile is { } pidFile)
        {
            yield return SignalNotifier.ByPidFile(pidFile, signal, KillSignalSender.Instance, log);
        }

        if (options.ProcessName is { } name)
        {
            yield return SignalNotifier.ByName(name, signal, ProcessTable.Live, KillSignalSender.Instance, log);
        }

        if (options.Command is { } command)
        {
            yield return CommandNotifier.Create(command, CommandNotifier.DefaultTimeout, log);
        }

        if (options.Url is { } url)
        {
            yield return new UrlNotifier(UrlNotifier.ParseLoopback(url, out _)!, time, log);
        }
    }

    private sealed class NoNotifier : IChangeNotifier
    {
        public static NoNotifier Instance { get; } = new();

        public Task NotifyAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Each in turn; one failing does not keep the next from running.</summary>
    private sealed class AllNotifiers(IReadOnlyList<IChangeNotifier> notifiers, ILog log) : IChangeNotifier, IDisposable
    {
        public async Task NotifyAsync(CancellationToken cancellationToken)
        {
            foreach (var notifier in notifiers)
            {
                try
                {
                    await notifier.NotifyAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    log.Fail($"notify: failed: {ex.GetType().Name}");
                }
            }
        }

        public void Dispose()
        {
            foreach (var notifier in notifiers.OfType<IDisposable>())
            {
                notifier.Dispose();
            }
        }
    }
}
