namespace SecretAgent.Core.Settings;

/// <summary>Cleans a KMS key allowlist: trims entries, drops empty ones and duplicates, keeps the first order.</summary>
internal static class KeyIdList
{
    public static IReadOnlyList<string> FromCommaSeparated(string? text) =>
        text is null ? [] : Clean(text.Split(','));

    public static IReadOnlyList<string> Clean(IEnumerable<string> keyIds)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var keyId in keyIds)
        {
            var trimmed = keyId.Trim();
            if (trimmed.Length > 0 && seen.Add(trimmed))
            {
                result.Add(trimmed);
            }
        }

        return result;
    }
}
