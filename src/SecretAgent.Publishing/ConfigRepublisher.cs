using System.Globalization;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;

namespace SecretAgent.Publishing;

/// <summary>
/// Rollback and rotate: read a stored version with the agent's checks (<see cref="EnvelopeReader.FetchAndOpenAsync"/>),
/// then publish its plaintext again as the next generation (<see cref="ConfigPublisher.ReplaceAsync"/>), conditional
/// on the latest version read at the start. Both only ever move the generation up, so an agent's rollback floor
/// never mistakes IT's rollback for an attacker's; the plaintext is zeroed as soon as it is sealed.
/// </summary>
public sealed class ConfigRepublisher
{
    private readonly IObjectStore store;
    private readonly IKeyService keys;
    private readonly ConfigPublisher publisher;

    public ConfigRepublisher(IObjectStore store, IKeyService keys)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        this.store = store;
        this.keys = keys;
        publisher = new ConfigPublisher(store, keys);
    }

    /// <summary>Re-encrypts the latest version under a fresh data key from <paramref name="keyId"/>, in its own format.</summary>
    public async Task<RepublishResult> RotateAsync(ConfigName name, string keyId, IReadOnlyList<string> earlierKeyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var (stored, opened) = await OpenAsync(name, null, [.. earlierKeyIds, keyId], cancellationToken);
        using (opened)
        {
            var replacement = new Replacement(name, keyId, earlierKeyIds, opened.Envelope.Format, stored.Info.ETag);
            var result = await publisher.ReplaceAsync(replacement, opened.PlaintextBuffer, cancellationToken);
            return new RepublishResult(result, stored.Info.VersionId, opened.Envelope.Generation, opened.KeyArn);
        }
    }

    /// <summary>
    /// Publishes the content of an earlier version again. <paramref name="to"/> is a version id of the name's history,
    /// or else a generation (decimal): then the newest version whose generation KMS authenticates as that one.
    /// </summary>
    public async Task<RepublishResult> RollbackAsync(ConfigName name, string to, string keyId, IReadOnlyList<string> earlierKeyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        IReadOnlyList<string> accepted = [keyId, .. earlierKeyIds];
        var latest = await store.HeadAsync(store.Source.ObjectKey(name), cancellationToken);
        var (stored, opened) = await OpenVersionAsync(name, to, accepted, cancellationToken);
        using (opened)
        {
            var replacement = new Replacement(name, keyId, earlierKeyIds, opened.Envelope.Format, latest?.ETag);
            var result = await publisher.ReplaceAsync(replacement, opened.PlaintextBuffer, cancellationToken);
            return new RepublishResult(result, stored.Info.VersionId, opened.Envelope.Generation, opened.KeyArn);
        }
    }

    private async Task<(FetchedObject Stored, OpenedObject Opened)> OpenVersionAsync(ConfigName name, string to, IReadOnlyList<string> accepted, CancellationToken cancellationToken)
    {
        var versions = await ListVersionsAsync(name, cancellationToken);
        var exact = versions.FirstOrDefault(v => v.VersionId == to);
        if (exact is not null)
        {
            return exact.IsDeleteMarker
                ? throw new SecretAgentException(ErrorKind.NotFound, $"version {to} is a delete marker: it has no content to roll back to", name)
                : await OpenAsync(name, to, accepted, cancellationToken);
        }

        if (!long.TryParse(to, NumberStyles.None, CultureInfo.InvariantCulture, out var generation) || generation > EncryptionContext.MaxGeneration)
        {
            throw new SecretAgentException(ErrorKind.NotFound, $"no version {to} in the history (give a version id or a generation; see history)", name);
        }

        return await OpenGenerationAsync(name, generation, versions, accepted, cancellationToken);
    }

    // A claim in metadata is not proof: open each version claiming the generation, newest first, until KMS accepts one.
    private async Task<(FetchedObject Stored, OpenedObject Opened)> OpenGenerationAsync(
        ConfigName name, long generation, IReadOnlyList<ObjectInfo> versions, IReadOnlyList<string> accepted, CancellationToken cancellationToken)
    {
        var binding = new ExpectedBinding(name, store.Source.Scope);
        var claims = versions
            .Where(v => !v.IsDeleteMarker && EnvelopeReader.Inspect(v.Metadata, binding) is { Problem: null, Envelope.Generation: var g } && g == generation)
            .ToList();
        SecretAgentException? refusal = null;
        foreach (var claim in claims)
        {
            try
            {
                return await OpenAsync(name, claim.VersionId, accepted, cancellationToken);
            }
            catch (SecretAgentException ex) when (ex.Kind is ErrorKind.Integrity or ErrorKind.WrongKey)
            {
                refusal ??= ex;
            }
        }

        throw refusal is null
            ? new SecretAgentException(ErrorKind.NotFound, $"no version with generation {generation} in the history (see history)", name)
            : new SecretAgentException(ErrorKind.Integrity, $"no version claiming generation {generation} could be authenticated: {refusal.Message}", name);
    }

    private async Task<(FetchedObject Stored, OpenedObject Opened)> OpenAsync(ConfigName name, string? versionId, IReadOnlyList<string> accepted, CancellationToken cancellationToken)
    {
        try
        {
            var request = new GetRequest(store.Source.ObjectKey(name), GetRequest.DefaultMaxBytes, versionId);
            return await EnvelopeReader.FetchAndOpenAsync(store, request, new ExpectedBinding(name, store.Source.Scope), accepted.Distinct(StringComparer.Ordinal).ToList(), keys, cancellationToken);
        }
        catch (SecretAgentException ex)
        {
            throw ex.ForConfig(name);
        }
    }

    private async Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(ConfigName name, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ListVersionsAsync(store.Source.ObjectKey(name), cancellationToken);
        }
        catch (SecretAgentException ex)
        {
            throw ex.ForConfig(name);
        }
    }
}

/// <summary>What a rollback or rotate published, and the version (and its authenticated generation and key) it read.</summary>
public sealed record RepublishResult(PublishResult Published, string? FromVersionId, long FromGeneration, string FromKeyArn);
