using SecretAgent.Core.Delivery;
using SecretAgent.Core.Notify;

namespace SecretAgent.Core.Watch;

/// <summary>
/// One watch: the start's delivery request (its deadline bounds the start and each poll), the time between rounds,
/// the optional staleness bound past which the watcher gives up, and the deployment's rollback floors.
/// </summary>
public sealed record WatchRequest(DeliveryRequest Delivery, TimeSpan Interval, TimeSpan? MaxStale, IReadOnlyDictionary<string, long> Floors);

/// <summary>
/// What the watcher touches beyond the delivery seams: who hears about polls and swaps, who tells the app, the set
/// found in the target at start (a restarted sidecar), and the random source for jitter (fixed in tests).
/// </summary>
public sealed record WatchSeams(DeliverySeams Delivery, IWatchObserver Observer, IChangeNotifier Notifier)
{
    public AdoptedSet? Adopted { get; init; }

    /// <summary>Uniform in [0, 1): the agent's interval jitter and each backoff's.</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;
}

/// <summary>Tells nobody: until the deployment asks for a notification, a swap is only a swap.</summary>
public sealed class NoNotification : IChangeNotifier
{
    public static NoNotification Instance { get; } = new();

    public Task NotifyAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Hears nothing: for a watch without status file, listener or metrics.</summary>
public sealed class NoObserver : IWatchObserver
{
    public static NoObserver Instance { get; } = new();

    public void Polled(string config, PollOutcome outcome, Errors.ErrorKind? failure = null)
    {
    }

    public void Decrypted(string config)
    {
    }

    public void Applied(string config, long generation, string? versionId, DateTimeOffset at)
    {
    }

    public void RoundCompleted(DateTimeOffset at)
    {
    }
}
