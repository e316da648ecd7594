using SecretAgent.Core.Status;
using SecretAgent.Core.Watch;

namespace SecretAgent.Core.Tests.Status;

/// <summary>Readiness from the live status: complete, and fresh only when a bound is set.</summary>
[Trait("Category", "Unit")]
public sealed class HealthCheckTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualClock clock = new(Start);

    [Fact]
    public void WhyNotReady_WhenARequiredConfigIsNotServed_NamesIt()
    {
        var status = new WatchStatus([new TrackedConfig("db.json", true), new TrackedConfig("tls.key", true)], clock);
        status.Applied("db.json", 1, "v1", Start);

        Assert.Contains("'tls.key' not delivered", HealthCheck.WhyNotReady(status.Snapshot(), null), StringComparison.Ordinal);
    }

    [Fact]
    public void WhyNotReady_WithoutABound_StaysReadyHowEverStale()
    {
        var status = new WatchStatus([new TrackedConfig("db.json", true)], clock);
        status.Applied("db.json", 1, "v1", Start);
        status.Polled("db.json", PollOutcome.Failed, Errors.ErrorKind.Unavailable);
        clock.Advance(TimeSpan.FromDays(3));

        Assert.Null(HealthCheck.WhyNotReady(status.Snapshot(), null));
    }

    [Fact]
    public void WhyNotReady_WithABound_IsStaleOnlyPastIt()
    {
        var status = new WatchStatus([new TrackedConfig("db.json", true)], clock);
        status.Applied("db.json", 1, "v1", Start);
        clock.Advance(TimeSpan.FromSeconds(90));
        Assert.Null(HealthCheck.WhyNotReady(status.Snapshot(), TimeSpan.FromSeconds(90)));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("'db.json' stale: last success 91 s ago", HealthCheck.WhyNotReady(status.Snapshot(), TimeSpan.FromSeconds(90)), StringComparison.Ordinal);
    }
}
