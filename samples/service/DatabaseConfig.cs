using System.Security.Cryptography;
using System.Text.Json;

namespace SampleService;

/// <summary>
/// The database config the service runs with: loaded whole or not at all (a bad file on reload keeps the previous
/// one), and described by what is safe to show: which version the agent delivered (its receipt), a digest prefix
/// and how many times it was loaded. The values themselves stay in here.
/// </summary>
internal sealed class DatabaseConfig(string path)
{
    private readonly Lock gate = new();
    private Loaded? current;

    private sealed record Loaded(string Host, int Port, string Sha256, int Loads, string? VersionId, long? Generation);

    public bool TryLoad(out string problem)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (!root.TryGetProperty("host", out var host) || host.ValueKind != JsonValueKind.String ||
                !root.TryGetProperty("port", out var port) || !port.TryGetInt32(out var portNumber))
            {
                problem = $"{path}: needs \"host\" (a string) and \"port\" (a number)";
                return false;
            }

            var (versionId, generation) = Receipt();
            lock (gate)
            {
                current = new Loaded(host.GetString()!, portNumber, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12], (current?.Loads ?? 0) + 1, versionId, generation);
            }

            problem = string.Empty;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // The exception's own message may quote the file's text; name only its type.
            problem = $"{path}: cannot read it as JSON ({e.GetType().Name})";
            return false;
        }
    }

    /// <summary>GET /config-version: no value of the config, only its identity.</summary>
    public string VersionJson()
    {
        Loaded loaded;
        lock (gate)
        {
            loaded = current!;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("sha256", loaded.Sha256);
            writer.WriteNumber("loads", loaded.Loads);
            if (loaded.VersionId is not null)
            {
                writer.WriteString("versionId", loaded.VersionId);
            }

            if (loaded.Generation is { } generation)
            {
                writer.WriteNumber("generation", generation);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    // The agent's receipt beside the file says which object version this is; absent when run without the agent.
    private (string? VersionId, long? Generation) Receipt()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var receipt = Path.Combine(directory, ".secret-agent", "receipt.json");
        if (!File.Exists(receipt))
        {
            return (null, null);
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(receipt));
        var fileName = Path.GetFileName(path);
        foreach (var file in document.RootElement.GetProperty("files").EnumerateArray())
        {
            if (file.GetProperty("path").GetString() == fileName)
            {
                return (file.GetProperty("versionId").GetString(), file.GetProperty("generation").GetInt64());
            }
        }

        return (null, null);
    }
}
