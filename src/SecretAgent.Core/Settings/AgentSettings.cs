using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Settings;

/// <summary>
/// The resolved settings: where configs come from (<paramref name="Source"/> as given, <paramref name="SourceUri"/>
/// parsed), which keys may have encrypted them (an allowlist, in order, without duplicates), and the target directory.
/// </summary>
public sealed record AgentSettings(string Source, IReadOnlyList<string> KmsKeyIds, string Dir, SourceUri SourceUri);
