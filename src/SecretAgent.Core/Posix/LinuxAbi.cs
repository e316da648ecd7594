using System.Runtime.InteropServices;

namespace SecretAgent.Core.Posix;

/// <summary>
/// The one table of Linux ABI numbers the agent passes to or reads from libc: signals, errno values, open/file flags
/// and the struct layouts that differ between architectures. Supported: linux-x64 and linux-arm64 (glibc and musl).
///
/// Sources (Linux kernel uapi headers):
/// <list type="bullet">
/// <item>Signals: arch/x86/include/uapi/asm/signal.h and include/uapi/asm-generic/signal.h (arm64 uses the generic
/// one); the numbers below are the same on both.</item>
/// <item>errno: include/uapi/asm-generic/errno-base.h and errno.h, which x86 and arm64 both use unchanged.</item>
/// <item>Open flags: include/uapi/asm-generic/fcntl.h; arm64 overrides O_DIRECTORY, O_NOFOLLOW, O_DIRECT and
/// O_LARGEFILE in arch/arm64/include/uapi/asm/fcntl.h. AT_* from include/uapi/linux/fcntl.h, LOCK_* from
/// asm-generic/fcntl.h: arch-independent.</item>
/// <item>struct stat: arch/x86/include/uapi/asm/stat.h (x86_64) and include/uapi/asm-generic/stat.h (arm64);
/// struct statfs and struct dirent have the same layout on both 64-bit ABIs.</item>
/// </list>
/// Values that are the same on every supported architecture are constants; the rest are in <see cref="Table"/>,
/// selected by <see cref="RuntimeInformation.ProcessArchitecture"/> through <see cref="Current"/>.
/// </summary>
public static class LinuxAbi
{
    // Signals.
    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigQuit = 3;
    public const int SigKill = 9;
    public const int SigUsr1 = 10;
    public const int SigUsr2 = 12;
    public const int SigPipe = 13;
    public const int SigAlrm = 14;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigTstp = 20;
    public const int SigTtin = 21;
    public const int SigTtou = 22;
    public const int SigXfsz = 25;
    public const int SigWinch = 28;
    public const int SigSetMask = 2;   // pthread_sigmask how: SIG_SETMASK

    /// <summary>The signals a user may name (notify, --on-change), by their name without "SIG".</summary>
    public static readonly IReadOnlyList<(string Name, int Number)> SignalNames =
    [
        ("HUP", SigHup), ("INT", SigInt), ("QUIT", SigQuit), ("KILL", SigKill), ("USR1", SigUsr1), ("USR2", SigUsr2),
        ("ALRM", SigAlrm), ("TERM", SigTerm), ("CONT", SigCont), ("WINCH", SigWinch),
    ];

    // errno.
    public const int EPerm = 1;
    public const int ENoEnt = 2;
    public const int ESrch = 3;
    public const int EIntr = 4;
    public const int EIo = 5;
    public const int ENoExec = 8;
    public const int EBadF = 9;
    public const int EAgain = 11;
    public const int EAcces = 13;
    public const int EExist = 17;
    public const int ENotDir = 20;
    public const int EIsDir = 21;
    public const int EInval = 22;
    public const int ENoSpc = 28;
    public const int ERofs = 30;
    public const int EPipe = 32;
    public const int ENameTooLong = 36;
    public const int ENotEmpty = 39;
    public const int ELoop = 40;
    public const int EDQuot = 122;

    // Open flags that are the same on x86_64 and arm64 (asm-generic/fcntl.h).
    public const int ORdOnly = 0;
    public const int OWrOnly = 0x1;
    public const int ORdWr = 0x2;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;

    // fcntl, access, *at and flock.
    public const int FSetFd = 2;
    public const int FdCloExec = 1;
    public const int XOk = 1;
    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtRemoveDir = 0x200;
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;
    public const int LockUnlock = 8;

    // statfs: f_type of tmpfs and ramfs (include/uapi/linux/magic.h) and ST_RDONLY in f_flags.
    public const long TmpfsMagic = 0x01021994;
    public const long RamfsMagic = 0x858458f6;
    public const long StRdOnly = 1;

    // struct statfs (f_type at 0, f_flags at 80; 120 bytes) and struct dirent (d_name at 19): same on both.
    public const int StatfsSize = 120;
    public const int StatfsTypeOffset = 0;
    public const int StatfsFlagsOffset = 80;
    public const int DirentNameOffset = 19;

    /// <summary>linux-x64: arch/x86/include/uapi/asm/stat.h, asm-generic/fcntl.h.</summary>
    public static readonly Table X64 = new(
        ODirectory: 0x10000, ONoFollow: 0x20000, ODirect: 0x4000, OLargeFile: 0x8000,
        StatSize: 144, StatModeOffset: 24, StatUidOffset: 28, StatGidOffset: 32, StatSizeOffset: 48);

    /// <summary>linux-arm64: arch/arm64/include/uapi/asm/fcntl.h, asm-generic/stat.h.</summary>
    public static readonly Table Arm64 = new(
        ODirectory: 0x4000, ONoFollow: 0x8000, ODirect: 0x10000, OLargeFile: 0x20000,
        StatSize: 128, StatModeOffset: 16, StatUidOffset: 24, StatGidOffset: 28, StatSizeOffset: 48);

    /// <summary>
    /// A signal by name as a user writes it: <c>HUP</c>, <c>SIGHUP</c> or <c>hup</c>. Numbers are not accepted: the
    /// names are the same on every supported architecture, numbers are a trap on others.
    /// </summary>
    public static bool TryParseSignal(string? text, out int signal)
    {
        var name = text?.Trim() ?? string.Empty;
        if (name.StartsWith("SIG", StringComparison.OrdinalIgnoreCase))
        {
            name = name[3..];
        }

        foreach (var (known, number) in SignalNames)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                signal = number;
                return true;
            }
        }

        signal = 0;
        return false;
    }

    /// <summary>"HUP" for 1; the number itself for a signal not in <see cref="SignalNames"/>.</summary>
    public static string SignalName(int signal)
    {
        foreach (var (name, number) in SignalNames)
        {
            if (number == signal)
            {
                return name;
            }
        }

        return signal.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>"HUP, INT, ..." for usage errors.</summary>
    public static string SignalList => string.Join(", ", SignalNames.Select(s => s.Name));

    /// <summary>The table for the running process; throws <see cref="PlatformNotSupportedException"/> off x64/arm64.</summary>
    public static Table Current => For(RuntimeInformation.ProcessArchitecture);

    public static Table For(Architecture architecture) => Find(architecture) ?? throw new PlatformNotSupportedException(
        $"secret-agent supports Linux on x64 and arm64 only; this process runs on {architecture}");

    /// <summary>Whether there is a table for <paramref name="architecture"/> (the target's platform guard).</summary>
    public static bool Supports(Architecture architecture) => Find(architecture) is not null;

    // The one selection point: one table per architecture.
    private static Table? Find(Architecture architecture) => architecture switch
    {
        Architecture.X64 => X64,
        Architecture.Arm64 => Arm64,
        _ => null,
    };

    /// <summary>The values that differ by architecture.</summary>
    public sealed record Table(
        int ODirectory,
        int ONoFollow,
        int ODirect,
        int OLargeFile,
        int StatSize,
        int StatModeOffset,
        int StatUidOffset,
        int StatGidOffset,
        int StatSizeOffset);
}
