using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;

namespace SecretAgent.Cli;

/// <summary>Values given as flags; null or empty means "not given". <paramref name="KmsKeyIds"/> is comma-separated.</summary>
public sealed record SettingsOverrides(string? Source, string? KmsKeyIds, string? Dir)
{
    public static SettingsOverrides None { get; } = new(null, null, null);

    /// <summary>--scope: the logical scope (null: SECRET_AGENT_SCOPE, else the source URI).</summary>
    public string? Scope { get; init; }
}

/// <summary>The manifest's optional <c>source</c>, <c>kmsKeyIds</c> and <c>dir</c>: the last place before a default.</summary>
public sealed record ManifestDefaults(string? Source, IReadOnlyList<string>? KmsKeyIds, string? Dir)
{
    public static ManifestDefaults None { get; } = new(null, null, null);
}

/// <summary>
/// Resolves each agent setting from the first place that gives it: a flag, then an environment variable, then the
/// manifest's default, then the catalog's default. Empty values count as not given. Errors name the flag and the
/// variable from <see cref="SettingsCatalog"/>.
/// </summary>
public static class SettingsResolver
{
    public static AgentSettings Resolve(SettingsOverrides flags, Func<string, string?> environment, ManifestDefaults manifest)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(manifest);

        var source = First(flags.Source, SettingsCatalog.Source.Read(environment), manifest.Source)
            ?? throw new SecretAgentException(ErrorKind.Usage, $"no source given: set {SettingsCatalog.Source.FlagOrVariable} (or 'source' in the manifest) to s3://bucket/prefix/ or file:///dir/");
        var scope = First(flags.Scope, SettingsCatalog.Scope.Read(environment));
        var sourceUri = SourceUri.Parse(source).WithScope(scope, SettingsCatalog.Scope.FlagOrVariable);
        return new AgentSettings(source, ResolveKeyIds(flags, environment, manifest), ResolveDir(flags, environment, manifest), sourceUri)
        {
            KmsGrantTokens = SettingsCatalog.GrantTokens(environment),
        };
    }

    /// <summary>The manifest path: the flag, else SECRET_AGENT_MANIFEST, else /etc/secret-agent.yaml.</summary>
    public static string ManifestPath(string? flag, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return First(flag, SettingsCatalog.Manifest.Read(environment), SettingsCatalog.DefaultManifestPath)!;
    }

    /// <summary>
    /// Runs <paramref name="load"/> (reading the manifest); a manifest that is not there, or a path that cannot be
    /// one, also says how to point at it: "...; set SECRET_AGENT_MANIFEST or --manifest".
    /// </summary>
    public static T WithManifestHint<T>(Func<T> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        try
        {
            return load();
        }
        catch (SecretAgentException ex) when (ex is { Kind: ErrorKind.Manifest, InnerException: SecretAgentException { Kind: ErrorKind.NotFound } })
        {
            throw new SecretAgentException(ErrorKind.Manifest, $"{ex.Message}; set {SettingsCatalog.Manifest.Variable} or {SettingsCatalog.Manifest.Flag}", inner: ex);
        }
    }

    /// <summary>Cleans a KMS key allowlist: trims entries, drops empty ones and duplicates, keeps the first order.</summary>
    public static IReadOnlyList<string> CleanKeyIds(IEnumerable<string> keyIds)
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var keyId in keyIds)
        {
            var trimmed = keyId.Trim();
            if (trimmed.Length > 0 && seen.Add(trimmed))
            {
                result.Add(trimmed);
            }
        }

        return result;
    }

    private static IReadOnlyList<string> ResolveKeyIds(SettingsOverrides flags, Func<string, string?> environment, ManifestDefaults manifest)
    {
        var fromFlag = CommaSeparated(flags.KmsKeyIds);
        var fromEnvironment = CommaSeparated(SettingsCatalog.KmsKeyIds.Read(environment));
        var fromManifest = CleanKeyIds(manifest.KmsKeyIds ?? []);
        IReadOnlyList<string> keyIds = fromFlag.Count > 0 ? fromFlag : fromEnvironment.Count > 0 ? fromEnvironment : fromManifest;
        return keyIds.Count > 0
            ? keyIds
            : throw new SecretAgentException(ErrorKind.Usage, $"no KMS key allowlist given: set {SettingsCatalog.KmsKeyIds.FlagOrVariable} (or 'kmsKeyIds' in the manifest) to key ids, ARNs, aliases or file:// key URIs");
    }

    private static string ResolveDir(SettingsOverrides flags, Func<string, string?> environment, ManifestDefaults manifest)
    {
        var dir = First(flags.Dir, SettingsCatalog.Dir.Read(environment), manifest.Dir, SettingsCatalog.DefaultDir)!;
        return dir.StartsWith('/') && !dir.Any(char.IsControl)
            ? dir
            : throw new SecretAgentException(ErrorKind.Usage, $"target directory must be an absolute path (set by {SettingsCatalog.Dir.Flag}, {SettingsCatalog.Dir.Variable} or 'dir' in the manifest)");
    }

    private static IReadOnlyList<string> CommaSeparated(string? text) => text is null ? [] : CleanKeyIds(text.Split(','));

    private static string? First(params string?[] candidates) =>
        candidates.FirstOrDefault(value => !string.IsNullOrEmpty(value));
}
