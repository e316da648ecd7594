using System.Globalization;
using System.Text.RegularExpressions;
using SecretAgent.Core.Errors;
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
        var lastGood = Mark.Empty;
        while (Next(parser, fileName, lastGood))
        {
            var current = parser.Current!;
            lastGood = current.End;
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

    // YamlDotNet's scanner throws InvalidOperationException or ArgumentException instead of a YamlException on some
    // broken input (a flow mapping cut off in a plain scalar at the end of the file; "\ud800\ud800", a high surrogate
    // escape followed by another: tests/vectors/fuzz-corpus/manifest). It is still a syntax error of the file,
    // reported after the last event that parsed.
    private static bool Next(Parser parser, string fileName, Mark lastGood)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw ManifestError.At(fileName, Math.Max(lastGood.Line, 1), Math.Max(lastGood.Column, 1), "invalid YAML: syntax error");
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

/// <summary>
/// A YAML mapping checked against the keys it may hold: unknown and duplicate keys are refused (YamlDotNet's
/// representation model keeps one silently in some versions, faults.md row 21, so the check is ours).
/// </summary>
internal sealed partial class YamlMapping
{
    private readonly Dictionary<string, YamlNode> values = new(StringComparer.Ordinal);

    private YamlMapping(YamlMappingNode node, YamlScalars scalars)
    {
        Node = node;
        Scalars = scalars;
    }

    public YamlMappingNode Node { get; }

    public YamlScalars Scalars { get; }

    public static YamlMapping Read(YamlNode node, YamlScalars scalars, string what, IReadOnlySet<string> allowedKeys)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw scalars.Error(node, $"{what} must be a mapping of keys to values");
        }

        var result = new YamlMapping(mapping, scalars);
        var firstLines = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                throw scalars.Error(keyNode, $"{what} keys must be plain names");
            }

            if (!allowedKeys.Contains(key))
            {
                throw scalars.Error(keyNode, UnknownKey(key, what, allowedKeys));
            }

            if (!firstLines.TryAdd(key, keyNode.Start.Line))
            {
                throw scalars.Error(keyNode, $"duplicate key '{key}' (first on line {firstLines[key]})");
            }

            result.values.Add(key, value);
        }

        return result;
    }

    public YamlNode? Get(string key) => values.GetValueOrDefault(key);

    public YamlNode Required(string key, string what) =>
        Get(key) ?? throw Scalars.Error(Node, $"{what} is missing '{key}'");

    public string? OptionalText(string key) => Get(key) is { } node ? Scalars.Text(node, key) : null;

    public bool Boolean(string key, bool fallback) => Get(key) is { } node ? Scalars.Boolean(node, key) : fallback;

    // An unknown key is named only when it looks like a key, so a value pasted in the wrong place is not echoed.
    private static string UnknownKey(string key, string what, IReadOnlySet<string> allowedKeys)
    {
        var named = KeyShape().IsMatch(key) ? $" '{key}'" : string.Empty;
        return $"unknown key{named} in {what} (allowed: {string.Join(", ", allowedKeys)})";
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex KeyShape();
}

/// <summary>
/// Typed reads of YAML nodes for one manifest file. Types are strict (a boolean is plain true or false, a number
/// plain digits) and every error names the key and the position, never the value found there.
/// </summary>
internal sealed class YamlScalars(string fileName)
{
    public string FileName { get; } = fileName;

    public SecretAgentException Error(YamlNode node, string cause) => ManifestError.At(FileName, node.Start, cause);

    public string Text(YamlNode node, string key)
    {
        var scalar = Scalar(node, key, "a string");
        return IsNull(scalar) ? throw Error(node, $"'{key}' must not be empty") : scalar.Value!;
    }

    public bool Boolean(YamlNode node, string key)
    {
        var scalar = Scalar(node, key, "true or false");
        return (scalar.Style, scalar.Value) switch
        {
            (ScalarStyle.Plain, "true") => true,
            (ScalarStyle.Plain, "false") => false,
            _ => throw Error(node, $"'{key}' must be true or false"),
        };
    }

    public long WholeNumber(YamlNode node, string key)
    {
        var scalar = Scalar(node, key, "a whole number");
        var text = scalar.Value ?? string.Empty;
        return scalar.Style == ScalarStyle.Plain
               && text.Length > 0
               && text.All(char.IsAsciiDigit)
               && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Error(node, $"'{key}' must be a whole number");
    }

    public YamlSequenceNode Sequence(YamlNode node, string key) =>
        node as YamlSequenceNode ?? throw Error(node, $"'{key}' must be a list");

    public YamlScalarNode Scalar(YamlNode node, string key, string expected) =>
        node as YamlScalarNode ?? throw Error(node, $"'{key}' must be {expected}");

    // YAML's null spellings, when unquoted, mean "no value", not the text.
    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
}
