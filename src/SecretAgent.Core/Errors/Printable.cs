using System.Globalization;
using System.Text;

namespace SecretAgent.Core.Errors;

/// <summary>
/// Makes text safe to echo on a terminal or into a log line. Paths, sources and names come from users (and from
/// whoever can write the bucket); echoed raw, a control character could forge a second log line or rewrite the
/// terminal, and a bidi override could make a name read differently from what it is. Every message that can quote
/// user input passes through here: <see cref="SecretAgentException"/> and the stderr log call it.
/// </summary>
public static class Printable
{
    /// <summary>
    /// Control characters become \n, \r, \t or \xHH; format characters (bidi controls, zero-width characters) and
    /// line/paragraph separators become \u{XXXX}. Other text, backslashes included, is unchanged.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(NeedsEscape))
        {
            return text ?? string.Empty;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            Append(escaped, c);
        }

        return escaped.ToString();
    }

    private static bool NeedsEscape(char c) => char.GetUnicodeCategory(c) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static void Append(StringBuilder escaped, char c)
    {
        if (!NeedsEscape(c))
        {
            escaped.Append(c);
            return;
        }

        _ = c switch
        {
            '\n' => escaped.Append("\\n"),
            '\r' => escaped.Append("\\r"),
            '\t' => escaped.Append("\\t"),
            < '\u0100' => escaped.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
            _ => escaped.Append(CultureInfo.InvariantCulture, $"\\u{{{(int)c:x4}}}"),
        };
    }
}
