using System.Runtime.InteropServices;
using static SecretAgent.Core.Posix.FileSystemNative;
using static SecretAgent.Core.Posix.LinuxAbi;

namespace SecretAgent.Core.Posix;

/// <summary>
/// A directory held open by descriptor. Every operation is relative to it and never follows a symlink in the last
/// component, so an entry swapped for a symlink cannot redirect a write outside (CVE-2017-1002101, CVE-2021-25741).
/// Names passed here are single path components.
/// </summary>
internal sealed class FileSystemDirectory : IDisposable
{
    private static int DirectoryFlags => ORdOnly | LinuxAbi.Current.ODirectory | LinuxAbi.Current.ONoFollow | OCloExec;

    private FileSystemDirectory(FileDescriptor fd) => Descriptor = fd;

    public FileDescriptor Descriptor { get; }

    private int Fd => Descriptor.Value;

    /// <summary>Opens <paramref name="path"/>; its last component must not be a symlink (ELOOP otherwise).</summary>
    public static FileSystemDirectory Open(string path) => new(Opened("open", FileSystemNative.Open(path, DirectoryFlags, 0)));

    public FileSystemDirectory OpenDirectory(string name) => new(Opened("openat", OpenAt(Fd, name, DirectoryFlags, 0)));

    public void CreateDirectory(string name, int mode) =>
        FileDescriptor.Check("mkdirat", MkDirAt(Fd, name, checked((uint)mode)));

    /// <summary>Creates a new file readable only by us; fails if anything, even a dangling symlink, has the name.</summary>
    public FileDescriptor CreateFile(string name) =>
        Opened("openat", OpenAt(Fd, name, OWrOnly | OCreat | OExcl | LinuxAbi.Current.ONoFollow | OCloExec, 0x180));

    public FileDescriptor OpenExistingForWrite(string name) =>
        Opened("openat", OpenAt(Fd, name, OWrOnly | LinuxAbi.Current.ONoFollow | OCloExec, 0));

    public FileDescriptor OpenExistingForRead(string name) =>
        Opened("openat", OpenAt(Fd, name, ORdOnly | LinuxAbi.Current.ONoFollow | OCloExec, 0));

    public FileDescriptor OpenOrCreateLockFile(string name) =>
        Opened("openat", OpenAt(Fd, name, ORdWr | OCreat | LinuxAbi.Current.ONoFollow | OCloExec, 0x180));

    public void CreateSymlink(string linkText, string name) =>
        FileDescriptor.Check("symlinkat", SymlinkAt(linkText, Fd, name));

    /// <summary>rename(2) within this directory: atomically replaces <paramref name="to"/> unless it is a directory.</summary>
    public void Rename(string from, string to) =>
        FileDescriptor.Check("renameat", RenameAt(Fd, from, Fd, to));

    public void DeleteFile(string name) => FileDescriptor.Check("unlinkat", UnlinkAt(Fd, name, 0));

    public void DeleteEmptyDirectory(string name) => FileDescriptor.Check("unlinkat", UnlinkAt(Fd, name, AtRemoveDir));

    /// <summary>Removes a non-directory entry; true if it was there.</summary>
    public bool DeleteFileIfExists(string name)
    {
        if (UnlinkAt(Fd, name, 0) == 0)
        {
            return true;
        }

        var errno = FileSystemErrno.Last;
        return errno == LinuxAbi.ENoEnt ? false : throw new FileSystemCallException("unlinkat", errno);
    }

    /// <summary>The entry's status without following a symlink; null if there is no such entry.</summary>
    public FileStatus? Status(string name) => StatusAt(Fd, name);

    /// <summary>lstat(2) of a path relative to the working directory; null if there is no such entry.</summary>
    public static FileStatus? PathStatus(string path) => StatusAt(AtFdCwd, path);

    private static unsafe FileStatus? StatusAt(int dirFd, string name)
    {
        var buffer = stackalloc byte[LinuxAbi.Current.StatSize];
        if (FStatAt(dirFd, name, buffer, AtSymlinkNoFollow) != 0)
        {
            var errno = FileSystemErrno.Last;
            return errno == LinuxAbi.ENoEnt ? null : throw new FileSystemCallException("fstatat", errno);
        }

        return FileStatus.FromStat(buffer);
    }

    /// <summary>The text of a symlink; null if the entry is missing or is not a symlink.</summary>
    public unsafe string? ReadLink(string name)
    {
        const int Capacity = 4096;
        var buffer = stackalloc byte[Capacity];
        var n = ReadLinkAt(Fd, name, buffer, Capacity);
        if (n < 0)
        {
            var errno = FileSystemErrno.Last;
            return errno is LinuxAbi.ENoEnt or LinuxAbi.EInval
                ? null
                : throw new FileSystemCallException("readlinkat", errno);
        }

        // A link text that fills the buffer may be truncated; none of ours is that long, so it is not ours.
        return n >= Capacity ? string.Empty : System.Text.Encoding.UTF8.GetString(buffer, checked((int)n));
    }

    /// <summary>The names in this directory, without "." and "..".</summary>
    public IReadOnlyList<string> List()
    {
        // fdopendir takes ownership of its descriptor, so give it a fresh one for the same directory.
        var fd = OpenAt(Fd, ".", DirectoryFlags, 0);
        if (fd < 0)
        {
            throw new FileSystemCallException("openat", FileSystemErrno.Last);
        }

        var dir = FdOpenDir(fd);
        if (dir == 0)
        {
            var errno = FileSystemErrno.Last;
            _ = Close(fd);
            throw new FileSystemCallException("fdopendir", errno);
        }

        try
        {
            return ReadNames(dir);
        }
        finally
        {
            _ = CloseDir(dir);
        }
    }

    public void Dispose() => Descriptor.Dispose();

    private static unsafe List<string> ReadNames(nint dir)
    {
        var names = new List<string>();
        while (true)
        {
            var entry = ReadDir(dir);
            if (entry == 0)
            {
                // readdir returns NULL both at the end and on error; only an error sets errno.
                var errno = FileSystemErrno.Last;
                return errno == 0 ? names : throw new FileSystemCallException("readdir", errno);
            }

            var name = Marshal.PtrToStringUTF8(entry + DirentNameOffset) ?? string.Empty;
            if (name is not ("." or ".." or ""))
            {
                names.Add(name);
            }
        }
    }

    private static FileDescriptor Opened(string call, int fd) =>
        fd >= 0 ? new FileDescriptor(fd) : throw new FileSystemCallException(call, FileSystemErrno.Last);
}
