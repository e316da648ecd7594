using System.Runtime.InteropServices;

namespace SecretAgent.Core.Posix;

/// <summary>
/// The libc calls that change the process's user and groups (run --user). glibc applies setuid and setgid to every
/// thread of the process (its setxid broadcast), which the multi-threaded runtime needs.
/// </summary>
internal static unsafe partial class CredentialsNative
{
    private const string Libc = "libc";

    [LibraryImport(Libc, EntryPoint = "setgroups", SetLastError = true)]
    public static partial int SetGroups(nuint size, uint* list);

    [LibraryImport(Libc, EntryPoint = "setgid", SetLastError = true)]
    public static partial int SetGid(uint gid);

    [LibraryImport(Libc, EntryPoint = "setuid", SetLastError = true)]
    public static partial int SetUid(uint uid);

    [LibraryImport(Libc, EntryPoint = "getuid")]
    public static partial uint GetUid();

    [LibraryImport(Libc, EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport(Libc, EntryPoint = "getgid")]
    public static partial uint GetGid();

    [LibraryImport(Libc, EntryPoint = "getegid")]
    public static partial uint GetEgid();

    [LibraryImport(Libc, EntryPoint = "getgroups", SetLastError = true)]
    public static partial int GetGroups(int size, uint* list);
}
