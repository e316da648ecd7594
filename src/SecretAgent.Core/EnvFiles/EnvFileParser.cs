using System.Text;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.EnvFiles;

/// <summary>
/// Parses a config marked <c>env: true</c> into variables for the app's environment. One KEY=VALUE per line; blank
/// lines and # comments skipped; an optional "export " prefix; values raw to the end of the line, 'single-quoted'
/// (literal) or "double-quoted" (with \n \r \t \" \\ escapes). Values are secrets: errors name the config and the
/// line number only, and the bytes are decoded straight from the input without a whole-file text copy.
/// </summary>
public static class EnvFileParser
{
    /// <summary>Prefix of every environment variable we own: env files may not set these, and the app does not inherit them.</summary>
    public const string ReservedPrefix = "SECRET_AGENT_";

    public static IReadOnlyList<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> utf8, string config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var rest = utf8.StartsWith(Encoding.UTF8.Preamble) ? utf8[Encoding.UTF8.Preamble.Length..] : utf8;
        var variables = new List<KeyValuePair<string, string>>();
        var firstLines = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var lineNumber = 1; !rest.IsEmpty; lineNumber++)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (EnvLine.Parse(line, lineNumber, config) is not { } variable)
            {
                continue;
            }

            if (!firstLines.TryAdd(variable.Key, lineNumber))
            {
                throw EnvLine.Error(config, lineNumber, $"duplicate key (first set on line {firstLines[variable.Key]})");
            }

            variables.Add(variable);
        }

        return variables;
    }
}
