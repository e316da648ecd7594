using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;

namespace SecretAgent.Publishing;

/// <summary>A stored version whose generation claim put ignored, and why (KMS refused it, or it is bound elsewhere).</summary>
public sealed record SkippedVersion(string? VersionId, long ClaimedGeneration, string Reason);

/// <summary>The highest authenticated generation in a name's history (0 for none), and the claims passed over.</summary>
public sealed record Floor(long Generation, IReadOnlyList<SkippedVersion> Skipped);

/// <summary>
/// Finds the generation the next put must exceed: the highest in the name's whole version history, not just the
/// latest object's, so an old version restored as the newest (a rollback) cannot make put reuse a generation.
/// A generation in stored metadata is only a claim until KMS accepts the context it sits in, so the highest claim
/// is authenticated with one Decrypt of its data key; a claim KMS refuses is a forgery, reported and passed over,
/// and the walk continues downwards. Normally the first claim is genuine: one Decrypt per put. A claim is tried
/// under each accepted key in turn (rotate to a new key: the history was made under the old one), as the agent's
/// allowlist is; only a context KMS refuses proves a forgery.
/// </summary>
internal sealed class GenerationFloor(IObjectReader store, IKeyUnwrapper keys)
{
    public async Task<Floor> FindAsync(string name, IReadOnlyList<string> keyIds, CancellationToken cancellationToken)
    {
        var skipped = new List<SkippedVersion>();
        foreach (var (version, envelope, problem) in await ClaimsAsync(name, cancellationToken))
        {
            if (problem is not null)
            {
                skipped.Add(new SkippedVersion(version.VersionId, envelope.Generation, Cause(problem)));
            }
            else if (await AuthenticAsync(version, envelope, keyIds, name, cancellationToken))
            {
                return new Floor(envelope.Generation, skipped);
            }
            else
            {
                skipped.Add(new SkippedVersion(version.VersionId, envelope.Generation, "KMS refused its encryption context (forged generation)"));
            }
        }

        return new Floor(0, skipped);
    }

    // Every version that claims a generation, highest claim first, with its binding problem if it has one.
    // Versions not in our format claim nothing.
    private async Task<List<(ObjectInfo Version, Envelope Envelope, SecretAgentException? Problem)>> ClaimsAsync(string name, CancellationToken cancellationToken)
    {
        var binding = new ExpectedBinding(name, store.Source.Scope);
        var versions = await ListAsync(name, cancellationToken);
        return versions
            .Where(v => !v.IsDeleteMarker)
            .Select(v => (Version: v, Inspection: EnvelopeReader.Inspect(v.Metadata, binding)))
            .Where(c => c.Inspection.Envelope is not null)
            .Select(c => (c.Version, c.Inspection.Envelope!, c.Inspection.Problem))
            .OrderByDescending(c => c.Item2.Generation)
            .ToList();
    }

    private async Task<IReadOnlyList<ObjectInfo>> ListAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ListVersionsAsync(store.Source.ObjectKey(name), cancellationToken);
        }
        catch (SecretAgentException ex) when (ex.Kind == ErrorKind.NotFound)
        {
            return [];
        }
        catch (SecretAgentException ex) when (ex.Kind == ErrorKind.AccessDenied)
        {
            // Restarting at 1 would publish a generation that already exists, which a rollback floor cannot tell apart.
            throw new SecretAgentException(ErrorKind.AccessDenied, $"may not list the versions of this config, so put cannot prove its next generation is above every earlier one; allow s3:ListBucketVersions ({ex.Message})", name);
        }
    }

    private async Task<bool> AuthenticAsync(ObjectInfo version, Envelope envelope, IReadOnlyList<string> keyIds, string name, CancellationToken cancellationToken)
    {
        var attempts = new KeyAttempts();
        foreach (var keyId in keyIds)
        {
            try
            {
                using var dataKey = await keys.DecryptAsync(envelope.EncryptedDataKey, keyId, envelope.Context, cancellationToken);
                return true;
            }
            catch (SecretAgentException ex) when (ex.Kind == ErrorKind.Integrity)
            {
                return false;
            }
            catch (SecretAgentException ex) when (ex.Kind is ErrorKind.WrongKey or ErrorKind.AccessDenied or ErrorKind.KeyUnusable or ErrorKind.NotFound)
            {
                attempts.Add(ex);
            }
        }

        // Not proof of a forgery (an older key, or no kms:Decrypt): passing over it could reuse its generation.
        var failure = attempts.Failure(name);
        throw new SecretAgentException(failure.Kind, $"cannot authenticate version {version.VersionId ?? "-"}, which claims generation {envelope.Generation} ({Cause(failure)}); publish with the key that made it (--kms-key-id, or --allow-key for an earlier key), or delete that version if IT did not publish it", name);
    }

    private static string Cause(SecretAgentException ex)
    {
        var prefix = ex.Config is null ? string.Empty : $"config '{ex.Config}': ";
        return ex.Message.StartsWith(prefix, StringComparison.Ordinal) ? ex.Message[prefix.Length..] : ex.Message;
    }
}
