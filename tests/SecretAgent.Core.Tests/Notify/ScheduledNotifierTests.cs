using SecretAgent.Core.Notify;

namespace SecretAgent.Core.Tests.Notify;

/// <summary>Debounce and splay over a manual clock and a fixed random draw: no test waits for real time.</summary>
[Trait("Category", "Unit")]
public sealed class ScheduledNotifierTests
{
    private static readonly TimeSpan Debounce = ScheduledNotifier.DefaultDebounce;

    [Fact]
    public async Task SeveralSwapsWithinTheWindow_GiveOneNotification_AtTheWindowsEnd()
    {
        var (clock, inner, notifier) = Create(splay: TimeSpan.Zero, draw: 0);
        await using (notifier)
        {
            await notifier.NotifyAsync(CancellationToken.None);
            await clock.WaitForTimerAsync();
            clock.Advance(Debounce / 2);
            await notifier.NotifyAsync(CancellationToken.None);
            await notifier.NotifyAsync(CancellationToken.None);
            Assert.Equal(0, inner.Count);

            clock.Advance(Debounce / 2);
            await inner.WaitForCallAsync();
            await notifier.Idle;

            Assert.Equal(1, inner.Count);
            Assert.Equal(1, clock.TimersCreated);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public async Task Splay_DelaysByTheRandomPartOfIt_WithinTheWindow(double draw)
    {
        var splay = TimeSpan.FromSeconds(60);
        var (clock, inner, notifier) = Create(splay, draw);
        await using (notifier)
        {
            await notifier.NotifyAsync(CancellationToken.None);
            await clock.WaitForTimerAsync();
            var expected = Debounce + (splay * draw);

            clock.Advance(expected - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, inner.Count);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            await inner.WaitForCallAsync();

            Assert.InRange(expected, Debounce, Debounce + splay);
        }
    }

    [Fact]
    public async Task ASwapWhileTheAppIsBeingTold_GivesExactlyOneMore()
    {
        var (clock, inner, notifier) = Create(TimeSpan.Zero, 0);
        await using (notifier)
        {
            inner.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await notifier.NotifyAsync(CancellationToken.None);
            await clock.WaitForTimerAsync();
            clock.Advance(Debounce);
            await inner.WaitForCallAsync();

            await notifier.NotifyAsync(CancellationToken.None);
            await notifier.NotifyAsync(CancellationToken.None);
            inner.Hold.SetResult();
            await clock.WaitForTimerAsync();
            clock.Advance(Debounce);
            await inner.WaitForCallAsync();
            await notifier.Idle;

            Assert.Equal(2, inner.Count);
        }
    }

    [Fact]
    public async Task NotifyAsync_ReturnsAtOnce_AndDisposeDropsThePendingNotification()
    {
        var (clock, inner, notifier) = Create(TimeSpan.FromMinutes(5), 0.5);

        var call = notifier.NotifyAsync(CancellationToken.None);
        Assert.True(call.IsCompleted, "the watcher would wait for the splay");
        await clock.WaitForTimerAsync();
        await notifier.DisposeAsync();
        clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, inner.Count);
    }

    [Fact]
    public async Task AFailingNotifier_IsLogged_AndTheNextSwapStillNotifies()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var log = new RecordingLog();
        var calls = 0;
        var notifier = new ScheduledNotifier(new Throwing(() => ++calls == 1), Debounce, TimeSpan.Zero, clock, new FixedRandom(0), log);
        await using (notifier)
        {
            await notifier.NotifyAsync(CancellationToken.None);
            await clock.WaitForTimerAsync();
            clock.Advance(Debounce);
            await WaitIdle(notifier);
            await notifier.NotifyAsync(CancellationToken.None);
            await clock.WaitForTimerAsync();
            clock.Advance(Debounce);
            await WaitIdle(notifier);

            Assert.Equal(2, calls);
            Assert.Contains(log.Events, e => e.Level == "error" && e.Message.StartsWith("notify: failed", StringComparison.Ordinal));
        }
    }

    /// <summary>Idle is the worker of the moment; the worker may not have run its delivery yet when we first look.</summary>
    private static async Task WaitIdle(ScheduledNotifier notifier) => await notifier.Idle.WaitAsync(TimeSpan.FromSeconds(30));

    private static (ManualClock Clock, CountingNotifier Inner, ScheduledNotifier Notifier) Create(TimeSpan splay, double draw)
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var inner = new CountingNotifier();
        return (clock, inner, new ScheduledNotifier(inner, Debounce, splay, clock, new FixedRandom(draw), new RecordingLog()));
    }

    private sealed class Throwing(Func<bool> shouldThrow) : IChangeNotifier
    {
        public Task NotifyAsync(CancellationToken cancellationToken) =>
            shouldThrow() ? throw new InvalidOperationException("boom") : Task.CompletedTask;
    }
}
