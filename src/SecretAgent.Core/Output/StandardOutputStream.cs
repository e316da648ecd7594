using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Output;

/// <summary>
/// Standard output through write(2), so that a closed, full or broken stdout is one clear error (EX_IOERR, 74)
/// instead of an unexpected IOException (70), or, for a broken pipe, silence: .NET's console stream drops EPIPE,
/// which would let `get NAME | consumer` report success when the consumer never received the config.
/// </summary>
public sealed class StandardOutputStream : Stream
{
    private const int Fd = 1;

    /// <summary>Points Console.Out at standard output through this stream (UTF-8, no BOM, flushed on every write).</summary>
    public static void Install() =>
        Console.SetOut(new StreamWriter(new StandardOutputStream(), new UTF8Encoding(false), 4096, leaveOpen: true) { AutoFlush = true });

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        // fd 1 is borrowed, never owned: the descriptor object must not close it.
        var fd = new FileDescriptor(Fd);
        try
        {
            fd.WriteAll(buffer);
        }
        catch (FileSystemCallException ex)
        {
            throw new SecretAgentException(ErrorKind.IoError, $"cannot write to standard output: {ex.Reason}");
        }
        finally
        {
            fd.SetHandleAsInvalid();
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
