using System.Runtime.InteropServices;

namespace SecretAgent.Core.Posix;

/// <summary>The last errno and a one-line description for messages; the values are in <see cref="LinuxAbi"/>.</summary>
internal static class FileSystemErrno
{
    /// <summary>The errno of the last failed call made through <see cref="FileSystemNative"/>.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>"No space left on device (ENOSPC)": the libc text plus the symbolic name when we know it.</summary>
    public static string Describe(int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        var name = Name(errno);
        return name is null ? $"{text} (errno {errno})" : $"{text} ({name})";
    }

    private static string? Name(int errno) => errno switch
    {
        LinuxAbi.EPerm => "EPERM",
        LinuxAbi.ENoEnt => "ENOENT",
        LinuxAbi.EIntr => "EINTR",
        LinuxAbi.EIo => "EIO",
        LinuxAbi.EBadF => "EBADF",
        LinuxAbi.EAgain => "EAGAIN",
        LinuxAbi.EAcces => "EACCES",
        LinuxAbi.EExist => "EEXIST",
        LinuxAbi.ENotDir => "ENOTDIR",
        LinuxAbi.EIsDir => "EISDIR",
        LinuxAbi.EInval => "EINVAL",
        LinuxAbi.ENoSpc => "ENOSPC",
        LinuxAbi.EPipe => "EPIPE",
        LinuxAbi.ERofs => "EROFS",
        LinuxAbi.ENotEmpty => "ENOTEMPTY",
        LinuxAbi.ELoop => "ELOOP",
        LinuxAbi.EDQuot => "EDQUOT",
        _ => null,
    };
}
