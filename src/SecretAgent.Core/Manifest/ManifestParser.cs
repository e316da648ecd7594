using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;
using YamlDotNet.RepresentationModel;

namespace SecretAgent.Core.Manifest;

/// <summary>
/// Parses secret-agent.yaml strictly: every refusal is ErrorKind.Manifest with "file:line:col: cause", and a
/// manifest that parses is complete and consistent, so no later step needs to re-check it.
/// </summary>
public static class ManifestParser
{
    /// <summary>A manifest is a short list of names; anything larger is a mistake, not a manifest.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static Manifest Parse(ReadOnlySpan<byte> utf8, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (utf8.Length > MaxBytes)
        {
            throw ManifestError.At(fileName, 1, 1, $"manifest is larger than {MaxBytes} bytes");
        }

        var sha256Hex = Convert.ToHexStringLower(SHA256.HashData(utf8));
        var text = Decode(utf8, fileName);
        var root = ManifestYaml.LoadRoot(text, fileName)
            ?? throw ManifestError.At(fileName, 1, 1, "manifest is empty; it needs 'version: 1' and 'files'");
        return ManifestReader.Read(root, new YamlScalars(fileName), sha256Hex);
    }

    public static Manifest Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ReadAllBytes(path), path);
    }

    // Every way the file can be unreadable becomes ErrorKind.Manifest. Only a regular file is read: a pipe
    // (-m /dev/stdin from a pipe, -m <(...)) or a FIFO is refused at once rather than read without a bound in time,
    // and a FIFO with no writer cannot hang the start.
    private static byte[] ReadAllBytes(string path)
    {
        try
        {
            return RegularFile.ReadAll(path, MaxBytes, "manifest");
        }
        catch (SecretAgentException ex) when (ex.Kind == ErrorKind.Integrity)
        {
            throw ManifestError.At(path, 1, 1, $"manifest is larger than {MaxBytes} bytes");
        }
        catch (SecretAgentException ex) when (ex.Kind == ErrorKind.NotFound)
        {
            // The inner NotFound lets the CLI edge add how to point at the manifest (Core names no flag).
            throw new SecretAgentException(ErrorKind.Manifest, ex.Message, inner: ex);
        }
        catch (SecretAgentException ex)
        {
            throw new SecretAgentException(ErrorKind.Manifest, ex.Message);
        }
    }

    private static string Decode(ReadOnlySpan<byte> utf8, string fileName)
    {
        var body = utf8.StartsWith(Encoding.UTF8.Preamble) ? utf8[Encoding.UTF8.Preamble.Length..] : utf8;
        var chars = new char[body.Length];
        var status = Utf8.ToUtf16(body, chars, out var bytesRead, out var charsWritten, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
        {
            var before = body[..bytesRead];
            var line = before.Count((byte)'\n') + 1;
            var column = bytesRead - before.LastIndexOf((byte)'\n');
            throw ManifestError.At(fileName, line, column, "manifest is not valid UTF-8");
        }

        return new string(chars, 0, charsWritten);
    }
}

/// <summary>Turns the manifest's root node into a validated <see cref="Manifest"/>.</summary>
internal static class ManifestReader
{
    public const int SupportedVersion = 1;

    public static Manifest Read(YamlNode root, YamlScalars scalars, string sha256Hex)
    {
        var top = YamlMapping.Read(root, scalars, "the manifest", ManifestKeys.TopLevel);
        var version = ReadVersion(top);
        var files = ReadFiles(top);
        CheckPaths(files, scalars);
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
        return sequence.Children.Select(item => ReadFile(item, top.Scalars)).ToList();
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

    // One entry of the files list.
    private static ManifestFile ReadFile(YamlNode node, YamlScalars scalars)
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
    private static ConfigName ReadName(YamlMapping entry)
    {
        var node = entry.Required(ManifestKeys.Name, "a files entry");
        return ConfigName.TryParse(entry.Scalars.Text(node, ManifestKeys.Name), out var name, out var problem)
            ? name
            : throw entry.Scalars.Error(node, $"config name {problem}");
    }

    private static RelativePath ReadPath(YamlMapping entry, ConfigName name)
    {
        if (entry.Get(ManifestKeys.Path) is not { } node)
        {
            return name.Path;
        }

        var path = entry.Scalars.Scalar(node, ManifestKeys.Path, "a string").Value ?? string.Empty;
        return RelativePath.TryParse(path, out var cleaned, out var problem)
            ? cleaned
            : throw entry.Scalars.Error(node, $"'path' {problem}");
    }

    private static FilePermissions ReadMode(YamlMapping entry)
    {
        if (entry.Get(ManifestKeys.Mode) is not { } node)
        {
            return FilePermissions.Default;
        }

        var text = entry.Scalars.Scalar(node, ManifestKeys.Mode, "an octal mode like \"0400\"").Value ?? string.Empty;
        return FilePermissions.TryParse(text, out var mode)
            ? mode
            : throw entry.Scalars.Error(node, "'mode' must be 3 or 4 octal digits no greater than 0777, like \"0400\"");
    }

    // Cross-entry checks: each config name once, each cleaned output path once, and no output path inside another
    // (a file "tls" and a file "tls/key.pem" cannot both exist).
    private static void CheckPaths(IReadOnlyList<ManifestFile> files, YamlScalars scalars)
    {
        var names = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        var paths = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!names.TryAdd(file.Name, file))
            {
                throw At(scalars, file, $"duplicate config name '{file.Name}' (first on line {names[file.Name].Line})");
            }

            if (!paths.TryAdd(file.Path, file))
            {
                var first = paths[file.Path];
                throw At(scalars, file, $"config '{file.Name}' has the same output path as '{first.Name}' (line {first.Line})");
            }
        }

        foreach (var file in files)
        {
            foreach (var directory in Ancestors(file.Path))
            {
                if (paths.TryGetValue(directory, out var outer))
                {
                    throw At(scalars, file, $"config '{file.Name}' has an output path inside the output path of '{outer.Name}' (line {outer.Line})");
                }
            }
        }
    }

    private static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }

    private static SecretAgentException At(YamlScalars scalars, ManifestFile file, string cause) =>
        ManifestError.At(scalars.FileName, file.Line, file.Column, cause);
}
