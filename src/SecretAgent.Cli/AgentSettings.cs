using SecretAgent.Core.Storage;

namespace SecretAgent.Cli;

/// <summary>
/// The resolved settings: where configs come from (<paramref name="Source"/> as given, <paramref name="SourceUri"/>
/// parsed), which keys may have encrypted them (an allowlist, in order, without duplicates), and the target directory.
/// How each is given (flags, variables, the manifest) is in <see cref="SettingsCatalog"/>; Core sees only the values.
/// </summary>
public sealed record AgentSettings(string Source, IReadOnlyList<string> KmsKeyIds, string Dir, SourceUri SourceUri)
{
    /// <summary>KMS grant tokens sent with every Decrypt, for grants not yet eventually consistent.</summary>
    public IReadOnlyList<string> KmsGrantTokens { get; init; } = [];
}
