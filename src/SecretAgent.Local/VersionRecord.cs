using System.Globalization;
using System.Text.Json;

namespace SecretAgent.Local;

/// <summary>The JSON sidecar of one stored version in a file:/// store: what S3 would keep as object headers.</summary>
internal sealed record VersionRecord(string VersionId, string ETag, DateTimeOffset LastModified, bool DeleteMarker, IReadOnlyDictionary<string, string> Metadata)
{
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("versionId", VersionId);
            writer.WriteString("etag", ETag);
            writer.WriteString("lastModified", LastModified.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteBoolean("deleteMarker", DeleteMarker);
            writer.WriteStartObject("metadata");
            foreach (var (key, value) in Metadata.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static VersionRecord Parse(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("metadata").EnumerateObject())
        {
            metadata[property.Name] = property.Value.GetString() ?? string.Empty;
        }

        return new VersionRecord(
            Text(root, "versionId"),
            Text(root, "etag"),
            DateTimeOffset.Parse(Text(root, "lastModified"), CultureInfo.InvariantCulture),
            root.GetProperty("deleteMarker").GetBoolean(),
            metadata);
    }

    // A JSON null where a string belongs is a corrupt record (FormatException, as for a bad date), not a null field.
    private static string Text(JsonElement root, string name) => root.GetProperty(name).GetString() ?? throw new FormatException();
}
