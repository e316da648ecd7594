using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Target;

/// <summary>
/// What a publish will create: the files, the directories they need (parents first) with their modes, and the
/// top-level names. Each path and mode was checked once where it entered (<see cref="RelativePath"/>,
/// <see cref="FilePermissions"/>); what only the whole set can show (a path twice, a file that is also a directory) is
/// checked here.
/// </summary>
internal sealed class TargetPlan
{
    private const int OwnerOnlyDirectoryMode = 0x1C0; // 0700

    private TargetPlan(IReadOnlyList<MaterializedFile> files, IReadOnlyList<string> directories, IReadOnlyDictionary<string, int> directoryModes, IReadOnlyList<string> topLevelNames)
    {
        Files = files;
        Directories = directories;
        DirectoryModes = directoryModes;
        TopLevelNames = topLevelNames;
    }

    public IReadOnlyList<MaterializedFile> Files { get; }

    /// <summary>Relative directory paths, each after its parent.</summary>
    public IReadOnlyList<string> Directories { get; }

    /// <summary>Mode per directory path; "" is the staging directory itself.</summary>
    public IReadOnlyDictionary<string, int> DirectoryModes { get; }

    public IReadOnlyList<string> TopLevelNames { get; }

    public static TargetPlan Create(IReadOnlyList<MaterializedFile> files)
    {
        var filePaths = new HashSet<string>(StringComparer.Ordinal);
        var modes = new Dictionary<string, int>(StringComparer.Ordinal) { [string.Empty] = OwnerOnlyDirectoryMode };
        var directories = new List<string>();
        var topLevel = new List<string>();
        foreach (var file in files)
        {
            ArgumentNullException.ThrowIfNull(file);
            var segments = file.RelativePath.Segments();
            if (!filePaths.Add(file.RelativePath))
            {
                throw Invalid(file.RelativePath, "is listed twice");
            }

            if (!topLevel.Contains(segments[0]))
            {
                topLevel.Add(segments[0]);
            }

            AddParents(segments, file.Mode.Bits, modes, directories);
        }

        foreach (var directory in directories.Where(filePaths.Contains))
        {
            throw Invalid(directory, "is both a file and a directory");
        }

        return new TargetPlan(files, directories, modes, topLevel);
    }

    public static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..slash];
    }

    public static string NameOf(string path) => path[(path.LastIndexOf('/') + 1)..];

    // A directory is traversable by group or others exactly when some file below it is readable by them; otherwise a
    // 0440 file under a 0700 directory would not be readable by its group.
    private static void AddParents(string[] segments, int fileMode, Dictionary<string, int> modes, List<string> directories)
    {
        var readers = ReaderBits(fileMode);
        modes[string.Empty] |= readers;
        for (var depth = 1; depth < segments.Length; depth++)
        {
            var directory = string.Join('/', segments, 0, depth);
            if (!modes.TryGetValue(directory, out var mode))
            {
                directories.Add(directory);
                mode = OwnerOnlyDirectoryMode;
            }

            modes[directory] = mode | readers;
        }
    }

    private static int ReaderBits(int fileMode) =>
        ((fileMode & 0x20) != 0 ? 0x28 : 0) | ((fileMode & 0x4) != 0 ? 0x5 : 0); // g+r -> g+rx, o+r -> o+rx

    private static SecretAgentException Invalid(string path, string reason) =>
        new(ErrorKind.Manifest, $"output path '{path}' {reason}");
}
