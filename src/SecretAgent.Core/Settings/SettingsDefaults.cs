namespace SecretAgent.Core.Settings;

/// <summary>Values used when neither a flag, a variable nor the manifest sets one.</summary>
public static class SettingsDefaults
{
    public const string ManifestPath = "/etc/secret-agent.yaml";
    public const string Dir = "/run/secrets";
}
