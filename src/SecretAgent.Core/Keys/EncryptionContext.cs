using System.Collections;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SecretAgent.Core.Keys;

/// <summary>
/// An immutable KMS encryption context (string to string), compared and serialized in ordinal key order.
/// Context values are names and scopes, never secrets: they appear in CloudTrail.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "KMS calls it an encryption context.")]
public sealed class EncryptionContext : IReadOnlyDictionary<string, string>, IEquatable<EncryptionContext>
{
    public const string NameKey = "secret-agent:name";
    public const string ScopeKey = "secret-agent:scope";
    public const string GenerationKey = "secret-agent:generation";
    public const string CekAlgKey = "aws:x-amz-cek-alg";

    /// <summary>The largest generation readers accept: at most 18 decimal digits, so it always fits a long.</summary>
    public const long MaxGeneration = 999_999_999_999_999_999;

    private readonly SortedDictionary<string, string> entries;

    public EncryptionContext(IEnumerable<KeyValuePair<string, string>> entries)
    {
        this.entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            this.entries.Add(key, value);
        }
    }

    public int Count => entries.Count;

    public IEnumerable<string> Keys => entries.Keys;

    public IEnumerable<string> Values => entries.Values;

    public string this[string key] => entries[key];

    /// <summary>The context SecretAgent binds to a config: its name, its source scope and its generation.</summary>
    public static EncryptionContext ForConfig(string name, string scope, long generation) => new(
    [
        new(NameKey, name),
        new(ScopeKey, scope),
        new(GenerationKey, generation.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ]);

    public EncryptionContext With(string key, string value)
    {
        var copy = new Dictionary<string, string>(entries, StringComparer.Ordinal) { [key] = value };
        return new EncryptionContext(copy);
    }

    public EncryptionContext Without(string key) =>
        new(entries.Where(e => !string.Equals(e.Key, key, StringComparison.Ordinal)));

    /// <summary>Compact JSON with keys in ordinal order; also the associated data of the local key service.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in entries)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// <see cref="ToJson"/> with every non-ASCII character as a \u escape: S3 user metadata travels in HTTP headers,
    /// which carry ASCII only, so this is the form stored in x-amz-matdesc / x-amz-t.
    /// </summary>
    public string ToAsciiJson()
    {
        var json = ToJson();
        if (json.All(char.IsAscii))
        {
            return json;
        }

        var text = new StringBuilder(json.Length + 16);
        foreach (var c in json)
        {
            text.Append(char.IsAscii(c) ? c.ToString() : "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    public bool ContainsKey(string key) => entries.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value) =>
        entries.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(EncryptionContext? other) =>
        other is not null && other.Count == Count && entries.All(e => other.TryGetValue(e.Key, out var v) && string.Equals(v, e.Value, StringComparison.Ordinal));

    public override bool Equals(object? obj) => Equals(obj as EncryptionContext);

    public override int GetHashCode() => ToJson().GetHashCode(StringComparison.Ordinal);

    public override string ToString() => ToJson();
}
