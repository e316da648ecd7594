using System.Text.Json;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Status;

/// <summary>The answer of <c>secret-agent health</c>: healthy or not, and one line saying why.</summary>
public sealed record HealthResult(bool Healthy, string Line);

/// <summary>
/// Whether the set in a target is complete (every file the receipt lists is there) and, with a bound, fresh (the
/// status file's last success per config is recent). Read-only; reads no value. Without a status file (after plain
/// run or fetch) only completeness is checked: there is no watcher whose freshness could be judged.
/// </summary>
public static class HealthCheck
{
    private const int MaxReceiptBytes = 4 * 1024 * 1024;

    public static HealthResult Check(string dir, TimeSpan? maxStale, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(dir);
        if (!Directory.Exists(dir))
        {
            return Unhealthy($"target {dir} does not exist");
        }

        var receiptPath = Path.Combine(dir, Receipt.RelativePath);
        var receipt = ReadSmall(receiptPath, MaxReceiptBytes);
        if (receipt is null)
        {
            return Unhealthy($"target {dir} holds no delivered set (no {Receipt.RelativePath})");
        }

        var files = ReceiptPaths(receipt, receiptPath);
        var missing = files.FirstOrDefault(path => !File.Exists(Path.Combine(dir, path)));
        if (missing is not null)
        {
            return Unhealthy($"target {dir} is incomplete: {missing} is missing");
        }

        var statusPath = Path.Combine(dir, StatusDocument.FileName);
        var status = ReadSmall(statusPath, StatusDocument.MaxBytes);
        if (status is null)
        {
            return new HealthResult(true, $"ok: {files.Count} files in {dir}");
        }

        var content = StatusDocument.Read(status, statusPath);
        var reason = WhyNotReady(content, maxStale, now);
        return reason is null
            ? new HealthResult(true, $"ok: {files.Count} files in {dir}, status written {StatusDocument.Time(content.WrittenAt)}")
            : Unhealthy(reason);
    }

    /// <summary>Why a watcher's live state is not ready (/readyz), or null when it is.</summary>
    public static string? WhyNotReady(StatusSnapshot snapshot, TimeSpan? maxStale)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var content = new StatusFileContent(
            snapshot.At,
            snapshot.StartedAt,
            snapshot.Complete,
            [.. snapshot.Configs.Select(config => new StatusFileConfig(config.Name, config.Required, config.Generation, config.LastSuccess))]);
        return WhyNotReady(content, maxStale, snapshot.At);
    }

    private static string? WhyNotReady(StatusFileContent status, TimeSpan? maxStale, DateTimeOffset now)
    {
        var unserved = status.Configs.FirstOrDefault(config => config.Required && config.Generation is null);
        if (!status.Complete || unserved is not null)
        {
            return $"set incomplete: config '{unserved?.Name ?? "?"}' not delivered yet";
        }

        if (maxStale is not { } bound)
        {
            return null;
        }

        // Measured now, not read from the file: a watcher that stopped writing goes stale too.
        var stale = status.Configs
            .Select(config => (config.Name, Age: now - (config.LastSuccess ?? status.StartedAt)))
            .Where(config => config.Age > bound)
            .OrderByDescending(config => config.Age)
            .FirstOrDefault();
        return stale.Name is null ? null : $"config '{stale.Name}' stale: last success {Seconds(stale.Age)} s ago, over --max-stale {Seconds(bound)} s";
    }

    private static string Seconds(TimeSpan span) => Math.Floor(span.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static HealthResult Unhealthy(string reason) => new(false, "unhealthy: " + reason);

    private static byte[]? ReadSmall(string path, int maxBytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        return info.Length > maxBytes
            ? throw new SecretAgentException(ErrorKind.Integrity, $"{path} is larger than {maxBytes} bytes: not ours")
            : File.ReadAllBytes(path);
    }

    private static List<string> ReceiptPaths(byte[] receipt, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(receipt);
            return [.. document.RootElement.GetProperty("files").EnumerateArray().Select(file => file.GetProperty("path").GetString() ?? throw new FormatException())];
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SecretAgentException(ErrorKind.Integrity, $"{what} is not a secret-agent receipt ({e.GetType().Name})");
        }
    }
}
