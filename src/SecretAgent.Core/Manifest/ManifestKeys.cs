namespace SecretAgent.Core.Manifest;

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
