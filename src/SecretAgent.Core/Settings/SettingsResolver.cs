using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;
using ManifestModel = SecretAgent.Core.Manifest.Manifest;

namespace SecretAgent.Core.Settings;

/// <summary>
/// Resolves each setting from the first place that gives it: a flag, then an environment variable, then the
/// manifest's default. Empty values count as not given.
/// </summary>
public static class SettingsResolver
{
    public static AgentSettings Resolve(SettingsOverrides flags, Func<string, string?> environment, ManifestModel manifest)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(manifest);

        var source = First(flags.Source, environment(EnvironmentNames.Source), manifest.Source)
            ?? throw new SecretAgentException(ErrorKind.Usage, $"no source given: set {FlagNames.Source} or {EnvironmentNames.Source} (or 'source' in the manifest) to s3://bucket/prefix/ or file:///dir/");
        var sourceUri = SourceUri.Parse(source);
        return new AgentSettings(source, ResolveKeyIds(flags, environment, manifest), ResolveDir(flags, environment, manifest), sourceUri);
    }

    /// <summary>The manifest path: the flag, else SECRET_AGENT_MANIFEST, else /etc/secret-agent.yaml.</summary>
    public static string ManifestPath(string? flag, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return First(flag, environment(EnvironmentNames.Manifest), SettingsDefaults.ManifestPath)!;
    }

    private static IReadOnlyList<string> ResolveKeyIds(SettingsOverrides flags, Func<string, string?> environment, ManifestModel manifest)
    {
        var fromFlag = KeyIdList.FromCommaSeparated(flags.KmsKeyIds);
        var fromEnvironment = KeyIdList.FromCommaSeparated(environment(EnvironmentNames.KmsKeyId));
        var fromManifest = KeyIdList.Clean(manifest.KmsKeyIds ?? []);
        IReadOnlyList<string> keyIds = fromFlag.Count > 0 ? fromFlag : fromEnvironment.Count > 0 ? fromEnvironment : fromManifest;
        return keyIds.Count > 0
            ? keyIds
            : throw new SecretAgentException(ErrorKind.Usage, $"no KMS key allowlist given: set {FlagNames.KmsKeyId} or {EnvironmentNames.KmsKeyId} (or 'kmsKeyIds' in the manifest) to key ids, ARNs, aliases or file:// key URIs");
    }

    private static string ResolveDir(SettingsOverrides flags, Func<string, string?> environment, ManifestModel manifest)
    {
        var dir = First(flags.Dir, environment(EnvironmentNames.Dir), manifest.Dir, SettingsDefaults.Dir)!;
        return dir.StartsWith('/') && !dir.Any(char.IsControl)
            ? dir
            : throw new SecretAgentException(ErrorKind.Usage, $"target directory must be an absolute path (set by {FlagNames.Dir}, {EnvironmentNames.Dir} or 'dir' in the manifest)");
    }

    private static string? First(params string?[] candidates) =>
        candidates.FirstOrDefault(value => !string.IsNullOrEmpty(value));
}
