using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Target;

/// <summary>A staging write failed: which relative path, and the libc call that failed.</summary>
internal sealed class StagingFailure : Exception
{
    public StagingFailure(string relativePath, FileSystemCallException cause)
        : base($"'{relativePath}': {cause.Message}", cause)
    {
        RelativePath = relativePath;
        Cause = cause;
    }

    public StagingFailure()
        : this("", new FileSystemCallException())
    {
    }

    public StagingFailure(string message)
        : this(message, new FileSystemCallException())
    {
    }

    public StagingFailure(string message, Exception inner)
        : base(message, inner)
    {
        RelativePath = string.Empty;
        Cause = inner as FileSystemCallException ?? new FileSystemCallException();
    }

    public string RelativePath { get; }

    public FileSystemCallException Cause { get; }
}
