using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Settings;

/// <summary>
/// The resolved settings: where configs come from (<paramref name="Source"/> as given, <paramref name="SourceUri"/>
/// parsed), which keys may have encrypted them (an allowlist, in order, without duplicates), and the target directory.
/// How each is given (flags, variables, the manifest) is the CLI's business: SecretAgent.Cli's SettingsCatalog.
/// </summary>
public sealed record AgentSettings(string Source, IReadOnlyList<string> KmsKeyIds, string Dir, SourceUri SourceUri)
{
    /// <summary>Prefix of every environment variable we own; env files may not set these, the app does not inherit them.</summary>
    public const string VariablePrefix = "SECRET_AGENT_";

    /// <summary>KMS grant tokens sent with every Decrypt, for grants not yet eventually consistent.</summary>
    public IReadOnlyList<string> KmsGrantTokens { get; init; } = [];
}
