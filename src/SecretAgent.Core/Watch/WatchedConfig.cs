using System.Security.Cryptography;
using SecretAgent.Core.Delivery;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Watch;

/// <summary>
/// What the watcher knows of one config between rounds: the live version (its receipt entry and its plaintext, in
/// a pinned buffer zeroed when replaced or at stop), the ETag of a refused version (so it is not fetched and
/// decrypted again), the rollback floor, and its backoff.
/// </summary>
internal sealed class WatchedConfig(ManifestFile file, long floor, DateTimeOffset now) : IDisposable
{
    public ManifestFile File { get; } = file;

    public LiveVersion? Live { get; private set; }

    /// <summary>Never below the manifest's minGeneration, the deployment's floor, or any generation once live.</summary>
    public long Floor { get; private set; } = floor;

    public string? RefusedETag { get; set; }

    /// <summary>The allowlist entry that last unwrapped this config: tried first next time (<see cref="Format.KeyAttempts.LastWorkedFirst"/>).</summary>
    public string? KeyThatWorked { get; set; }

    public int Failures { get; private set; }

    public DateTimeOffset NextAttempt { get; private set; } = now;

    public DateTimeOffset LastSuccess { get; private set; } = now;

    /// <summary>What the conditional GET compares with: a refused version first, else the live one.</summary>
    public string? ComparedETag => Live is null ? null : RefusedETag ?? Live.Entry.ETag;

    /// <summary>Makes <paramref name="next"/> live (zeroing the previous plaintext unless it is carried over).</summary>
    public void MakeLive(LiveVersion next)
    {
        if (Live is { } previous && !ReferenceEquals(previous.Plaintext, next.Plaintext))
        {
            previous.Dispose();
        }

        Live = next;
        Floor = Math.Max(Floor, next.Entry.Generation);
        RefusedETag = null;
    }

    public void Succeeded(DateTimeOffset now)
    {
        Failures = 0;
        LastSuccess = now;
        NextAttempt = now;
    }

    /// <summary>Exponential per config, capped, with jitter in [50 %, 100 %] so a fleet's retries spread out.</summary>
    public void Failed(DateTimeOffset now, TimeSpan interval, double random)
    {
        Failures++;
        NextAttempt = now + Backoff.Delay(interval, Failures, MaxBackoff, random);
    }

    public void Dispose() => Live?.Dispose();

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);
}

/// <summary>A live version: its receipt entry and its plaintext, zeroed on dispose.</summary>
internal sealed record LiveVersion(ReceiptEntry Entry, byte[] Plaintext) : IDisposable
{
    public void Dispose() => CryptographicOperations.ZeroMemory(Plaintext);
}
