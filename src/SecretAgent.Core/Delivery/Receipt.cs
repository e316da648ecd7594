using System.Globalization;
using System.Text.Json;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Delivery;

/// <summary>
/// The audit receipt written beside the files (.secret-agent/receipt.json): which object version of each config
/// was delivered, under which key. It holds no plaintext and no hash of plaintext (a hash of a short password is a
/// dictionary attack away from the password).
/// </summary>
public static class Receipt
{
    public const string RelativePath = ".secret-agent/receipt.json";

    public static byte[] Build(string manifestSha256, SourceUri source, IReadOnlyList<FetchedConfig> configs, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(configs);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            writer.WriteString("writtenAt", Time(now));
            writer.WriteString("manifestSha256", manifestSha256);
            writer.WriteString("source", source.Scope);
            writer.WriteString("host", System.Environment.MachineName);
            writer.WriteStartArray("files");
            foreach (var config in configs)
            {
                WriteFile(writer, source, config, now);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteFile(Utf8JsonWriter writer, SourceUri source, FetchedConfig config, DateTimeOffset now)
    {
        writer.WriteStartObject();
        writer.WriteString("name", config.File.Name);
        writer.WriteString("path", config.File.Path);
        writer.WriteString("objectKey", source.ObjectKey(config.File.Name));
        writer.WriteString("versionId", config.Info.VersionId);
        writer.WriteString("etag", config.Info.ETag);
        writer.WriteNumber("generation", config.Opened.Envelope.Generation);
        writer.WriteString("format", config.Opened.Envelope.Format.ToString());
        writer.WriteString("kmsKeyArn", config.Opened.KeyArn);
        writer.WriteString("ciphertextSha256", config.CiphertextSha256);
        writer.WriteNumber("size", config.Info.Size);
        writer.WriteString("lastModified", Time(config.Info.LastModified));
        writer.WriteString("fetchedAt", Time(now));
        writer.WriteEndObject();
    }

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
