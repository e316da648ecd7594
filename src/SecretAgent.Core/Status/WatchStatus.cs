using SecretAgent.Core.Errors;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Watch;

namespace SecretAgent.Core.Status;

/// <summary>One config the watcher serves; a required one makes the set incomplete until it is applied.</summary>
public sealed record TrackedConfig(string Name, bool Required);

/// <summary>Where the status document goes each round (the target writes it outside "..data", atomically).</summary>
public interface IStatusSink
{
    void WriteStatus(ReadOnlySpan<byte> json);
}

/// <summary>
/// The watcher's observer: counts what happened to each config and keeps what is served, so the status file, the
/// health check and the metrics are built from one place. Only names, outcomes, kinds, generations and times ever
/// enter it, never a value. Thread-safe; never throws into the watcher (a failing status write is logged).
/// </summary>
public sealed class WatchStatus : IWatchObserver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConfigCounters> _configs = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly IStatusSink? _sink;
    private readonly ILog? _log;
    private readonly DateTimeOffset _startedAt;
    private long _rounds;

    public WatchStatus(IEnumerable<TrackedConfig> configs, TimeProvider clock, IStatusSink? sink = null, ILog? log = null)
    {
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        _sink = sink;
        _log = log;
        _startedAt = clock.GetUtcNow();
        foreach (var config in configs)
        {
            _configs[config.Name] = new ConfigCounters(config.Required);
        }
    }

    public void Polled(string config, PollOutcome outcome, ErrorKind? failure = null)
    {
        lock (_gate)
        {
            var counters = For(config);
            counters.Polls[outcome] = counters.Polls.GetValueOrDefault(outcome) + 1;
            counters.LastOutcome = outcome;
            counters.LastFailure = failure;
            if (failure is { } kind)
            {
                counters.Errors[kind] = counters.Errors.GetValueOrDefault(kind) + 1;
            }

            if (IsCurrent(counters, outcome))
            {
                counters.LastSuccess = _clock.GetUtcNow();
            }
        }
    }

    public void Decrypted(string config)
    {
        lock (_gate)
        {
            For(config).Decrypts++;
        }
    }

    public void Applied(string config, long generation, string? versionId, DateTimeOffset at)
    {
        lock (_gate)
        {
            var counters = For(config);
            counters.Applied++;
            counters.Generation = generation;
            counters.VersionId = versionId;
            counters.AppliedAt = at;
            counters.LastSuccess = Later(counters.LastSuccess, at);
        }
    }

    public void RoundCompleted(DateTimeOffset at)
    {
        byte[] json;
        lock (_gate)
        {
            _rounds++;
            json = StatusDocument.Write(SnapshotLocked(at));
        }

        try
        {
            _sink?.WriteStatus(json);
        }
#pragma warning disable CA1031 // The observer never throws into the watcher: a status write failing must not stop the swaps.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log?.Warn("could not write the status file", ("cause", e is SecretAgentException ? e.Message : e.GetType().Name));
        }
    }

    /// <summary>Everything known now, staleness measured against the clock.</summary>
    public StatusSnapshot Snapshot()
    {
        lock (_gate)
        {
            return SnapshotLocked(_clock.GetUtcNow());
        }
    }

    // A poll that shows the served file is what the store holds: unchanged, changed, rotated, or an optional config
    // that is absent and was never served. A refusal, a failure or a deleted served config leaves it stale.
    private static bool IsCurrent(ConfigCounters counters, PollOutcome outcome) => outcome switch
    {
        PollOutcome.Unchanged or PollOutcome.Changed or PollOutcome.SameContent => true,
        PollOutcome.Missing => !counters.Required && counters.Generation is null,
        _ => false,
    };

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } value && value > b ? value : b;

    // An event for a name not in the manifest (an optional config that appeared) still counts.
    private ConfigCounters For(string config)
    {
        if (!_configs.TryGetValue(config, out var counters))
        {
            counters = new ConfigCounters(required: false);
            _configs[config] = counters;
        }

        return counters;
    }

    private StatusSnapshot SnapshotLocked(DateTimeOffset now)
    {
        var configs = _configs
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => pair.Value.Snapshot(pair.Key, now, _startedAt))
            .ToList();
        return new StatusSnapshot(now, _startedAt, _rounds, configs);
    }

    private sealed class ConfigCounters(bool required)
    {
        public bool Required { get; } = required;

        public Dictionary<PollOutcome, long> Polls { get; } = [];

        public Dictionary<ErrorKind, long> Errors { get; } = [];

        public PollOutcome? LastOutcome { get; set; }

        public ErrorKind? LastFailure { get; set; }

        public DateTimeOffset? LastSuccess { get; set; }

        public DateTimeOffset? AppliedAt { get; set; }

        public long? Generation { get; set; }

        public string? VersionId { get; set; }

        public long Decrypts { get; set; }

        public long Applied { get; set; }

        public ConfigSnapshot Snapshot(string name, DateTimeOffset now, DateTimeOffset startedAt) => new(
            name,
            Required,
            Generation,
            VersionId,
            AppliedAt,
            LastSuccess,
            now - (LastSuccess ?? startedAt),
            LastOutcome,
            LastFailure,
            new Dictionary<PollOutcome, long>(Polls),
            new Dictionary<ErrorKind, long>(Errors),
            Decrypts,
            Applied);
    }
}
