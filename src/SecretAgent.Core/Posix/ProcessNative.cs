using System.Runtime.InteropServices;

namespace SecretAgent.Core.Posix;

/// <summary>
/// The libc calls the launcher needs that .NET does not expose: execve, signal disposition and mask, kill, prctl,
/// access, setsid, and the pipe by which a re-entered agent reports a failed execve. Linux (glibc and musl); the
/// errno, signal and flag values are in <see cref="LinuxAbi"/>.
/// </summary>
internal static unsafe partial class ProcessNative
{
    private const string Libc = "libc";

    private const int PR_SET_DUMPABLE = 4;
    private const int PR_GET_DUMPABLE = 3;

    // glibc's sigset_t is 1024 bits; musl's is 128 bytes too. The kernel only reads the first 8.
    private const int SigSetBytes = 128;

    [LibraryImport(Libc, EntryPoint = "execve", SetLastError = true)]
    public static partial int Execve(byte* path, byte** argv, byte** envp);

    [LibraryImport(Libc, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Libc, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    // fcntl is variadic; F_SETFD takes one int argument, passed in the same register as a fixed one on our ABIs.
    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "setsid", SetLastError = true)]
    public static partial int Setsid();

    [LibraryImport(Libc, EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Access(string path, int mode);

    // prctl is variadic; on the Linux ABIs we target, passing the unused arguments as zeros is well-defined.
    [LibraryImport(Libc, EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Libc, EntryPoint = "signal", SetLastError = true)]
    private static partial nint Signal(int signal, nint handler);

    [LibraryImport(Libc, EntryPoint = "pthread_sigmask")]
    private static partial int PthreadSigmask(int how, byte* set, byte* oldSet);

    /// <summary>Sets <paramref name="signal"/> to SIG_DFL; returns the previous handler (to restore on failure).</summary>
    public static nint ResetToDefault(int signal) => Signal(signal, 0);

    public static void RestoreHandler(int signal, nint handler) => Signal(signal, handler);

    /// <summary>Unblocks every signal on the calling thread; returns the previous mask.</summary>
    public static byte[] UnblockAllSignals()
    {
        var empty = stackalloc byte[SigSetBytes];
        new Span<byte>(empty, SigSetBytes).Clear();
        var previous = new byte[SigSetBytes];
        fixed (byte* old = previous)
        {
            _ = PthreadSigmask(LinuxAbi.SigSetMask, empty, old);
        }

        return previous;
    }

    public static void RestoreSignalMask(byte[] mask)
    {
        fixed (byte* set = mask)
        {
            _ = PthreadSigmask(LinuxAbi.SigSetMask, set, null);
        }
    }

    public static int SetDumpable(bool dumpable) => Prctl(PR_SET_DUMPABLE, dumpable ? 1u : 0u, 0, 0, 0);

    public static int GetDumpable() => Prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
}
