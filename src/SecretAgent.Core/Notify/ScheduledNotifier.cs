using SecretAgent.Core.Logging;

namespace SecretAgent.Core.Notify;

/// <summary>
/// Debounce and splay in front of the real notifiers. <see cref="NotifyAsync"/> returns at once (the watcher never
/// waits for the app); the first swap starts a wait of <c>debounce + splay * U[0,1)</c>, every swap during that wait
/// is folded into the one notification at its end, and a swap during the notification itself gets one more. The wait
/// is counted from the first swap, not the last, so a stream of swaps cannot postpone the notification for ever.
/// Time and the random draw are seams, so tests decide both.
/// </summary>
public sealed class ScheduledNotifier : IChangeNotifier, IAsyncDisposable
{
    /// <summary>Long enough to fold the swaps of a refresh that lands just after a round; short beside any interval.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromSeconds(1);

    private readonly IChangeNotifier inner;
    private readonly TimeSpan debounce;
    private readonly TimeSpan splay;
    private readonly TimeProvider time;
    private readonly Random random;
    private readonly ILog log;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private Task? worker;
    private bool pending;

    internal ScheduledNotifier(IChangeNotifier inner, TimeSpan debounce, TimeSpan splay, TimeProvider time, Random random, ILog log)
    {
        this.inner = inner;
        this.debounce = debounce;
        this.splay = splay;
        this.time = time;
        this.random = random;
        this.log = log;
    }

    /// <summary>Completes when no notification is pending or running (tests, and a clean shutdown).</summary>
    public Task Idle
    {
        get
        {
            lock (gate)
            {
                return worker ?? Task.CompletedTask;
            }
        }
    }

    public Task NotifyAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (stopping.IsCancellationRequested)
            {
                return Task.CompletedTask;
            }

            pending = true;
            worker ??= Task.Run(RunAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Drops a pending notification (the agent is stopping) and waits for a running one to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await Idle.ConfigureAwait(false);
        stopping.Dispose();
        (inner as IDisposable)?.Dispose();
    }

    private async Task RunAsync()
    {
        while (true)
        {
            try
            {
                await Task.Delay(Wait(), time, stopping.Token).ConfigureAwait(false);
                lock (gate)
                {
                    pending = false;
                }

                await inner.NotifyAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopping: a pending notification is dropped with the agent.
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The contract: a notifier's failure is logged and never stops the watcher.
                log.Fail($"notify: failed: {ex.GetType().Name}");
            }

            lock (gate)
            {
                if (!pending || stopping.IsCancellationRequested)
                {
                    worker = null;
                    return;
                }
            }
        }
    }

    private TimeSpan Wait()
    {
        double draw;
        lock (gate)
        {
            draw = random.NextDouble();
        }

        return debounce + (splay * draw);
    }
}
