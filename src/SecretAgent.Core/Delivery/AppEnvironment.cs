using SecretAgent.Core.EnvFiles;
namespace SecretAgent.Core.Delivery;

/// <summary>
/// Builds the app's environment: the agent's own variables are removed (the app needs none of them), and so are the
/// variables AWS SDKs find credentials through (<see cref="AwsIdentityVariables"/>) unless kept, so the app does not
/// pick up the agent's decrypt rights by accident; env-file values are added.
/// </summary>
public static class AppEnvironment
{
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
            if (!key.StartsWith(EnvFileParser.ReservedPrefix, StringComparison.Ordinal) && (keepAwsCredentials || !AwsIdentityVariables.IsIdentityVariable(key)))
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
