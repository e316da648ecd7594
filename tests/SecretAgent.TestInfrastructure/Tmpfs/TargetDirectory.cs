using System.Diagnostics;
using SecretAgent.Core.Posix;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>A per-test directory on /dev/shm (tmpfs) or on disk, optionally with its own tmpfs mounted; removed on dispose.</summary>
internal sealed class TargetDirectory : IDisposable
{
    private const string SharedMemory = "/dev/shm";
    private static readonly string[] DiskCandidates = ["/tmp", "/var/tmp", "/work"];
    private bool _mounted;

    private TargetDirectory(string root)
    {
        Root = root;
        Directory.CreateDirectory(root);
        Path = System.IO.Path.Combine(root, "target");
        Directory.CreateDirectory(Path);
        Outside = System.IO.Path.Combine(root, "outside");
        Directory.CreateDirectory(Outside);
    }

    /// <summary>The target directory.</summary>
    public string Path { get; }

    /// <summary>A sibling directory standing in for anything outside the target.</summary>
    public string Outside { get; }

    private string Root { get; }

    public static TargetDirectory OnTmpfs()
    {
        Assert.True(IsTmpfs(SharedMemory), $"{SharedMemory} must be a tmpfs for these tests (check `stat -f {SharedMemory}`)");
        return new TargetDirectory(Unique(SharedMemory));
    }

    public static TargetDirectory OnDisk()
    {
        var parent = DiskCandidates.FirstOrDefault(p => Directory.Exists(p) && !IsTmpfs(p));
        Assert.True(parent is not null, "no disk-backed directory (/tmp, /var/tmp, /work) to test with");
        return new TargetDirectory(Unique(parent!));
    }

    /// <summary>A target that is its own tmpfs mount with <paramref name="options"/> (needs root).</summary>
    public static TargetDirectory MountedTmpfs(string options)
    {
        var directory = OnTmpfs();
        Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", directory.Path);
        directory._mounted = true;
        return directory;
    }

    /// <summary>Null where /dev/shm is a tmpfs; otherwise why the tests that publish there are skipped.</summary>
    public static string? SharedMemorySkipReason() =>
        Directory.Exists(SharedMemory) && IsTmpfs(SharedMemory)
            ? null
            : $"needs a tmpfs at {SharedMemory} (check `stat -f {SharedMemory}`)";

    public static bool IsTmpfs(string path)
    {
        using var directory = FileSystemDirectory.Open(path);
        return directory.Descriptor.FileSystemInfo().Type == LinuxAbi.TmpfsMagic;
    }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>The names directly in the target, dot-dot names included.</summary>
    public IReadOnlySet<string> Entries() =>
        Directory.EnumerateFileSystemEntries(Path).Select(p => System.IO.Path.GetFileName(p)).ToHashSet(StringComparer.Ordinal);

    public void AssertEntries(params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), Entries().Order(StringComparer.Ordinal));

    public string? LinkText(string name) => new FileInfo(Combine(name)).LinkTarget;

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", Path);
        }

        Directory.Delete(Root, recursive: true);
    }

    private static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"`{command} {string.Join(' ', arguments)}` failed ({process.ExitCode}): {error.Trim()}; these tests need root and permission to mount tmpfs");
    }

    private static string Unique(string parent) => System.IO.Path.Combine(parent, "sa-target-" + Guid.NewGuid().ToString("N"));
}
