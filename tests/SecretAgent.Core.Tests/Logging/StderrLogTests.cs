using SecretAgent.Core.Logging;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Tests.Logging;

/// <summary>What reaches stderr: one line per event, every text field escaped whatever its type.</summary>
[Trait("Category", "Unit")]
public sealed class StderrLogTests
{
    // A name or version id is attacker-chosen text; a terminal escape in it must not reach the operator's terminal.
    private const string Hostile = "x\u001b[2Jy";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Field_values_of_any_type_are_escaped(bool json)
    {
        using var output = new StringWriter();
        var log = new StderrLog("secret-agent", json, output);

        log.Info("event", ("text", Hostile), ("typed", new Carrier(Hostile)), ("count", 3));

        var written = output.ToString();
        Assert.DoesNotContain('\u001b', written);
        Assert.Equal(1, written.Count(c => c == '\n'));
        Assert.Contains("count", written, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_name_field_is_written_as_its_text()
    {
        using var output = new StringWriter();

        new StderrLog("secret-agent", json: true, output).Info("delivered", ("config", ConfigName.Parse("app.yaml")));

        Assert.Contains("\"config\":\"app.yaml\"", output.ToString(), StringComparison.Ordinal);
    }

    private sealed record Carrier(string Text)
    {
        public override string ToString() => Text;
    }
}
