using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Catalog;

/// <summary>One stored version as verify saw it: its authenticated generation (or the claim, when refused) and the finding, if any.</summary>
public sealed record VersionCheck(string Name, string? VersionId, long? Generation, bool IsLatest, string? Finding);

/// <summary>
/// The admin tool's verify: every version of every current config is opened with the agent's checks (binding, an
/// allowed key, KMS Decrypt of the data key under the stored context, the body), so a generation counts only once KMS
/// has authenticated it; then each name's history, oldest first, must have strictly increasing authenticated
/// generations. A restored old version (a rollback) breaks the order; a forged generation is refused by KMS. Failures
/// that would hit every object alike (no credentials, S3 or KMS unreachable) stop the run instead of being findings.
/// </summary>
public sealed class ConfigVerifier
{
    private readonly IObjectReader store;
    private readonly IKeyUnwrapper keys;

    public ConfigVerifier(IObjectReader store, IKeyUnwrapper keys)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        this.store = store;
        this.keys = keys;
    }

    public async Task<IReadOnlyList<VersionCheck>> VerifyAsync(IReadOnlyList<string> allowedKeyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allowedKeyIds);
        var configs = await new ConfigCatalog(store, keys).ListAsync(cancellationToken);
        var checks = new List<VersionCheck>();
        foreach (var config in configs)
        {
            checks.AddRange(await VerifyNameAsync(config, allowedKeyIds, cancellationToken));
        }

        return checks;
    }

    private async Task<IReadOnlyList<VersionCheck>> VerifyNameAsync(ConfigSummary config, IReadOnlyList<string> allowedKeyIds, CancellationToken cancellationToken)
    {
        if (!ConfigName.TryParse(config.Name, out var name, out var problem))
        {
            return [new VersionCheck(config.Name, config.VersionId, null, true, $"not a config name the agent accepts: {problem}")];
        }

        var versions = await store.ListVersionsAsync(store.Source.ObjectKey(name), cancellationToken);
        var opened = new List<VersionCheck>();
        foreach (var version in versions.Where(v => !v.IsDeleteMarker))
        {
            opened.Add(await OpenAsync(name, version, allowedKeyIds, cancellationToken));
        }

        return CheckOrder(opened);
    }

    private async Task<VersionCheck> OpenAsync(ConfigName name, ObjectInfo version, IReadOnlyList<string> allowedKeyIds, CancellationToken cancellationToken)
    {
        var binding = new ExpectedBinding(name, store.Source.Scope);
        try
        {
            var request = new GetRequest(version.Key, GetRequest.DefaultMaxBytes, version.VersionId);
            var (_, opened) = await EnvelopeReader.FetchAndOpenAsync(store, request, binding, allowedKeyIds, keys, cancellationToken);
            using (opened)
            {
                return new VersionCheck(name, version.VersionId, opened.Envelope.Generation, version.IsLatest, null);
            }
        }
        catch (SecretAgentException ex) when (IsFinding(ex))
        {
            var claim = EnvelopeReader.Inspect(version.Metadata, binding).Envelope?.Generation;
            return new VersionCheck(name, version.VersionId, claim, version.IsLatest, ConfigCatalog.Cause(ex));
        }
    }

    // Oldest first, every authenticated generation must exceed all before it; refused versions claim nothing.
    private static List<VersionCheck> CheckOrder(List<VersionCheck> newestFirst)
    {
        var result = new List<VersionCheck>(newestFirst.Count);
        VersionCheck? highest = null;
        foreach (var check in Enumerable.Reverse(newestFirst))
        {
            if (check.Finding is not null)
            {
                result.Add(check);
                continue;
            }

            if (highest is not null && check.Generation <= highest.Generation)
            {
                result.Add(check with { Finding = $"generation {check.Generation} is not above generation {highest.Generation} of the earlier version {highest.VersionId ?? "-"} (an old version restored, or a generation reused)" });
                continue;
            }

            highest = check;
            result.Add(check);
        }

        result.Reverse();
        return result;
    }

    // Refusals of one object are findings; what would fail every object alike ends the run with its own exit code.
    private static bool IsFinding(SecretAgentException ex) =>
        ex.Kind is not (ErrorKind.NoCredentials or ErrorKind.Unavailable or ErrorKind.Cancelled or ErrorKind.Internal or ErrorKind.Usage);
}
