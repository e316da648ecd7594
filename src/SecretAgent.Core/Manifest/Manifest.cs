using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;
using YamlDotNet.Core;

namespace SecretAgent.Core.Manifest;

/// <summary>
/// A parsed and validated secret-agent.yaml. <paramref name="Source"/>, <paramref name="KmsKeyIds"/> and
/// <paramref name="Dir"/> are optional defaults that flags and environment variables override.
/// <paramref name="Sha256Hex"/> is the lowercase hex SHA-256 of the raw manifest bytes, recorded in receipts.
/// </summary>
public sealed record Manifest(
    int Version,
    IReadOnlyList<ManifestFile> Files,
    string? Source,
    IReadOnlyList<string>? KmsKeyIds,
    string? Dir,
    string Sha256Hex,
    string FileName);

/// <summary>
/// One config the app needs: <paramref name="Name"/> is what IT published (and the S3 key suffix),
/// <paramref name="Path"/> the cleaned relative path it lands at under the target directory. Both were checked
/// when the manifest was read, and travel as their types so nothing downstream checks them again.
/// <paramref name="Line"/> and <paramref name="Column"/> locate the entry in the manifest for later error messages.
/// </summary>
public sealed record ManifestFile(
    ConfigName Name,
    RelativePath Path,
    FilePermissions Mode,
    bool Optional,
    bool Env,
    long? MinGeneration,
    int Line,
    int Column);

/// <summary>The keys a manifest may hold; anything else is refused.</summary>
internal static class ManifestKeys
{
    public const string Version = "version";
    public const string Source = "source";
    public const string KmsKeyIds = "kmsKeyIds";
    public const string Dir = "dir";
    public const string Files = "files";

    public const string Name = "name";
    public const string Path = "path";
    public const string Mode = "mode";
    public const string Optional = "optional";
    public const string Env = "env";
    public const string MinGeneration = "minGeneration";

    public static readonly IReadOnlySet<string> TopLevel =
        new SortedSet<string>(StringComparer.Ordinal) { Version, Source, KmsKeyIds, Dir, Files };

    public static readonly IReadOnlySet<string> File =
        new SortedSet<string>(StringComparer.Ordinal) { Name, Path, Mode, Optional, Env, MinGeneration };
}

/// <summary>Builds the one error shape the manifest uses: "file:line:col: cause" (never a scalar value).</summary>
internal static class ManifestError
{
    public static SecretAgentException At(string fileName, Mark mark, string cause) =>
        At(fileName, mark.Line, mark.Column, cause);

    public static SecretAgentException At(string fileName, long line, long column, string cause) =>
        new(ErrorKind.Manifest, $"{fileName}:{line}:{column}: {cause}");
}
