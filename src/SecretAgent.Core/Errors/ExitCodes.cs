namespace SecretAgent.Core.Errors;

/// <summary>
/// Process exit codes, documented in docs/exit-codes.md. Values follow BSD sysexits so that shells and
/// orchestrators can tell classes apart; 126/127 and 128+n keep their shell meanings.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Internal = 70;          // EX_SOFTWARE: a bug; please report
    public const int Usage = 64;             // EX_USAGE: bad command line or settings
    public const int Integrity = 65;         // EX_DATAERR: tampered, malformed, wrong context, rollback
    public const int NotFound = 66;          // EX_NOINPUT: config or input file missing
    public const int Unavailable = 69;       // EX_UNAVAILABLE: S3/KMS unreachable, deadline passed
    public const int Target = 73;            // EX_CANTCREAT: target not memory-backed, read-only, full, locked
    public const int IoError = 74;           // EX_IOERR: standard output closed, full or gone (EBADF, ENOSPC, EPIPE)
    public const int Conflict = 75;          // EX_TEMPFAIL: lost a concurrent publish; retry
    public const int AccessDenied = 77;      // EX_NOPERM: credentials missing or refused, key not allowed
    public const int Manifest = 78;          // EX_CONFIG: manifest invalid
    public const int NotExecutable = 126;
    public const int CommandNotFound = 127;

    /// <summary>
    /// <c>secret-agent health</c>: the set is incomplete or stale. Docker defines 1 as unhealthy (and reserves 2); ECS and
    /// Kubernetes take any non-zero status, so one code serves every probe.
    /// </summary>
    public const int Unhealthy = 1;

    private const int SignalBase = 128;

    /// <summary>The status of a process killed by <paramref name="signal"/>, as shells report it: 128 + n.</summary>
    public static int ForSignal(int signal) => SignalBase + signal;
}
