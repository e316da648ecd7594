namespace SecretAgent.Core.Settings;

/// <summary>The environment variables secret-agent reads (flags override them; they override the manifest).</summary>
public static class EnvironmentNames
{
    public const string Source = "SECRET_AGENT_SOURCE";
    public const string KmsKeyId = "SECRET_AGENT_KMS_KEY_ID";
    public const string Dir = "SECRET_AGENT_DIR";
    public const string Manifest = "SECRET_AGENT_MANIFEST";

    /// <summary>Prefix of every variable we own; env files may not set these.</summary>
    public const string ReservedPrefix = "SECRET_AGENT_";
}
