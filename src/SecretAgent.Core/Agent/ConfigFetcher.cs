using System.Security.Cryptography;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Storage;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Agent;

/// <summary>
/// Fetches every manifest file concurrently (bounded), verifies its binding and key, and decrypts it in memory.
/// All or nothing: the first failure cancels the rest and zeroes whatever was already decrypted.
/// </summary>
public sealed class ConfigFetcher
{
    public const long DefaultMaxBytes = 4 * 1024 * 1024;
    private const int MaxConcurrency = 16;

    private readonly IObjectStore store;
    private readonly IKeyService keys;
    private readonly IReadOnlyList<string> allowedKeyIds;
    private readonly long maxBytes;
    private readonly ILog log;

    public ConfigFetcher(IObjectStore store, IKeyService keys, IReadOnlyList<string> allowedKeyIds, long maxBytes, ILog log)
    {
        this.store = store;
        this.keys = keys;
        this.allowedKeyIds = allowedKeyIds;
        this.maxBytes = maxBytes;
        this.log = log;
    }

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
    public static ExpectedBinding ExpectedFor(ManifestFile file, SourceUri source)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(source);
        return new ExpectedBinding(file.Name, source.Scope, file.MinGeneration ?? 0);
    }

    private async Task<FetchedConfig?> FetchOneAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        try
        {
            var result = await store.GetAsync(new GetRequest(store.Source.ObjectKey(file.Name), maxBytes), cancellationToken);
            var stored = result.Fetched ?? throw new SecretAgentException(ErrorKind.Internal, "store answered not-modified to an unconditional GET");
            var opened = await EnvelopeReader.OpenAsync(stored, ExpectedFor(file, store.Source), allowedKeyIds, keys, cancellationToken);
            return new FetchedConfig(file, stored.Info, Convert.ToHexStringLower(SHA256.HashData(stored.Body)), opened);
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
