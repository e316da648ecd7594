using SecretAgent.Core.Publishing;
using YamlDotNet.RepresentationModel;

namespace SecretAgent.Core.Manifest;

/// <summary>Reads one entry of the manifest's files list.</summary>
internal static class ManifestFileReader
{
    public static ManifestFile Read(YamlNode node, YamlScalars scalars)
    {
        var entry = YamlMapping.Read(node, scalars, "a files entry", ManifestKeys.File);
        var name = ReadName(entry);
        var path = ReadPath(entry, name);
        return new ManifestFile(
            name,
            path,
            ReadMode(entry),
            entry.Boolean(ManifestKeys.Optional, fallback: false),
            entry.Boolean(ManifestKeys.Env, fallback: false),
            entry.Get(ManifestKeys.MinGeneration) is { } floor ? scalars.WholeNumber(floor, ManifestKeys.MinGeneration) : null,
            checked((int)node.Start.Line),
            checked((int)node.Start.Column));
    }

    // The name is bound into the object's encryption context and is its S3 key suffix, so it must already be in
    // the one canonical spelling; ConfigName owns that rule for the manifest and the admin tool alike.
    private static string ReadName(YamlMapping entry)
    {
        var node = entry.Required(ManifestKeys.Name, "a files entry");
        var name = entry.Scalars.Text(node, ManifestKeys.Name);
        return ConfigName.Problem(name) is { } problem
            ? throw entry.Scalars.Error(node, $"config name {problem}")
            : name;
    }

    private static string ReadPath(YamlMapping entry, string name)
    {
        if (entry.Get(ManifestKeys.Path) is not { } node)
        {
            return name;
        }

        var path = entry.Scalars.Scalar(node, ManifestKeys.Path, "a string").Value ?? string.Empty;
        return OutputPath.TryNormalize(path, out var normalized, out var problem)
            ? normalized
            : throw entry.Scalars.Error(node, $"'path' {problem}");
    }

    private static int ReadMode(YamlMapping entry)
    {
        if (entry.Get(ManifestKeys.Mode) is not { } node)
        {
            return FileModeText.Default;
        }

        var text = entry.Scalars.Scalar(node, ManifestKeys.Mode, "an octal mode like \"0400\"").Value ?? string.Empty;
        return FileModeText.TryParse(text, out var mode)
            ? mode
            : throw entry.Scalars.Error(node, "'mode' must be 3 or 4 octal digits no greater than 0777, like \"0400\"");
    }
}
