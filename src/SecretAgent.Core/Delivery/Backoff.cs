namespace SecretAgent.Core.Delivery;

/// <summary>
/// Exponential backoff with jitter, the one rule for the start's retries (<see cref="ConfigFetcher"/>) and the
/// watcher's per-config backoff (Watch/WatchedConfig).
/// </summary>
public static class Backoff
{
    /// <summary>
    /// <paramref name="first"/> x 2^(failures-1), capped at <paramref name="cap"/>, times a jitter in [50 %, 100 %]
    /// drawn from <paramref name="random"/> (uniform in [0, 1)): a fleet failing together retries spread out.
    /// </summary>
    public static TimeSpan Delay(TimeSpan first, int failures, TimeSpan cap, double random)
    {
        var exponential = TimeSpan.FromTicks(Math.Min(first.Ticks * (1L << Math.Clamp(failures - 1, 0, 16)), cap.Ticks));
        return exponential * (0.5 + (0.5 * random));
    }
}
