using System.Globalization;
using System.Text.RegularExpressions;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Status;
using SecretAgent.Core.Watch;

namespace SecretAgent.Core.Tests.Status;

/// <summary>The metrics text parsed back line by line, as a Prometheus scraper would read it.</summary>
[Trait("Category", "Unit")]
public sealed partial class PrometheusTextTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Write_IsValidExpositionFormat_WithHelpAndTypeBeforeEverySample()
    {
        var text = PrometheusText.Write(Busy().Snapshot(), TimeSpan.FromMinutes(5));

        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        var helped = new HashSet<string>(StringComparer.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (HelpLine().Match(line) is { Success: true } help)
            {
                helped.Add(help.Groups[1].Value);
            }
            else if (TypeLine().Match(line) is { Success: true } type)
            {
                Assert.True(helped.Contains(type.Groups[1].Value), $"TYPE before HELP: {line}");
                Assert.True(declared.TryAdd(type.Groups[1].Value, type.Groups[2].Value), $"declared twice: {line}");
            }
            else
            {
                var sample = Sample(line);
                Assert.True(declared.TryGetValue(sample.Name, out var kind), $"sample before its TYPE: {line}");
                Assert.StartsWith("secret_agent_", sample.Name, StringComparison.Ordinal);
                Assert.Equal(kind == "counter", sample.Name.EndsWith("_total", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void Write_CarriesTheCountsPerConfig()
    {
        var samples = Samples(PrometheusText.Write(Busy().Snapshot(), null));

        Assert.Equal(2, samples[("secret_agent_polls_total", "config=db.json,result=unchanged")]);
        Assert.Equal(1, samples[("secret_agent_errors_total", "config=db.json,kind=access_denied")]);
        Assert.Equal(1, samples[("secret_agent_kms_decrypts_total", "config=db.json")]);
        Assert.Equal(1, samples[("secret_agent_changes_applied_total", "config=db.json")]);
        Assert.Equal(4, samples[("secret_agent_generation", "config=db.json")]);
        Assert.Equal(Start.ToUnixTimeSeconds() + 30, samples[("secret_agent_last_success_timestamp_seconds", "config=db.json")]);
        Assert.Equal(60, samples[("secret_agent_staleness_seconds", "config=db.json")]);
        Assert.Equal(1, samples[("secret_agent_complete", string.Empty)]);
        Assert.Equal(1, samples[("secret_agent_rounds_total", string.Empty)]);
    }

    [Theory]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("plain/name.json", "plain/name.json")]
    public void EscapeLabelValue_EscapesQuoteBackslashAndNewline(string raw, string escaped) =>
        Assert.Equal(escaped, PrometheusText.EscapeLabelValue(raw));

    [Fact]
    public void Write_WhenAConfigNameHoldsQuotesAndNewlines_EachSampleStaysOneParsableLine()
    {
        var status = new WatchStatus([new TrackedConfig("evil\"} 1\nsecret_agent_complete 0", true)], new ManualClock(Start));
        status.Polled("evil\"} 1\nsecret_agent_complete 0", PollOutcome.Unchanged);

        var text = PrometheusText.Write(status.Snapshot(), null);

        var samples = Samples(text);
        Assert.Equal(1, samples[("secret_agent_polls_total", "config=evil\"} 1\nsecret_agent_complete 0,result=unchanged")]);
        Assert.Single(samples.Keys, key => key.Name == "secret_agent_complete");
    }

    private static WatchStatus Busy()
    {
        var clock = new ManualClock(Start);
        var status = new WatchStatus([new TrackedConfig("db.json", true)], clock);
        status.Decrypted("db.json");
        status.Applied("db.json", 4, "v4", Start);
        clock.Advance(TimeSpan.FromSeconds(30));
        status.Polled("db.json", PollOutcome.Unchanged);
        status.Polled("db.json", PollOutcome.Unchanged);
        status.Polled("db.json", PollOutcome.Failed, ErrorKind.AccessDenied);
        status.RoundCompleted(clock.GetUtcNow());
        clock.Advance(TimeSpan.FromSeconds(60));
        return status;
    }

    private static Dictionary<(string Name, string Labels), double> Samples(string text) =>
        text.TrimEnd('\n').Split('\n').Where(line => !line.StartsWith('#')).Select(Sample).ToDictionary(s => (s.Name, s.Labels), s => s.Value);

    // name{label="value",...} number, label values unescaped; a line the format does not allow fails the test.
    private static (string Name, string Labels, double Value) Sample(string line)
    {
        var match = SampleLine().Match(line);
        Assert.True(match.Success, $"not a sample line: {line}");
        var labels = match.Groups["labels"].Success
            ? string.Join(',', LabelPair().Matches(match.Groups["labels"].Value).Select(pair => $"{pair.Groups[1].Value}={Unescape(pair.Groups[2].Value)}"))
            : string.Empty;
        return (match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    private static string Unescape(string value) => Regex.Replace(value, @"\\(.)", m => m.Groups[1].Value == "n" ? "\n" : m.Groups[1].Value);

    [GeneratedRegex(@"^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*""(?:,[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*"")*)\})? (?<value>-?[0-9.eE+]+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
