using System.Globalization;
using System.Text;

namespace SecretAgent.Core.Status;

/// <summary>
/// The metrics in Prometheus text exposition format 0.0.4: the <c>secret_agent_</c> prefix, <c>_total</c> counters,
/// <c>_seconds</c> units, one series per config. Label values are escaped (a config name is text someone else chose).
/// Never a value, never a hash of one.
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(StatusSnapshot snapshot, TimeSpan? maxStale)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var text = new StringBuilder();
        var configs = snapshot.Configs;
        Family(text, "secret_agent_polls_total", "counter", "Polls of a config, by result",
            configs.SelectMany(c => c.Polls.Select(p => (Labels(("config", c.Name), ("result", Names.Outcome(p.Key))), (double)p.Value))));
        Family(text, "secret_agent_errors_total", "counter", "Failed polls of a config, by error kind",
            configs.SelectMany(c => c.Errors.Select(e => (Labels(("config", c.Name), ("kind", Names.Kind(e.Key))), (double)e.Value))));
        Family(text, "secret_agent_changes_applied_total", "counter", "Versions of a config made live by a swap (the first set included)",
            configs.Select(c => (Labels(("config", c.Name)), (double)c.Applied)));
        Family(text, "secret_agent_kms_decrypts_total", "counter", "Data key unwraps (KMS Decrypt calls) made for a config",
            configs.Select(c => (Labels(("config", c.Name)), (double)c.Decrypts)));
        Family(text, "secret_agent_last_success_timestamp_seconds", "gauge", "Unix time of the last poll that found a config current",
            configs.Where(c => c.LastSuccess is not null).Select(c => (Labels(("config", c.Name)), (double)c.LastSuccess!.Value.ToUnixTimeMilliseconds() / 1000)));
        Family(text, "secret_agent_staleness_seconds", "gauge", "Seconds since the last success of a config (since the start if none)",
            configs.Select(c => (Labels(("config", c.Name)), Math.Round(c.Staleness.TotalSeconds, 3))));
        Family(text, "secret_agent_generation", "gauge", "Generation of a config served now",
            configs.Where(c => c.Generation is not null).Select(c => (Labels(("config", c.Name)), (double)c.Generation!.Value)));
        Family(text, "secret_agent_rounds_total", "counter", "Completed poll rounds", [(string.Empty, snapshot.Rounds)]);
        Family(text, "secret_agent_complete", "gauge", "1 when every required config is served", [(string.Empty, snapshot.Complete ? 1 : 0)]);
        if (maxStale is { } bound)
        {
            Family(text, "secret_agent_max_stale_seconds", "gauge", "The --max-stale bound readiness is held to",
                [(string.Empty, bound.TotalSeconds)]);
        }

        return text.ToString();
    }

    /// <summary>A label value as the exposition format wants it: backslash, double quote and line feed escaped.</summary>
    public static string EscapeLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
    }

    private static string Labels(params (string Name, string Value)[] labels) =>
        "{" + string.Join(',', labels.Select(label => $"{label.Name}=\"{EscapeLabelValue(label.Value)}\"")) + "}";

    private static void Family(StringBuilder text, string name, string type, string help, IEnumerable<(string Labels, double Value)> samples)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var (labels, value) in samples)
        {
            text.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
