namespace SecretAgent.Core.Posix;

/// <summary>A failed libc call: the call's name and errno. The target layer rewraps it with the path it concerns.</summary>
internal sealed class FileSystemCallException : Exception
{
    public FileSystemCallException(string call, int errno)
        : base($"{call}: {FileSystemErrno.Describe(errno)}")
    {
        Call = call;
        Errno = errno;
    }

    public FileSystemCallException()
        : this("unknown", 0)
    {
    }

    public FileSystemCallException(string message)
        : base(message)
    {
        Call = "unknown";
    }

    public FileSystemCallException(string message, Exception inner)
        : base(message, inner)
    {
        Call = "unknown";
    }

    public string Call { get; }

    public int Errno { get; }

    /// <summary>The errno text without the call name, for user-facing messages.</summary>
    public string Reason => FileSystemErrno.Describe(Errno);
}
