namespace SecretAgent.Core.Errors;

/// <summary>The failure classes a user can act on; each maps to one exit code.</summary>
public enum ErrorKind
{
    Internal,
    Usage,
    Manifest,
    Integrity,

    /// <summary>The data key was made under another key than the pinned one (KMS IncorrectKey): exit 65, like Integrity.</summary>
    WrongKey,
    NotFound,
    Unavailable,
    Target,
    IoError,
    Conflict,
    AccessDenied,
    NoCredentials,
    KeyUnusable,
    CommandNotFound,
    NotExecutable,
    Cancelled,
}

public static class ErrorKindExtensions
{
    public static int ExitCode(this ErrorKind kind) => kind switch
    {
        ErrorKind.Usage => ExitCodes.Usage,
        ErrorKind.Manifest => ExitCodes.Manifest,
        ErrorKind.Integrity or ErrorKind.WrongKey => ExitCodes.Integrity,
        ErrorKind.NotFound => ExitCodes.NotFound,
        ErrorKind.Unavailable => ExitCodes.Unavailable,
        ErrorKind.Target => ExitCodes.Target,
        ErrorKind.IoError => ExitCodes.IoError,
        ErrorKind.Conflict => ExitCodes.Conflict,
        ErrorKind.AccessDenied or ErrorKind.NoCredentials or ErrorKind.KeyUnusable => ExitCodes.AccessDenied,
        ErrorKind.CommandNotFound => ExitCodes.CommandNotFound,
        ErrorKind.NotExecutable => ExitCodes.NotExecutable,
        ErrorKind.Cancelled => ExitCodes.ForSignal(Posix.LinuxAbi.SigTerm),
        _ => ExitCodes.Internal,
    };
}
