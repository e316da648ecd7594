using System.Runtime.InteropServices;

namespace SecretAgent.Core.Posix;

/// <summary>The errno values the target code branches on (Linux), and a one-line description for messages.</summary>
internal static class FileSystemErrno
{
    public const int EPerm = 1;
    public const int ENoEnt = 2;
    public const int EIntr = 4;
    public const int EIo = 5;
    public const int EBadF = 9;
    public const int EAgain = 11;
    public const int EAcces = 13;
    public const int EExist = 17;
    public const int ENotDir = 20;
    public const int EIsDir = 21;
    public const int EInval = 22;
    public const int ENoSpc = 28;
    public const int EPipe = 32;
    public const int ERofs = 30;
    public const int ENotEmpty = 39;
    public const int ELoop = 40;
    public const int EDQuot = 122;

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
        EPerm => "EPERM",
        ENoEnt => "ENOENT",
        EIntr => "EINTR",
        EIo => "EIO",
        EBadF => "EBADF",
        EAgain => "EAGAIN",
        EAcces => "EACCES",
        EExist => "EEXIST",
        ENotDir => "ENOTDIR",
        EIsDir => "EISDIR",
        EInval => "EINVAL",
        ENoSpc => "ENOSPC",
        EPipe => "EPIPE",
        ERofs => "EROFS",
        ENotEmpty => "ENOTEMPTY",
        ELoop => "ELOOP",
        EDQuot => "EDQUOT",
        _ => null,
    };
}
