using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SecretAgent.Integration.Tests.Samples;

/// <summary>
/// Reads the samples as JSON trees so tests can compare them with what the tools print and assert them property by
/// property. Every YAML scalar becomes a string (as written: "0440", "true"); a CloudFormation short-form tag becomes
/// its value: !Sub with the given substitutions, !Ref and !GetAtt as "Ref:X" and "GetAtt:X.Y" for assertions.
/// </summary>
internal static partial class SampleFiles
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([RepositoryPaths.Root, "samples", .. parts]);

    /// <summary>Every document of a YAML file (Kubernetes files hold several, split by ---).</summary>
    public static List<JsonNode> YamlDocuments(string path, IReadOnlyDictionary<string, string>? substitutions = null)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => ToJson(d.RootNode, substitutions ?? new Dictionary<string, string>())!).ToList();
    }

    public static JsonNode Yaml(string path, IReadOnlyDictionary<string, string>? substitutions = null) =>
        Assert.Single(YamlDocuments(path, substitutions));

    public static JsonNode Json(string path) => JsonNode.Parse(File.ReadAllText(path))!;

    public static List<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(n => n!.GetValue<string>()).ToList(),
        JsonValue value => [value.GetValue<string>()],
        _ => [],
    };

    /// <summary>The one element of an array whose <paramref name="key"/> is <paramref name="value"/>.</summary>
    public static JsonNode Named(JsonNode? array, string value, string key = "name") =>
        Assert.Single(array!.AsArray(), n => n![key]?.ToString() == value)!;

    private static JsonNode? ToJson(YamlNode node, IReadOnlyDictionary<string, string> substitutions)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    obj[((YamlScalarNode)key).Value!] = ToJson(value, substitutions);
                }

                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(c => ToJson(c, substitutions))]);
            case YamlScalarNode scalar:
                return Scalar(scalar, substitutions);
            default:
                throw new InvalidOperationException($"unexpected YAML node {node.NodeType} at {node.Start}");
        }
    }

    private static JsonValue? Scalar(YamlScalarNode scalar, IReadOnlyDictionary<string, string> substitutions)
    {
        var text = scalar.Value ?? string.Empty;
        return scalar.Tag.IsEmpty ? JsonValue.Create(text) : scalar.Tag.Value switch
        {
            "!Sub" => JsonValue.Create(Variable().Replace(text, m => substitutions.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new KeyNotFoundException($"no substitution for ${{{m.Groups[1].Value}}}"))),
            "!Ref" => JsonValue.Create("Ref:" + text),
            "!GetAtt" => JsonValue.Create("GetAtt:" + text),
            _ => JsonValue.Create(text),
        };
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex Variable();
}
