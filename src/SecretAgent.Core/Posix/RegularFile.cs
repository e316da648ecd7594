using System.Security.Cryptography;
using SecretAgent.Core.Errors;
using static SecretAgent.Core.Posix.FileSystemNative;
using static SecretAgent.Core.Posix.LinuxAbi;

namespace SecretAgent.Core.Posix;

/// <summary>
/// Reads small input files (manifest, local key, local store records and bodies) safely: only a regular file, never
/// more than a bound. The open is non-blocking, so a FIFO with no writer cannot hang us (the open would otherwise wait
/// forever, deaf to the deadline and to SIGTERM); the opened descriptor is then fstat'ed, so a FIFO, device
/// (/dev/zero), socket or directory is refused before a single byte is read.
/// </summary>
public static class RegularFile
{
    /// <summary>
    /// The whole file, at most <paramref name="maxBytes"/> bytes. Failures are SecretAgentExceptions naming
    /// <paramref name="what"/> and the path: missing, unreadable or not a regular file is NotFound (66), permission
    /// denied AccessDenied (77), too large Integrity (65). Callers that need one kind for all of them (the manifest)
    /// map the kind themselves, so each failure keeps its own here.
    /// </summary>
    public static byte[] ReadAll(string path, long maxBytes, string what, bool followSymlink = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        using var fd = OpenRegular(path, what, followSymlink);
        return ReadBounded(fd, path, Math.Min(maxBytes, Array.MaxLength - 1), what);
    }

    /// <summary>What <paramref name="path"/> is if it exists and is not a regular file (following symlinks); else null.</summary>
    public static unsafe string? NonRegularType(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var buffer = stackalloc byte[LinuxAbi.Current.StatSize];
        if (path.Contains('\0', StringComparison.Ordinal) || FStatAt(AtFdCwd, path, buffer, 0) != 0)
        {
            return null;
        }

        var status = FileStatus.FromStat(buffer);
        return status.IsRegularFile ? null : status.TypeName;
    }

    private static unsafe FileDescriptor OpenRegular(string path, string what, bool followSymlink)
    {
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new SecretAgentException(ErrorKind.NotFound, $"{what} path '{path}' is not a valid path");
        }

        var flags = ORdOnly | ONonBlock | OCloExec | (followSymlink ? 0 : LinuxAbi.Current.ONoFollow);
        var raw = Open(path, flags, 0);
        if (raw < 0)
        {
            throw OpenFailed(FileSystemErrno.Last, path, what);
        }

        var fd = new FileDescriptor(raw);
        var buffer = stackalloc byte[LinuxAbi.Current.StatSize];
        if (FStat(fd.Value, buffer) != 0)
        {
            var errno = FileSystemErrno.Last;
            fd.Dispose();
            throw OpenFailed(errno, path, what);
        }

        var status = FileStatus.FromStat(buffer);
        if (!status.IsRegularFile)
        {
            fd.Dispose();
            throw new SecretAgentException(ErrorKind.NotFound, $"{what} {path} is {status.TypeName}, not a regular file");
        }

        return fd;
    }

    private static SecretAgentException OpenFailed(int errno, string path, string what) => errno switch
    {
        LinuxAbi.ENoEnt or LinuxAbi.ENotDir => new(ErrorKind.NotFound, $"{what} {path} not found"),
        LinuxAbi.EAcces or LinuxAbi.EPerm => new(ErrorKind.AccessDenied, $"{what} {path} is not readable (permission denied)"),
        LinuxAbi.ELoop => new(ErrorKind.NotFound, $"{what} {path} is a symlink, not a regular file"),
        _ => new(ErrorKind.NotFound, $"{what} {path} cannot be read ({FileSystemErrno.Describe(errno)})"),
    };

    // Reads until EOF but never past the bound plus one byte, so "too large" is detected without buffering it all
    // (the size fstat reports is only a hint: /proc files say 0, a growing file says less than it will hold).
    private static unsafe byte[] ReadBounded(FileDescriptor fd, string path, long maxBytes, string what)
    {
        var limit = checked((int)maxBytes + 1);
        var buffer = new byte[Math.Min(limit, 4096)];
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length == limit)
                    {
                        throw new SecretAgentException(ErrorKind.Integrity, $"{what} {path} is over the {maxBytes}-byte limit");
                    }

                    buffer = Grow(buffer, limit);
                }

                var n = ReadOnce(fd, buffer.AsSpan(total));
                if (n < 0)
                {
                    throw new SecretAgentException(ErrorKind.NotFound, $"{what} {path} cannot be read ({FileSystemErrno.Describe(-n)})");
                }

                if (n == 0)
                {
                    return buffer.AsSpan(0, total).ToArray();
                }

                total += n;
            }
        }
        finally
        {
            // The bytes may be a key or ciphertext; don't leave copies for the GC to scatter.
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int limit)
    {
        var larger = new byte[(int)Math.Min(limit, buffer.Length * 2L)];
        buffer.CopyTo(larger, 0);
        CryptographicOperations.ZeroMemory(buffer);
        return larger;
    }

    /// <summary>One read(2), retried on EINTR; the byte count, 0 at EOF, or minus errno.</summary>
    private static unsafe int ReadOnce(FileDescriptor fd, Span<byte> into)
    {
        fixed (byte* start = into)
        {
            while (true)
            {
                var n = Read(fd.Value, start, (nuint)into.Length);
                if (n >= 0)
                {
                    return checked((int)n);
                }

                var errno = FileSystemErrno.Last;
                if (errno != LinuxAbi.EIntr)
                {
                    return -errno;
                }
            }
        }
    }
}
