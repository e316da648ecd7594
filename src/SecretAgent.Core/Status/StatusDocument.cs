using System.Globalization;
using System.Text.Json;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Watch;

namespace SecretAgent.Core.Status;

/// <summary>
/// The status file (<see cref="FileName"/>, at the top of the target, outside "..data"): rewritten each round by the
/// watcher, read by <c>secret-agent health</c>. Names, outcomes, kinds, generations and times only; never a value or a
/// hash of one. Written with Utf8JsonWriter and read with JsonDocument (no reflection: the agent is NativeAOT).
/// </summary>
public static class StatusDocument
{
    /// <summary>Starts with "..", like every name the target owns, so no published path can collide with it.</summary>
    public const string FileName = Target.TargetLayout.Status;

    /// <summary>Far above any real status; a bigger file is not ours.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    public static byte[] Write(StatusSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            writer.WriteString("writtenAt", Time(snapshot.At));
            writer.WriteString("startedAt", Time(snapshot.StartedAt));
            writer.WriteNumber("rounds", snapshot.Rounds);
            writer.WriteBoolean("complete", snapshot.Complete);
            writer.WriteStartArray("configs");
            foreach (var config in snapshot.Configs)
            {
                WriteConfig(writer, config);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads what health needs; throws ErrorKind.Integrity naming the file when it is not a status document.</summary>
    public static StatusFileContent Read(ReadOnlyMemory<byte> json, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var configs = root.GetProperty("configs").EnumerateArray().Select(ReadConfig).ToList();
            return new StatusFileContent(
                ParseTime(root.GetProperty("writtenAt")),
                ParseTime(root.GetProperty("startedAt")),
                root.GetProperty("complete").GetBoolean(),
                configs);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SecretAgentException(ErrorKind.Integrity, $"{what} is not a secret-agent status file ({e.GetType().Name})");
        }
    }

    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static void WriteConfig(Utf8JsonWriter writer, ConfigSnapshot config)
    {
        writer.WriteStartObject();
        writer.WriteString("name", config.Name);
        writer.WriteBoolean("required", config.Required);
        WriteNullable(writer, "generation", config.Generation);
        writer.WriteString("versionId", config.VersionId);
        writer.WriteString("appliedAt", config.AppliedAt is { } applied ? Time(applied) : null);
        writer.WriteString("lastSuccess", config.LastSuccess is { } success ? Time(success) : null);
        writer.WriteNumber("stalenessSeconds", Math.Round(config.Staleness.TotalSeconds, 3));
        writer.WriteString("lastOutcome", config.LastOutcome is { } last ? Names.Outcome(last) : null);
        writer.WriteString("lastError", config.LastFailure is { } failure ? Names.Kind(failure) : null);
        writer.WriteStartObject("polls");
        foreach (var (outcome, count) in config.Polls.OrderBy(pair => pair.Key))
        {
            writer.WriteNumber(Names.Outcome(outcome), count);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("errors");
        foreach (var (kind, count) in config.Errors.OrderBy(pair => pair.Key))
        {
            writer.WriteNumber(Names.Kind(kind), count);
        }

        writer.WriteEndObject();
        writer.WriteNumber("decrypts", config.Decrypts);
        writer.WriteNumber("changesApplied", config.Applied);
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static StatusFileConfig ReadConfig(JsonElement config) => new(
        config.GetProperty("name").GetString() ?? throw new FormatException(),
        config.GetProperty("required").GetBoolean(),
        config.GetProperty("generation") is { ValueKind: JsonValueKind.Number } generation ? generation.GetInt64() : null,
        config.GetProperty("lastSuccess") is { ValueKind: JsonValueKind.String } success ? ParseTime(success) : null);

    private static DateTimeOffset ParseTime(JsonElement element) =>
        DateTimeOffset.Parse(element.GetString() ?? throw new FormatException(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

/// <summary>What <c>secret-agent health</c> reads back from the status file.</summary>
public sealed record StatusFileContent(DateTimeOffset WrittenAt, DateTimeOffset StartedAt, bool Complete, IReadOnlyList<StatusFileConfig> Configs);

/// <summary>One config in the status file, as health needs it.</summary>
public sealed record StatusFileConfig(string Name, bool Required, long? Generation, DateTimeOffset? LastSuccess);

/// <summary>The one spelling of outcomes and error kinds in the status file and the metrics' labels.</summary>
public static class Names
{
    public static string Outcome(PollOutcome outcome) => outcome switch
    {
        PollOutcome.Unchanged => "unchanged",
        PollOutcome.Changed => "changed",
        PollOutcome.SameContent => "same_content",
        PollOutcome.Refused => "refused",
        PollOutcome.Missing => "missing",
        _ => "failed",
    };

    /// <summary>"access_denied" for ErrorKind.AccessDenied.</summary>
    public static string Kind(ErrorKind kind)
    {
        var text = kind.ToString();
        var builder = new System.Text.StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsUpper(text[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(text[i]));
        }

        return builder.ToString();
    }
}
