namespace SecretAgent.Core.Format;

/// <summary>Standard padded base64, accepted only in canonical form, with an exact decoded length when asked.</summary>
internal static class StrictBase64
{
    public static byte[]? Decode(string text, int? exactLength = null)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written) || written == 0)
        {
            return null;
        }

        var bytes = buffer.AsSpan(0, written).ToArray();
        if (!string.Equals(Convert.ToBase64String(bytes), text, StringComparison.Ordinal))
        {
            return null;
        }

        return exactLength is null || bytes.Length == exactLength ? bytes : null;
    }
}
