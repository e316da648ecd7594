using System.Text;
using YamlDotNet.RepresentationModel;

namespace SecretAgent.Core.Manifest;

/// <summary>Reads one entry of the manifest's files list.</summary>
internal static class ManifestFileReader
{
    /// <summary>S3 object keys are at most 1024 bytes; the name is a suffix of one.</summary>
    public const int MaxNameBytes = 1024;

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
    // the one canonical spelling; it also obeys the path rules because it is the default output path.
    private static string ReadName(YamlMapping entry)
    {
        var node = entry.Required(ManifestKeys.Name, "a files entry");
        var name = entry.Scalars.Text(node, ManifestKeys.Name);
        if (!OutputPath.TryNormalize(name, out var normalized, out var problem))
        {
            throw entry.Scalars.Error(node, $"config name {problem}");
        }

        if (!string.Equals(normalized, name, StringComparison.Ordinal))
        {
            throw entry.Scalars.Error(node, $"config name must not contain empty segments (write '{normalized}')");
        }

        return Encoding.UTF8.GetByteCount(name) > MaxNameBytes
            ? throw entry.Scalars.Error(node, $"config name must be at most {MaxNameBytes} bytes long")
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
