using System.Globalization;
using System.Text.Json;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Delivery;

/// <summary>
/// The audit receipt written beside the files (.secret-agent/receipt.json): which object version of each config
/// was delivered, under which key. It holds no plaintext and no hash of plaintext (a hash of a short password is a
/// dictionary attack away from the password). A restarted sidecar reads it back (<see cref="Parse"/>) to adopt the
/// set it finds and to take its generations as the rollback floor.
/// </summary>
public static class Receipt
{
    public const string RelativePath = ".secret-agent/receipt.json";

    /// <summary>The schema written: 2 adds agentVersion (the build that delivered the set). 1 is still read.</summary>
    public const int SchemaVersion = 2;

    public static byte[] Build(string manifestSha256, SourceUri source, IReadOnlyList<FetchedConfig> configs, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(configs);
        return Build(manifestSha256, source, configs.Select(c => ReceiptEntry.From(c, source, now)).ToList(), now);
    }

    public static byte[] Build(string manifestSha256, SourceUri source, IReadOnlyList<ReceiptEntry> entries, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(entries);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", SchemaVersion);
            writer.WriteString("agentVersion", BuildInfo.Version);
            writer.WriteString("writtenAt", Time(now));
            writer.WriteString("manifestSha256", manifestSha256);
            writer.WriteString("source", source.Location);
            if (source.HasLogicalScope)
            {
                writer.WriteString("scope", source.Scope);
            }
            writer.WriteString("host", System.Environment.MachineName);
            writer.WriteStartArray("files");
            foreach (var entry in entries)
            {
                WriteFile(writer, entry);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The files a receipt lists; null when it is not a receipt of a schema this build reads, 1 or 2 (then nothing is
    /// adopted). The files' shape is the same in both: a sidecar upgraded in place adopts what the old one wrote.
    /// </summary>
    public static IReadOnlyList<ReceiptEntry>? Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var version) || version.GetInt32() is not (1 or SchemaVersion))
            {
                return null;
            }

            return root.GetProperty("files").EnumerateArray().Select(ReadFile).ToList();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    private static ReceiptEntry ReadFile(JsonElement file) => new(
        Text(file, "name"),
        Text(file, "path"),
        Text(file, "objectKey"),
        file.GetProperty("versionId").GetString(),
        Text(file, "etag"),
        file.GetProperty("generation").GetInt64(),
        Text(file, "format"),
        Text(file, "kmsKeyArn"),
        Text(file, "ciphertextSha256"),
        file.GetProperty("size").GetInt64(),
        DateTimeOffset.Parse(Text(file, "lastModified"), CultureInfo.InvariantCulture),
        DateTimeOffset.Parse(Text(file, "fetchedAt"), CultureInfo.InvariantCulture));

    // A JSON null where a string belongs makes it no receipt of ours (FormatException, caught above), not an entry
    // with a hole or an ArgumentNullException out of the watcher (found by the fuzzer: tests/vectors/fuzz-corpus/receipt).
    private static string Text(JsonElement file, string name) => file.GetProperty(name).GetString() ?? throw new FormatException();

    private static void WriteFile(Utf8JsonWriter writer, ReceiptEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("name", entry.Name);
        writer.WriteString("path", entry.Path);
        writer.WriteString("objectKey", entry.ObjectKey);
        writer.WriteString("versionId", entry.VersionId);
        writer.WriteString("etag", entry.ETag);
        writer.WriteNumber("generation", entry.Generation);
        writer.WriteString("format", entry.Format);
        writer.WriteString("kmsKeyArn", entry.KmsKeyArn);
        writer.WriteString("ciphertextSha256", entry.CiphertextSha256);
        writer.WriteNumber("size", entry.Size);
        writer.WriteString("lastModified", Time(entry.LastModified));
        writer.WriteString("fetchedAt", Time(entry.FetchedAt));
        writer.WriteEndObject();
    }

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}

/// <summary>One delivered config as the receipt records it: the object version, never its content.</summary>
public sealed record ReceiptEntry(
    string Name,
    string Path,
    string ObjectKey,
    string? VersionId,
    string ETag,
    long Generation,
    string Format,
    string KmsKeyArn,
    string CiphertextSha256,
    long Size,
    DateTimeOffset LastModified,
    DateTimeOffset FetchedAt)
{
    public static ReceiptEntry From(FetchedConfig config, SourceUri source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(source);
        return new(
            config.File.Name,
            config.File.Path,
            source.ObjectKey(config.File.Name),
            config.Info.VersionId,
            config.Info.ETag,
            config.Opened.Envelope.Generation,
            config.Opened.Envelope.Format.ToString(),
            config.Opened.KeyArn,
            config.CiphertextSha256,
            config.Info.Size,
            config.Info.LastModified,
            now);
    }
}
