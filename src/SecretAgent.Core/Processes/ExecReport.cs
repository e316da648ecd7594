using System.Globalization;
using System.Runtime.InteropServices;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>
/// How the re-entered agent of process-group mode tells the supervisor whether its execve worked (the trick
/// posix_spawn and System.Diagnostics.Process use): a pipe whose write end the child holds close-on-exec. A
/// successful exec closes it with nothing written; a failed one writes the errno. Only then does the supervisor know
/// that the app runs, or that it never did and the delivered files must go (defect 6: a 126/127 from the child
/// would otherwise be indistinguishable from the app's own exit status).
/// </summary>
internal sealed unsafe class ExecReport : IDisposable
{
    private int readEnd;
    private int writeEnd;

    private ExecReport(int readEnd, int writeEnd)
    {
        this.readEnd = readEnd;
        this.writeEnd = writeEnd;
    }

    /// <summary>The descriptor number the child inherits, passed to it on its command line.</summary>
    public string ChildDescriptor => writeEnd.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A pipe whose write end (only) a child started next will inherit. Without one (out of descriptors) the app
    /// cannot be started, which is reported like any other failure to start it.
    /// </summary>
    public static ExecReport Create(string command)
    {
        var fds = stackalloc int[2];
        if (ProcessNative.Pipe2(fds, LinuxAbi.OCloExec) != 0)
        {
            throw ExecFailure.FromErrno(command, Marshal.GetLastPInvokeError());
        }

        // The supervisor starts one child at a time, so no other child can inherit the write end meanwhile.
        _ = ProcessNative.Fcntl(fds[1], LinuxAbi.FSetFd, 0);
        return new ExecReport(fds[0], fds[1]);
    }

    /// <summary>
    /// After the child started: drops the parent's write end and blocks until the child's exec succeeded (null) or
    /// failed (its errno). A child that died before either counts as started: its status is mirrored as usual.
    /// </summary>
    public int? WaitForExec()
    {
        CloseWriteEnd();
        Span<byte> errno = stackalloc byte[sizeof(int)];
        var total = 0;
        fixed (byte* buffer = errno)
        {
            while (total < errno.Length)
            {
                var n = ProcessNative.Read(readEnd, buffer + total, (nuint)(errno.Length - total));
                if (n < 0 && Marshal.GetLastPInvokeError() == LinuxAbi.EIntr)
                {
                    continue;
                }

                if (n <= 0)
                {
                    break;
                }

                total += (int)n;
            }
        }

        return total == errno.Length ? BitConverter.ToInt32(errno) : null;
    }

    /// <summary>In the child: keep the descriptor away from the app it execs.</summary>
    public static int Adopt(string descriptor)
    {
        var fd = int.Parse(descriptor, NumberStyles.None, CultureInfo.InvariantCulture);
        _ = ProcessNative.Fcntl(fd, LinuxAbi.FSetFd, LinuxAbi.FdCloExec);
        return fd;
    }

    /// <summary>In the child, after execve failed: tell the supervisor why.</summary>
    public static void Report(int fd, int errno)
    {
        var bytes = BitConverter.GetBytes(errno);
        fixed (byte* buffer = bytes)
        {
            _ = ProcessNative.Write(fd, buffer, (nuint)bytes.Length);
        }
    }

    public void Dispose()
    {
        CloseWriteEnd();
        if (readEnd >= 0)
        {
            _ = ProcessNative.Close(readEnd);
            readEnd = -1;
        }
    }

    private void CloseWriteEnd()
    {
        if (writeEnd >= 0)
        {
            _ = ProcessNative.Close(writeEnd);
            writeEnd = -1;
        }
    }
}
