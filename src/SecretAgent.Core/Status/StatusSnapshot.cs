using SecretAgent.Core.Errors;
using SecretAgent.Core.Watch;

namespace SecretAgent.Core.Status;

/// <summary>The watcher's state at one moment: what the status file, /readyz and /metrics show.</summary>
public sealed record StatusSnapshot(DateTimeOffset At, DateTimeOffset StartedAt, long Rounds, IReadOnlyList<ConfigSnapshot> Configs)
{
    /// <summary>Every required config is served.</summary>
    public bool Complete => Configs.All(config => !config.Required || config.Generation is not null);

    /// <summary>The configs whose last success is older than <paramref name="maxStale"/>.</summary>
    public IEnumerable<ConfigSnapshot> StalerThan(TimeSpan maxStale) => Configs.Where(config => config.Staleness > maxStale);
}

/// <summary>One config's counters and what is served. <see cref="Staleness"/> runs from the start until a first success.</summary>
public sealed record ConfigSnapshot(
    string Name,
    bool Required,
    long? Generation,
    string? VersionId,
    DateTimeOffset? AppliedAt,
    DateTimeOffset? LastSuccess,
    TimeSpan Staleness,
    PollOutcome? LastOutcome,
    ErrorKind? LastFailure,
    IReadOnlyDictionary<PollOutcome, long> Polls,
    IReadOnlyDictionary<ErrorKind, long> Errors,
    long Decrypts,
    long Applied);
