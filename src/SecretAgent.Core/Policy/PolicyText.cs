namespace SecretAgent.Core.Policy;

/// <summary>
/// Makes a config name literal inside a policy. IAM reads '*' and '?' in resource ARNs as wildcards and "${...}"
/// anywhere as a policy variable, so a name holding them would grant more than that one object; IAM's own
/// ${*}, ${?} and ${$} variables spell those characters literally.
/// </summary>
internal static class PolicyText
{
    public static string InResource(string text) =>
        text.Replace("$", "${$}", StringComparison.Ordinal)
            .Replace("*", "${*}", StringComparison.Ordinal)
            .Replace("?", "${?}", StringComparison.Ordinal);

    public static string InCondition(string text) => text.Replace("$", "${$}", StringComparison.Ordinal);
}
