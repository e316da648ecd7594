using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SecretAgent.Core.Logging;

/// <summary>Writes <c>program: level: message key=value ...</c> lines, or JSON lines for log pipelines.</summary>
public sealed class StderrLog : ILog
{
    private readonly string program;
    private readonly bool json;
    private readonly TextWriter output;
    private readonly Lock gate = new();

    public StderrLog(string program, bool json, TextWriter? output = null)
    {
        this.program = program;
        this.json = json;
        this.output = output ?? Console.Error;
    }

    public void Info(string message, params (string Key, object? Value)[] fields) => Write("info", message, fields);

    public void Warn(string message, params (string Key, object? Value)[] fields) => Write("warning", message, fields);

    public void Fail(string message, params (string Key, object? Value)[] fields) => Write("error", message, fields);

    private void Write(string level, string message, (string Key, object? Value)[] fields)
    {
        // Config names and paths in a message or a field are user input: one line per event, whatever they hold.
        message = Errors.Printable.Escape(message);
        // Every value that is not a number or a flag is text by the time it is written (a config name, a path, a
        // version id an attacker chose): escape them all here, so no caller can forget one.
        fields = Array.ConvertAll(fields, f => f.Value is null or int or long or double or bool ? f : (f.Key, (object?)Errors.Printable.Escape(Format(f.Value))));
        var line = json ? Json(level, message, fields) : Human(level, message, fields);
        lock (gate)
        {
            output.WriteLine(line);
        }
    }

    private string Human(string level, string message, (string Key, object? Value)[] fields)
    {
        var text = new StringBuilder().Append(program).Append(": ").Append(level).Append(": ").Append(message);
        foreach (var (key, value) in fields)
        {
            text.Append(' ').Append(key).Append('=').Append(Format(value));
        }

        return text.ToString();
    }

    private string Json(string level, string message, (string Key, object? Value)[] fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("time", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("level", level);
            writer.WriteString("program", program);
            writer.WriteString("msg", message);
            foreach (var (key, value) in fields)
            {
                WriteField(writer, key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteField(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNull(key); break;
            case int n: writer.WriteNumber(key, n); break;
            case long n: writer.WriteNumber(key, n); break;
            case double d: writer.WriteNumber(key, Math.Round(d, 1)); break;
            case bool b: writer.WriteBoolean(key, b); break;
            default: writer.WriteString(key, Format(value)); break;
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "-",
        double d => d.ToString("0.#", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };
}
