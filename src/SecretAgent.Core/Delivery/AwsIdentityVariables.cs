namespace SecretAgent.Core.Delivery;

/// <summary>
/// Every environment variable through which an AWS SDK (ours, and the ones apps use) finds credentials or picks the
/// identity: the app must not inherit the agent's way to its role by accident (docs/agent.md has the table, and
/// docs/threat-model.md says why this is no boundary). Variables that only switch a source off
/// (AWS_EC2_METADATA_DISABLED, AWS_EC2_METADATA_V1_DISABLED) are kept: dropping them would widen what the app tries.
/// </summary>
public static class AwsIdentityVariables
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        // Static keys; AWS_ACCESS_KEY and AWS_SECRET_KEY are legacy names (the .NET SDK reads AWS_SECRET_KEY, Java reads both).
        "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY",
        "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_ACCOUNT_ID",

        // Profiles (which may hold keys, role_arn, credential_process or SSO settings) and where they live.
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_CREDENTIAL_PROFILES_FILE",
        "AWS_LOGIN_CACHE_DIRECTORY",

        // Web identity (EKS IRSA).
        "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME",

        // Instance metadata endpoint overrides.
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    };

    // ECS task role / EKS Pod Identity (RELATIVE_URI, FULL_URI, AUTHORIZATION_TOKEN, AUTHORIZATION_TOKEN_FILE) and
    // bearer tokens (AWS_BEARER_TOKEN_<SERVICE>).
    private static readonly string[] Prefixes = ["AWS_CONTAINER_CREDENTIALS_", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_BEARER_TOKEN_"];

    public static bool IsIdentityVariable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Names.Contains(name) || Prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
    }
}
