using SecretAgent.Cli;

namespace SecretAgent.Core.Tests.Cli;

/// <summary>The one duration parser every duration flag uses.</summary>
[Trait("Category", "Unit")]
public sealed class DurationsTests
{
    [Theory]
    [InlineData("60", 60_000)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("500ms", 500)]
    [InlineData("0", 0)]
    public void Parses_a_number_with_a_unit_or_bare_seconds(string text, long milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("-5")]
    [InlineData("1.5m")]
    [InlineData("5 m")]
    [InlineData("m")]
    [InlineData("5d")]
    [InlineData("2147483647")]
    [InlineData("٣s")]
    public void Refuses_anything_else(string? text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData(30_000, "30s")]
    [InlineData(300_000, "5m")]
    [InlineData(86_400_000, "24h")]
    [InlineData(1_500, "1500ms")]
    public void Formats_in_the_largest_whole_unit(long milliseconds, string expected) =>
        Assert.Equal(expected, Durations.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
