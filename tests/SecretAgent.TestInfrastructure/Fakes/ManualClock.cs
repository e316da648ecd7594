using System.Threading.Channels;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// A clock that moves only when a test calls <see cref="Advance"/>: timers fire then, on the caller's thread, when
/// their time has come. <see cref="WaitForTimerAsync"/> waits for code under test to set its next timer, so a test
/// advances only once the code is really waiting.
/// </summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<Timer> timers = [];
    private readonly Channel<bool> created = Channel.CreateUnbounded<bool>();
    private DateTimeOffset now = start;
    private int count;

    /// <summary>How many timers the code under test has set so far.</summary>
    public int TimersCreated => Volatile.Read(ref count);

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        Interlocked.Increment(ref count);
        created.Writer.TryWrite(true);
        return timer;
    }

    /// <summary>Waits until one more timer was created since the last wait (30 s at most: then the code never set one).</summary>
    public async Task WaitForTimerAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            _ = await created.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the code under test set no timer");
        }
    }

    public void Advance(TimeSpan by)
    {
        List<Timer> due;
        lock (gate)
        {
            now += by;
            due = timers.Where(t => t.Due <= now).ToList();
            foreach (var timer in due)
            {
                timers.Remove(timer);
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock.gate)
            {
                clock.timers.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = clock.now + dueTime;
                    clock.timers.Add(this);
                }
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
