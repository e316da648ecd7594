using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Watch;

/// <summary>What one poll of one config found.</summary>
public enum PollOutcome
{
    /// <summary>The ETag matched (304): no KMS call, no write.</summary>
    Unchanged,

    /// <summary>A new version passed every check and was decrypted; it goes into this round's swap.</summary>
    Changed,

    /// <summary>A new version whose plaintext equals the live file (after a rotate): status and receipt only.</summary>
    SameContent,

    /// <summary>A new version was refused (binding, key, or a generation below the floor); the last good file stays.</summary>
    Refused,

    /// <summary>The object is gone; the last good file stays.</summary>
    Missing,

    /// <summary>The store or key service failed; the last good file stays and the config backs off.</summary>
    Failed,
}

/// <summary>
/// What the watcher reports as it goes. The status file, the health check, the metrics and the logs are built from
/// these events, so the watcher knows none of them. Implementations are thread-safe, never throw, and never see a
/// value: only names, outcomes, kinds, generations and times.
/// </summary>
public interface IWatchObserver
{
    void Polled(string config, PollOutcome outcome, ErrorKind? failure = null);

    /// <summary>One KMS (or local key) unwrap was made for <paramref name="config"/>.</summary>
    void Decrypted(string config);

    /// <summary>A swap made <paramref name="generation"/> of <paramref name="config"/> live (also the initial set, and an adopted one).</summary>
    void Applied(string config, long generation, string? versionId, DateTimeOffset at);

    /// <summary>Every config was polled once; a good moment to rewrite the status file.</summary>
    void RoundCompleted(DateTimeOffset at);
}
