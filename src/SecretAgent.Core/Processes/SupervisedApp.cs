using SecretAgent.Core.Logging;
using SecretAgent.Core.Notify;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>
/// The handle through which the watcher of <c>run --supervise --watch</c> reaches the app the supervisor runs: a
/// signal (through the supervisor's own forwarding, so --process-group applies) or a restart (SIGTERM, then SIGKILL
/// after <see cref="Grace"/>, then the same <see cref="LaunchSpec"/> again). Passed to the supervisor in
/// <see cref="SuperviseOptions.App"/>; the supervisor stays PID 1 throughout and mirrors the exit of the last app.
/// </summary>
public sealed class SupervisedApp(TimeSpan grace)
{
    /// <summary>docker stop's default: long enough for an app to drain, short beside a rotation.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private SignalForwarder? forwarder;
    private TaskCompletionSource request = New();
    private TaskCompletionSource nextStart = New();
    private readonly TaskCompletionSource firstStart = New();
    private bool ended;

    public SupervisedApp()
        : this(DefaultGrace)
    {
    }

    public TimeSpan Grace => grace;

    /// <summary>The pid of the app running now; 0 before the first start and after the end.</summary>
    public int Pid { get; private set; }

    /// <summary>Completes once the app runs for the first time; never if it never ran (the launch throws instead).</summary>
    public Task FirstStart => firstStart.Task;

    /// <summary>How many times the app was started again.</summary>
    public int Restarts { get; private set; }

    internal Task Requested
    {
        get
        {
            lock (gate)
            {
                return request.Task;
            }
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the app (queued while it is being started again).</summary>
    public void Signal(int signal)
    {
        SignalForwarder? to;
        lock (gate)
        {
            to = ended ? null : forwarder;
        }

        to?.Forward(signal);
    }

    /// <summary>Asks for a restart; completes once the new app runs, or the supervisor ended (the app exited by itself meanwhile).</summary>
    public Task RestartAsync()
    {
        lock (gate)
        {
            if (ended)
            {
                return Task.CompletedTask;
            }

            request.TrySetResult();
            return nextStart.Task;
        }
    }

    internal void Bind(SignalForwarder to)
    {
        lock (gate)
        {
            forwarder = to;
        }
    }

    /// <summary>A new app runs: a restart asked before now is done (asked before the first start: moot).</summary>
    internal void Started(int pid, bool again)
    {
        TaskCompletionSource done;
        lock (gate)
        {
            Pid = pid;
            Restarts += again ? 1 : 0;
            request = New();
            done = nextStart;
            nextStart = New();
        }

        done.TrySetResult();
        firstStart.TrySetResult();
    }

    internal void Ended()
    {
        lock (gate)
        {
            ended = true;
            Pid = 0;
            forwarder = null;
        }

        nextStart.TrySetResult();
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The <see cref="IChangeNotifier"/> of <c>--on-change</c>: signals or restarts the supervised app.</summary>
public sealed class SupervisedAppNotifier(SupervisedApp app, OnChange onChange, ILog log) : IChangeNotifier
{
    public async Task NotifyAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(onChange);
        if (!onChange.Restart)
        {
            app.Signal(onChange.Signal);
            log.Info("notify: signal sent to the app", ("signal", LinuxAbi.SignalName(onChange.Signal)), ("pid", app.Pid));
            return;
        }

        log.Info("notify: restarting the app", ("pid", app.Pid), ("graceSeconds", app.Grace.TotalSeconds));
        await app.RestartAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        log.Info("notify: app restarted", ("pid", app.Pid));
    }
}
