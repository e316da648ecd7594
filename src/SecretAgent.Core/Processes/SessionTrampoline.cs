using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>
/// Process-group mode needs the app to call setsid() between fork and exec, and run --user needs setgroups, setgid
/// and setuid there, which System.Diagnostics.Process cannot do (it takes user names, not ids). So the supervisor
/// starts the agent binary itself with <see cref="Verb"/>; that short-lived process makes the app the leader of a
/// new session and process group and/or drops to the app's user, then execs the app (same pid).
/// The agent's Main must hand such an invocation to <see cref="Run"/> before parsing anything else.
/// </summary>
public static class SessionTrampoline
{
    /// <summary>
    /// Hidden first argument: <c>secret-agent __exec-new-session REPORT-FD MODE PATH COMMAND [ARGS...]</c>, MODE being
    /// "session", "user=UID:GID:G1,G2", or both joined by ';'.
    /// </summary>
    public const string Verb = "__exec-new-session";

    private const string SessionMode = "session";
    private const string UserMode = "user=";

    public static bool IsRequested(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Count >= 5 && args[0] == Verb;
    }

    /// <summary>
    /// Starts a new session and/or drops to the app's user, then execs the already resolved PATH (argv[0] COMMAND)
    /// with <paramref name="environment"/>. Returns only when execve failed, after reporting its errno to the
    /// supervisor, which prints the one error line and removes the delivered files; the exit code is then the
    /// shell's, for completeness. A failed drop throws (AccessDenied: one line, exit 77, no app).
    /// </summary>
    public static int Run(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);

        var report = ExecReport.Adopt(args[1]);
        var modes = args[2].Split(';');
        if (modes.Contains(SessionMode))
        {
            // Fails only when already a group leader, which a freshly started child never is.
            _ = ProcessNative.Setsid();
        }

        var user = modes.FirstOrDefault(m => m.StartsWith(UserMode, StringComparison.Ordinal)) is { } text
            ? RunAs.FromArgument(text[UserMode.Length..])
            : null;
        var spec = new LaunchSpec(args[4], args.Skip(5).ToList(), environment) { User = user };
        var errno = Execve.Replace(args[3], spec, lastCheck: null);
        ExecReport.Report(report, errno);
        return ExecFailure.FromErrno(spec.Command, errno).ExitCode;
    }

    internal static IEnumerable<string> Arguments(string reportDescriptor, bool newSession, string path, LaunchSpec spec)
    {
        var modes = new List<string>();
        if (newSession)
        {
            modes.Add(SessionMode);
        }

        if (spec.User is { } user)
        {
            modes.Add(UserMode + user.ToArgument());
        }

        return [Verb, reportDescriptor, string.Join(';', modes), path, spec.Command, .. spec.Arguments];
    }
}
