using System.Runtime.InteropServices;

namespace SecretAgent.Core.Posix;

/// <summary>An owned POSIX file descriptor; a SafeHandle so a leaked descriptor is still closed.</summary>
internal sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor(int fd)
        : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle == new IntPtr(-1);

    public int Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return checked((int)handle);
        }
    }

    /// <summary>Writes every byte, looping on partial writes and EINTR.</summary>
    public unsafe void WriteAll(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            var written = 0;
            while (written < bytes.Length)
            {
                var n = FileSystemNative.Write(Value, start + written, (nuint)(bytes.Length - written));
                if (n < 0)
                {
                    var errno = FileSystemErrno.Last;
                    if (errno == LinuxAbi.EIntr)
                    {
                        continue;
                    }

                    throw new FileSystemCallException("write", errno);
                }

                // write(2) returning 0 for a non-empty buffer would loop forever; report it as an I/O error.
                if (n == 0)
                {
                    throw new FileSystemCallException("write", LinuxAbi.EIo);
                }

                written += checked((int)n);
            }
        }
    }

    public void ChangeMode(int mode) => Check("fchmod", FileSystemNative.FChmod(Value, checked((uint)mode)));

    public void ChangeOwner(int uid, int gid) => Check("fchown", FileSystemNative.FChown(Value, uid, gid));

    /// <summary>Takes an exclusive flock without blocking; false when another open file description holds it.</summary>
    public bool TryLockExclusive()
    {
        while (FileSystemNative.Flock(Value, LinuxAbi.LockExclusive | LinuxAbi.LockNonBlocking) != 0)
        {
            var errno = FileSystemErrno.Last;
            if (errno == LinuxAbi.EAgain)
            {
                return false;
            }

            if (errno != LinuxAbi.EIntr)
            {
                throw new FileSystemCallException("flock", errno);
            }
        }

        return true;
    }

    /// <summary>Reads f_type and f_flags from fstatfs.</summary>
    public unsafe (long Type, long Flags) FileSystemInfo()
    {
        var buffer = stackalloc byte[LinuxAbi.StatfsSize];
        Check("fstatfs", FileSystemNative.FStatFs(Value, buffer));
        return (*(long*)(buffer + LinuxAbi.StatfsTypeOffset), *(long*)(buffer + LinuxAbi.StatfsFlagsOffset));
    }

    protected override bool ReleaseHandle() => FileSystemNative.Close(checked((int)handle)) == 0;

    internal static void Check(string call, int result)
    {
        if (result != 0)
        {
            throw new FileSystemCallException(call, FileSystemErrno.Last);
        }
    }
}
