using System.Security.Cryptography;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Storage;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Delivery;

/// <summary>
/// Fetches every manifest file concurrently (bounded), verifies its binding and key, and decrypts it in memory.
/// All or nothing: the first refusal cancels the rest and zeroes whatever was already decrypted. A transient failure
/// (ErrorKind.Unavailable: throttling, 5xx, a timeout, after the SDK's own attempts) is retried for that config alone
/// with <see cref="Backoff"/> until the caller's deadline cancels, so a fleet starting under a KMS quota waits instead
/// of failing; the configs already fetched are not asked again.
/// </summary>
internal sealed class ConfigFetcher
{
    private const int MaxConcurrency = 16;

    // The SDK already spent its attempts (backoff capped at 20 s) before a failure reaches here: start at 1 s, cap
    // where the SDK caps, so a retry comes soon after a blip and a long quota outage is asked about every 10-20 s.
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(20);

    private readonly IObjectReader store;
    private readonly IKeyUnwrapper keys;
    private readonly IReadOnlyList<string> allowedKeyIds;
    private readonly long maxBytes;
    private readonly ILog log;
    private readonly PlaintextAllocator allocate;
    private readonly TimeProvider clock;
    private readonly Func<double> random;
    private SecretAgentException? lastTransient;

    public ConfigFetcher(DeliverySeams seams, DeliveryRequest request)
    {
        ArgumentNullException.ThrowIfNull(seams);
        ArgumentNullException.ThrowIfNull(request);
        store = seams.Reader;
        keys = seams.Keys;
        allowedKeyIds = request.AllowedKeyIds;
        maxBytes = request.MaxBytes;
        log = seams.Log;
        allocate = seams.PlaintextAllocator;
        clock = seams.Clock;
        random = seams.Random;
    }

    /// <summary>The last transient failure retried, if any: a passed deadline names it as its cause.</summary>
    public SecretAgentException? LastTransient => Volatile.Read(ref lastTransient);

    /// <summary>Returns the fetched configs in manifest order; a missing optional config is left out.</summary>
    public async Task<IReadOnlyList<FetchedConfig>> FetchAllAsync(IReadOnlyList<ManifestFile> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var results = new FetchedConfig?[files.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(files.Count, 1, MaxConcurrency), CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), options, async (i, ct) => results[i] = await FetchOneAsync(files[i], ct));
        }
        catch
        {
            foreach (var fetched in results)
            {
                fetched?.Dispose();
            }

            throw;
        }

        return results.Where(r => r is not null).Select(r => r!).ToList();
    }

    /// <summary>What a manifest entry's object must be bound to; `check --online` applies the same rule.</summary>
    internal static ExpectedBinding ExpectedFor(ManifestFile file, SourceUri source)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(source);
        return new ExpectedBinding(file.Name, source.Scope, file.MinGeneration ?? 0);
    }

    /// <summary>A fetched and opened object as a config; the watcher's polls make theirs here too.</summary>
    internal static FetchedConfig Fetched(ManifestFile file, FetchedObject stored, OpenedObject opened) =>
        new(file, stored.Info, Convert.ToHexStringLower(SHA256.HashData(stored.Body)), opened);

    private async Task<FetchedConfig?> FetchOneAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                return await AttemptAsync(file, cancellationToken);
            }
            catch (SecretAgentException ex) when (ex.Transient)
            {
                Volatile.Write(ref lastTransient, ex);
                var delay = Backoff.Delay(FirstRetry, failures, MaxRetryDelay, random());
                log.Warn("transient failure; retrying until the deadline", ("config", file.Name.Value), ("error", ex.Message), ("retryInSeconds", delay.TotalSeconds));
                await Task.Delay(delay, clock, cancellationToken);
            }
        }
    }

    private async Task<FetchedConfig?> AttemptAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        try
        {
            var request = new GetRequest(store.Source.ObjectKey(file.Name), maxBytes);
            var (stored, opened) = await EnvelopeReader.FetchAndOpenAsync(store, request, ExpectedFor(file, store.Source), allowedKeyIds, keys, cancellationToken, allocate);
            return Fetched(file, stored, opened);
        }
        catch (SecretAgentException ex) when (ex.Kind == ErrorKind.NotFound && file.Optional)
        {
            log.Warn("optional config not found; skipped", ("config", file.Name.Value));
            return null;
        }
        catch (SecretAgentException ex)
        {
            throw ex.ForConfig(file.Name);
        }
    }
}

/// <summary>One config fetched, verified and decrypted; disposing it zeroes the plaintext.</summary>
public sealed record FetchedConfig(ManifestFile File, ObjectInfo Info, string CiphertextSha256, OpenedObject Opened) : IDisposable
{
    public void Dispose() => Opened.Dispose();
}
