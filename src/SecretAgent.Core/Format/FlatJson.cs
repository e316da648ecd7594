using System.Text;
using System.Text.Json;

namespace SecretAgent.Core.Format;

/// <summary>
/// Parses a JSON object of string values only (the S3EC material description / encryption context), refusing
/// duplicates, nesting and non-string values. Returns null when the text isn't exactly that.
/// </summary>
internal static class FlatJson
{
    public static Dictionary<string, string>? Parse(string text)
    {
        try
        {
            return ParseOrThrow(Encoding.UTF8.GetBytes(text));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string escape that is not valid UTF-16 (a lone surrogate, "\ud800"),
            // found by the fuzzer (tests/vectors/fuzz-corpus/metadata).
            return null;
        }
    }

    private static Dictionary<string, string>? ParseOrThrow(byte[] utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.String || !result.TryAdd(key, reader.GetString()!))
            {
                return null;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && !reader.Read() ? result : null;
    }
}
