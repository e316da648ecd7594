using System.Globalization;
using SecretAgent.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SecretAgent.Core.Manifest;

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
