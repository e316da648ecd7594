using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SecretAgent.Core.Manifest;

/// <summary>
/// Loads the manifest's single YAML document with the trim-safe representation model. A first pass over the parser
/// events refuses what a plain config file has no use for (anchors, aliases, tags, several documents, deep nesting)
/// and reports where, before YamlStream resolves any of it.
/// </summary>
internal static class ManifestYaml
{
    private const int MaxDepth = 16;

    /// <summary>Returns the root node, or null when the file holds no document at all.</summary>
    public static YamlNode? LoadRoot(string text, string fileName)
    {
        try
        {
            Screen(text, fileName);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException ex)
        {
            var (line, column) = Locate(ex, text);
            throw ManifestError.At(fileName, line, column, "invalid YAML: " + Describe(ex.Message));
        }
    }

    private static void Screen(string text, string fileName)
    {
        var parser = new Parser(new StringReader(text));
        var documents = 0;
        var depth = 0;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            var problem = current switch
            {
                DocumentStart when ++documents > 1 => "a manifest holds exactly one YAML document",
                AnchorAlias => "aliases are not supported",
                NodeEvent { Anchor.IsEmpty: false } => "anchors are not supported",
                NodeEvent { Tag.IsEmpty: false } => "tags are not supported",
                _ => null,
            };
            depth += current.NestingIncrease;
            if (problem is null && depth > MaxDepth)
            {
                problem = $"nesting deeper than {MaxDepth} levels";
            }

            if (problem is not null)
            {
                throw ManifestError.At(fileName, current.Start, problem);
            }
        }
    }

    // YamlDotNet reports a tab used as indentation at 1:1; point at the first line indented with a tab instead.
    private static (long Line, long Column) Locate(YamlException ex, string text)
    {
        if (ex.Start.Line == 1 && ex.Message.Contains("tab as indentation", StringComparison.Ordinal))
        {
            var lines = text.Split('\n');
            var index = Array.FindIndex(lines, l => l.Length - l.TrimStart(' ', '\t').Length > 0 && l.TrimStart(' ').StartsWith('\t'));
            if (index >= 0)
            {
                return (index + 1, lines[index].IndexOf('\t', StringComparison.Ordinal) + 1);
            }
        }

        return (ex.Start.Line, ex.Start.Column);
    }

    // YamlDotNet's own messages are fixed English phrases, except a few that quote the offending text (such as
    // "Duplicate key <key>"); only the fixed ones are passed on, so no scalar from the file reaches the error.
    private static string Describe(string message)
    {
        if (message.StartsWith("Duplicate key", StringComparison.Ordinal))
        {
            return "duplicate key";
        }

        string[] fixedPhrases = ["While ", "Did not find", "Reached the end", "Found duplicate", "Found incompatible", "Found undefined"];
        return fixedPhrases.Any(p => message.StartsWith(p, StringComparison.Ordinal)) && !message.Contains('=', StringComparison.Ordinal)
            ? char.ToLowerInvariant(message[0]) + message[1..].TrimEnd('.')
            : "syntax error";
    }
}
