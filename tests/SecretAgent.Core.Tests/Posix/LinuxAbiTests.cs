using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Tests.Posix;

[Trait("Category", "Unit")]
public sealed partial class LinuxAbiTests
{
    private const string GenericFcntl = "/usr/include/asm-generic/fcntl.h";
    private const string GenericErrnoBase = "/usr/include/asm-generic/errno-base.h";
    private const string GenericErrno = "/usr/include/asm-generic/errno.h";
    private const string X64Signal = "/usr/include/x86_64-linux-gnu/asm/signal.h";
    private const string GenericSignalDefs = "/usr/include/asm-generic/signal-defs.h";

    [Fact]
    public void X64_HoldsTheX64Values()
    {
        var abi = LinuxAbi.X64;
        Assert.Equal(0x10000, abi.ODirectory);
        Assert.Equal(0x20000, abi.ONoFollow);
        Assert.Equal(0x4000, abi.ODirect);
        Assert.Equal(0x8000, abi.OLargeFile);
        Assert.Equal(144, abi.StatSize);
        Assert.Equal((24, 28, 32, 48), (abi.StatModeOffset, abi.StatUidOffset, abi.StatGidOffset, abi.StatSizeOffset));
    }

    [Fact]
    public void Arm64_HoldsTheArm64Values()
    {
        var abi = LinuxAbi.Arm64;
        Assert.Equal(0x4000, abi.ODirectory);
        Assert.Equal(0x8000, abi.ONoFollow);
        Assert.Equal(0x10000, abi.ODirect);
        Assert.Equal(0x20000, abi.OLargeFile);
        Assert.Equal(128, abi.StatSize);
        Assert.Equal((16, 24, 28, 48), (abi.StatModeOffset, abi.StatUidOffset, abi.StatGidOffset, abi.StatSizeOffset));
    }

    [Fact]
    public void CommonConstants_AreTheLinuxValues()
    {
        Assert.Equal((0, 0x1, 0x2, 0x40, 0x80, 0x800, 0x80000), (LinuxAbi.ORdOnly, LinuxAbi.OWrOnly, LinuxAbi.ORdWr, LinuxAbi.OCreat, LinuxAbi.OExcl, LinuxAbi.ONonBlock, LinuxAbi.OCloExec));
        Assert.Equal((1, 2, 3, 13, 15, 18, 25, 28), (LinuxAbi.SigHup, LinuxAbi.SigInt, LinuxAbi.SigQuit, LinuxAbi.SigPipe, LinuxAbi.SigTerm, LinuxAbi.SigCont, LinuxAbi.SigXfsz, LinuxAbi.SigWinch));
        Assert.Equal((1, 2, 4, 8, 13, 20, 28, 40, 122), (LinuxAbi.EPerm, LinuxAbi.ENoEnt, LinuxAbi.EIntr, LinuxAbi.ENoExec, LinuxAbi.EAcces, LinuxAbi.ENotDir, LinuxAbi.ENoSpc, LinuxAbi.ELoop, LinuxAbi.EDQuot));
    }

    [Fact]
    public void For_SelectsByArchitecture_AndRefusesOthers()
    {
        Assert.Same(LinuxAbi.X64, LinuxAbi.For(Architecture.X64));
        Assert.Same(LinuxAbi.Arm64, LinuxAbi.For(Architecture.Arm64));
        var error = Assert.Throws<PlatformNotSupportedException>(() => LinuxAbi.For(Architecture.Arm));
        Assert.Contains("x64 and arm64", error.Message, StringComparison.Ordinal);
        Assert.Same(LinuxAbi.For(RuntimeInformation.ProcessArchitecture), LinuxAbi.Current);
    }

    /// <summary>Cross-checks against the kernel uapi headers when this machine has them (x86_64 with linux-libc-dev).</summary>
    [Fact]
    public void X64_MatchesTheKernelHeaders_WhenInstalled()
    {
        if (!File.Exists(GenericFcntl) || !File.Exists(GenericErrnoBase) || !File.Exists(GenericErrno) || !File.Exists(X64Signal) || !File.Exists(GenericSignalDefs))
        {
            return;
        }

        // x86_64's asm/fcntl.h is asm-generic/fcntl.h unchanged.
        var fcntl = Defines(GenericFcntl);
        Assert.Equal(LinuxAbi.X64.ODirectory, fcntl["O_DIRECTORY"]);
        Assert.Equal(LinuxAbi.X64.ONoFollow, fcntl["O_NOFOLLOW"]);
        Assert.Equal(LinuxAbi.X64.ODirect, fcntl["O_DIRECT"]);
        Assert.Equal(LinuxAbi.X64.OLargeFile, fcntl["O_LARGEFILE"]);
        Assert.Equal(LinuxAbi.OWrOnly, fcntl["O_WRONLY"]);
        Assert.Equal(LinuxAbi.ORdWr, fcntl["O_RDWR"]);
        Assert.Equal(LinuxAbi.OCreat, fcntl["O_CREAT"]);
        Assert.Equal(LinuxAbi.OExcl, fcntl["O_EXCL"]);
        Assert.Equal(LinuxAbi.ONonBlock, fcntl["O_NONBLOCK"]);
        Assert.Equal(LinuxAbi.OCloExec, fcntl["O_CLOEXEC"]);
        Assert.Equal(LinuxAbi.LockExclusive, fcntl["LOCK_EX"]);
        Assert.Equal(LinuxAbi.LockNonBlocking, fcntl["LOCK_NB"]);
        Assert.Equal(LinuxAbi.LockUnlock, fcntl["LOCK_UN"]);

        var errno = Defines(GenericErrnoBase).Concat(Defines(GenericErrno)).ToDictionary();
        Assert.Equal(LinuxAbi.ENoEnt, errno["ENOENT"]);
        Assert.Equal(LinuxAbi.ESrch, errno["ESRCH"]);
        Assert.Equal(LinuxAbi.EIntr, errno["EINTR"]);
        Assert.Equal(LinuxAbi.ENoExec, errno["ENOEXEC"]);
        Assert.Equal(LinuxAbi.EAgain, errno["EAGAIN"]);
        Assert.Equal(LinuxAbi.EExist, errno["EEXIST"]);
        Assert.Equal(LinuxAbi.ERofs, errno["EROFS"]);
        Assert.Equal(LinuxAbi.EPipe, errno["EPIPE"]);
        Assert.Equal(LinuxAbi.ENameTooLong, errno["ENAMETOOLONG"]);
        Assert.Equal(LinuxAbi.ENotEmpty, errno["ENOTEMPTY"]);
        Assert.Equal(LinuxAbi.ELoop, errno["ELOOP"]);
        Assert.Equal(LinuxAbi.EDQuot, errno["EDQUOT"]);

        var signal = Defines(X64Signal);
        Assert.Equal(LinuxAbi.SigHup, signal["SIGHUP"]);
        Assert.Equal(LinuxAbi.SigUsr1, signal["SIGUSR1"]);
        Assert.Equal(LinuxAbi.SigUsr2, signal["SIGUSR2"]);
        Assert.Equal(LinuxAbi.SigPipe, signal["SIGPIPE"]);
        Assert.Equal(LinuxAbi.SigAlrm, signal["SIGALRM"]);
        Assert.Equal(LinuxAbi.SigTerm, signal["SIGTERM"]);
        Assert.Equal(LinuxAbi.SigCont, signal["SIGCONT"]);
        Assert.Equal(LinuxAbi.SigTstp, signal["SIGTSTP"]);
        Assert.Equal(LinuxAbi.SigTtin, signal["SIGTTIN"]);
        Assert.Equal(LinuxAbi.SigTtou, signal["SIGTTOU"]);
        Assert.Equal(LinuxAbi.SigXfsz, signal["SIGXFSZ"]);
        Assert.Equal(LinuxAbi.SigWinch, signal["SIGWINCH"]);
        Assert.Equal(LinuxAbi.SigSetMask, Defines(GenericSignalDefs)["SIG_SETMASK"]);
    }

    /// <summary>The first numeric #define of each name (octal when it has a leading 0, as the kernel writes flags).</summary>
    private static Dictionary<string, int> Defines(string header)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var match in DefineLine().Matches(File.ReadAllText(header)).Cast<Match>())
        {
            var text = match.Groups["value"].Value;
            var value = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? int.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : text.Length > 1 && text[0] == '0' ? Convert.ToInt32(text, 8) : int.Parse(text, CultureInfo.InvariantCulture);
            values.TryAdd(match.Groups["name"].Value, value);
        }

        return values;
    }

    [GeneratedRegex(@"^#define\s+(?<name>[A-Z_][A-Z0-9_]*)\s+(?<value>0[xX][0-9a-fA-F]+|[0-9]+)\b", RegexOptions.Multiline)]
    private static partial Regex DefineLine();
}
