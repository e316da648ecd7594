namespace SecretAgent.Core.Agent;

/// <summary>
/// Builds the app's environment: the agent's own variables are removed (the app needs none of them), and so are
/// AWS credential variables unless kept, so the app can't reuse the agent's decrypt rights; env-file values are added.
/// </summary>
public static class AppEnvironment
{
    private static readonly string[] AwsCredentialVariables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_PROFILE",
    ];

    public static Dictionary<string, string> Build(
        IReadOnlyDictionary<string, string> current,
        IEnumerable<KeyValuePair<string, string>> additions,
        bool keepAwsCredentials)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(additions);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in current)
        {
            if (!key.StartsWith("SECRET_AGENT_", StringComparison.Ordinal) && (keepAwsCredentials || !AwsCredentialVariables.Contains(key)))
            {
                result[key] = value;
            }
        }

        foreach (var (key, value) in additions)
        {
            result[key] = value;
        }

        return result;
    }

    public static Dictionary<string, string> Current()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        return result;
    }
}
