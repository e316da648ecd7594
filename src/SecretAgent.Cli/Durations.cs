using System.CommandLine;
using System.Globalization;

namespace SecretAgent.Cli;

/// <summary>
/// The one parser for every duration flag (--timeout, --interval, --max-stale, and whatever comes next): a number
/// with a unit (<c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>), or a bare number meaning seconds, so
/// <c>--timeout 60</c> keeps working. Whole numbers only: "1.5m" is a typo more often than a wish.
/// </summary>
public static class Durations
{
    private static readonly (string Suffix, long Milliseconds)[] Units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var (digits, scale) = Split(text);
        if (digits.Length == 0 || digits.Length > 9 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(long.Parse(digits, CultureInfo.InvariantCulture) * scale);
        return true;
    }

    /// <summary>How a duration is shown back in messages and help: the largest unit it is a whole number of.</summary>
    public static string Format(TimeSpan duration)
    {
        var milliseconds = (long)duration.TotalMilliseconds;
        foreach (var (suffix, scale) in Units.Reverse())
        {
            if (milliseconds % scale == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{milliseconds / scale}{suffix}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{milliseconds}ms");
    }

    /// <summary>
    /// The option for a duration setting, parsed here and range-checked to [<paramref name="min"/>, <paramref name="max"/>]:
    /// a bad value is a one-line usage error (64) naming the flag and the accepted spellings.
    /// </summary>
    public static Option<TimeSpan?> ToDurationOption(this Setting setting, TimeSpan min, TimeSpan max)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var option = setting.ToOption<TimeSpan?>();
        option.HelpName = "DURATION";
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
            if (!TryParse(text, out var duration))
            {
                result.AddError($"{setting.Flag} must be a duration such as 30s, 5m, 1h or 500ms (a bare number is seconds)");
                return null;
            }

            if (duration < min || duration > max)
            {
                result.AddError($"{setting.Flag} must be {Format(min)} to {Format(max)}");
                return null;
            }

            return duration;
        };
        return option;
    }

    private static (string Digits, long Scale) Split(string text)
    {
        // "ms" before "m" and "s": the longest suffix that matches wins.
        foreach (var (suffix, scale) in Units.OrderByDescending(u => u.Suffix.Length))
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                return (text[..^suffix.Length], scale);
            }
        }

        return (text, 1000);
    }
}
