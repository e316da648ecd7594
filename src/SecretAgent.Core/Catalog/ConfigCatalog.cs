using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Catalog;

/// <summary>
/// The admin tool's read side: get (decrypts, with the same checks as the agent), list and history (metadata only,
/// no KMS calls). Writing (put, delete) is SecretAgent.Publishing's ConfigPublisher.
/// </summary>
public sealed class ConfigCatalog
{
    private readonly IObjectReader store;
    private readonly IKeyUnwrapper keys;

    public ConfigCatalog(IObjectReader store, IKeyUnwrapper keys)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        this.store = store;
        this.keys = keys;
    }

    private SourceUri Source => store.Source;

    /// <summary>Fetches and decrypts one config (latest, or <paramref name="versionId"/>). The caller disposes the result.</summary>
    public async Task<OpenedObject> GetAsync(ConfigName name, string? versionId, IReadOnlyList<string> allowedKeyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(allowedKeyIds);
        if (allowedKeyIds.Count == 0 || allowedKeyIds.Any(string.IsNullOrWhiteSpace))
        {
            throw new SecretAgentException(ErrorKind.Usage, "no KMS key id given", name);
        }

        try
        {
            var request = new GetRequest(Source.ObjectKey(name), GetRequest.DefaultMaxBytes, versionId);
            var (_, opened) = await EnvelopeReader.FetchAndOpenAsync(store, request, new ExpectedBinding(name, Source.Scope), allowedKeyIds, keys, cancellationToken);
            return opened;
        }
        catch (SecretAgentException ex)
        {
            throw ex.ForConfig(name);
        }
    }

    public async Task<IReadOnlyList<ConfigSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var objects = await store.ListAsync(cancellationToken);
        return objects
            .Select(info => (info, name: NameOf(info.Key)))
            .Select(e => Summarize(e.name, e.info))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<IReadOnlyList<ConfigVersion>> HistoryAsync(ConfigName name, CancellationToken cancellationToken)
    {
        try
        {
            var versions = await store.ListVersionsAsync(Source.ObjectKey(name), cancellationToken);
            return versions.Select(v => Describe(name, v)).ToList();
        }
        catch (SecretAgentException ex)
        {
            throw ex.ForConfig(name);
        }
    }

    private string NameOf(string key) =>
        Source.IsS3 && key.StartsWith(Source.Prefix, StringComparison.Ordinal) ? key[Source.Prefix.Length..] : key;

    private ConfigSummary Summarize(string name, ObjectInfo info)
    {
        var (envelope, problem) = Inspect(name, info);
        return new ConfigSummary(name, envelope?.Generation, envelope?.Format, info.Size, info.LastModified, info.VersionId, problem);
    }

    private ConfigVersion Describe(string name, ObjectInfo info)
    {
        if (info.IsDeleteMarker)
        {
            return new ConfigVersion(info.VersionId, null, 0, info.LastModified, info.IsLatest, true, null);
        }

        var (envelope, problem) = Inspect(name, info);
        return new ConfigVersion(info.VersionId, envelope?.Generation, info.Size, info.LastModified, info.IsLatest, false, problem);
    }

    // The same checks the agent makes before calling KMS, so a listing shows what would be refused.
    private (Envelope? Envelope, string? Problem) Inspect(string name, ObjectInfo info)
    {
        var inspection = EnvelopeReader.Inspect(info.Metadata, new ExpectedBinding(name, Source.Scope));
        return (inspection.Envelope, inspection.Problem is null ? null : Cause(inspection.Problem));
    }

    // The message without the "config 'name': " prefix, which the listing shows in its own column.
    internal static string Cause(SecretAgentException ex)
    {
        var prefix = ex.Config is null ? string.Empty : $"config '{ex.Config}': ";
        return ex.Message.StartsWith(prefix, StringComparison.Ordinal) ? ex.Message[prefix.Length..] : ex.Message;
    }
}
