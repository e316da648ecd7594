using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;
using YamlDotNet.RepresentationModel;

namespace SecretAgent.Core.Manifest;

/// <summary>Turns the manifest's root node into a validated <see cref="Manifest"/>.</summary>
internal static class ManifestReader
{
    public const int SupportedVersion = 1;

    public static Manifest Read(YamlNode root, YamlScalars scalars, string sha256Hex)
    {
        var top = YamlMapping.Read(root, scalars, "the manifest", ManifestKeys.TopLevel);
        var version = ReadVersion(top);
        var files = ReadFiles(top);
        ManifestPathChecks.Check(files, scalars);
        return new Manifest(
            version,
            files,
            ReadSource(top),
            ReadKeyIds(top),
            ReadDir(top),
            sha256Hex,
            scalars.FileName);
    }

    private static int ReadVersion(YamlMapping top)
    {
        var node = top.Required(ManifestKeys.Version, "the manifest");
        var plain = node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "1" };
        return plain ? SupportedVersion : throw top.Scalars.Error(node, $"'version' must be {SupportedVersion}");
    }

    private static List<ManifestFile> ReadFiles(YamlMapping top)
    {
        var sequence = top.Scalars.Sequence(top.Required(ManifestKeys.Files, "the manifest"), ManifestKeys.Files);
        return sequence.Children.Select(item => ManifestFileReader.Read(item, top.Scalars)).ToList();
    }

    // The source is checked here too, so a bad default fails with its position rather than later without one.
    private static string? ReadSource(YamlMapping top)
    {
        var source = top.OptionalText(ManifestKeys.Source);
        if (source is null)
        {
            return null;
        }

        try
        {
            _ = SourceUri.Parse(source);
            return source;
        }
        catch (SecretAgentException)
        {
            throw top.Scalars.Error(top.Get(ManifestKeys.Source)!, "'source' must be s3://bucket/prefix/ or file:///absolute/dir/");
        }
    }

    private static List<string>? ReadKeyIds(YamlMapping top)
    {
        if (top.Get(ManifestKeys.KmsKeyIds) is not { } node)
        {
            return null;
        }

        var keyIds = new List<string>();
        foreach (var item in top.Scalars.Sequence(node, ManifestKeys.KmsKeyIds).Children)
        {
            var keyId = top.Scalars.Text(item, ManifestKeys.KmsKeyIds);
            if (keyId.Length == 0 || keyId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ','))
            {
                throw top.Scalars.Error(item, "'kmsKeyIds' entries must be key ids, ARNs, aliases or file:// URIs without spaces or commas");
            }

            keyIds.Add(keyId);
        }

        return keyIds;
    }

    private static string? ReadDir(YamlMapping top)
    {
        var dir = top.OptionalText(ManifestKeys.Dir);
        return dir is null || (dir.StartsWith('/') && !dir.Any(char.IsControl))
            ? dir
            : throw top.Scalars.Error(top.Get(ManifestKeys.Dir)!, "'dir' must be an absolute path");
    }
}
