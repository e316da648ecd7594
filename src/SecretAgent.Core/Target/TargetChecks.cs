using System.Runtime.InteropServices;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Target;

/// <summary>The checks made when a target is opened, before anything is fetched (faults 25, 26, 37, 39).</summary>
internal static class TargetChecks
{
    /// <summary>Opens an existing directory that is not itself a symlink; never creates it.</summary>
    public static FileSystemDirectory OpenDirectory(string path)
    {
        // The open flags and struct offsets differ by architecture (on arm64 x86_64's O_NOFOLLOW is O_LARGEFILE, and
        // a wrong flag would silently follow planted symlinks): only where LinuxAbi has a table, nowhere else.
        if (!OperatingSystem.IsLinux() || !LinuxAbi.Supports(RuntimeInformation.ProcessArchitecture))
        {
            throw TargetErrors.Unsupported(RuntimeInformation.RuntimeIdentifier);
        }

        // "/run/secrets/" names the same directory, but with the trailing slash lstat and O_NOFOLLOW resolve a
        // symlink at the last component instead of reporting it: check and open the path without it.
        var entry = path.TrimEnd('/');
        if (entry.Length == 0)
        {
            entry = "/";
        }

        FileStatus? status;
        try
        {
            status = FileSystemDirectory.PathStatus(entry);
        }
        catch (FileSystemCallException e)
        {
            throw TargetErrors.CannotOpen(path, e);
        }

        if (status is null)
        {
            throw TargetErrors.Missing(path);
        }

        if (status.Value.IsSymlink)
        {
            throw TargetErrors.IsSymlink(path);
        }

        if (!status.Value.IsDirectory)
        {
            throw TargetErrors.NotDirectory(path);
        }

        try
        {
            // O_NOFOLLOW closes the race where the directory is swapped for a symlink after the check above.
            return FileSystemDirectory.Open(entry);
        }
        catch (FileSystemCallException e) when (e.Errno is LinuxAbi.ELoop or LinuxAbi.ENotDir)
        {
            throw TargetErrors.IsSymlink(path);
        }
        catch (FileSystemCallException e)
        {
            throw TargetErrors.CannotOpen(path, e);
        }
    }

    /// <summary>True on tmpfs or ramfs; otherwise refuses unless the caller allows a disk.</summary>
    public static bool CheckMemoryBacked(FileSystemDirectory root, string path, bool allowDisk, string? allowDiskHow = null)
    {
        var (type, _) = Statfs(root, path);
        var memoryBacked = type is LinuxAbi.TmpfsMagic or LinuxAbi.RamfsMagic;
        return memoryBacked || allowDisk ? memoryBacked : throw TargetErrors.NotMemoryBacked(path, type, allowDiskHow);
    }

    /// <summary>Refuses a read-only or unwritable target: the mount flag first, then a real mkdir probe.</summary>
    public static void CheckWritable(FileSystemDirectory root, string path)
    {
        if ((Statfs(root, path).Flags & LinuxAbi.StRdOnly) != 0)
        {
            throw TargetErrors.ReadOnly(path);
        }

        var probe = TargetLayout.NewProbeName();
        try
        {
            root.CreateDirectory(probe, 0x1C0);
            root.DeleteEmptyDirectory(probe);
        }
        catch (FileSystemCallException e) when (e.Errno == LinuxAbi.ERofs)
        {
            throw TargetErrors.ReadOnly(path);
        }
        catch (FileSystemCallException e)
        {
            throw TargetErrors.NotWritable(path, e);
        }
    }

    /// <summary>Takes the target's flock; a second agent (or a second Open in this process) fails fast.</summary>
    public static FileDescriptor Lock(FileSystemDirectory root, string path)
    {
        FileDescriptor? fd = null;
        try
        {
            fd = root.OpenOrCreateLockFile(TargetLayout.Lock);
            if (!fd.TryLockExclusive())
            {
                throw TargetErrors.Locked(path);
            }

            var locked = fd;
            fd = null;
            return locked;
        }
        catch (FileSystemCallException e)
        {
            throw TargetErrors.NotWritable(path, e);
        }
        finally
        {
            fd?.Dispose();
        }
    }

    private static (long Type, long Flags) Statfs(FileSystemDirectory root, string path)
    {
        try
        {
            return root.Descriptor.FileSystemInfo();
        }
        catch (FileSystemCallException e)
        {
            throw TargetErrors.CannotOpen(path, e);
        }
    }
}
