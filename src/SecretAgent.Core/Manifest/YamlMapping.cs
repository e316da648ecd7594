using System.Text.RegularExpressions;
using SecretAgent.Core.Errors;
using YamlDotNet.RepresentationModel;

namespace SecretAgent.Core.Manifest;

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
