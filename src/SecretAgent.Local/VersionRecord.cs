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
            root.GetProperty("versionId").GetString()!,
            root.GetProperty("etag").GetString()!,
            DateTimeOffset.Parse(root.GetProperty("lastModified").GetString()!, CultureInfo.InvariantCulture),
            root.GetProperty("deleteMarker").GetBoolean(),
            metadata);
    }
}
