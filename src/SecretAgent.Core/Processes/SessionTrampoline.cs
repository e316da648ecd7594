using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>
/// Process-group mode needs the app to call setsid() between fork and exec, which System.Diagnostics.Process
/// cannot do. So the supervisor starts the agent binary itself with <see cref="Verb"/>; that short-lived process
/// calls setsid() and execs the app (same pid), making the app the leader of a new session and process group.
/// The agent's Main must hand such an invocation to <see cref="Run"/> before parsing anything else.
/// </summary>
public static class SessionTrampoline
{
    /// <summary>Hidden first argument: <c>secret-agent __exec-new-session REPORT-FD PATH COMMAND [ARGS...]</c>.</summary>
    public const string Verb = "__exec-new-session";

    public static bool IsRequested(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Count >= 4 && args[0] == Verb;
    }

    /// <summary>
    /// Starts a new session and execs the already resolved PATH (argv[0] COMMAND) with <paramref name="environment"/>.
    /// Returns only when execve failed, after reporting its errno to the supervisor, which prints the one error line
    /// and removes the delivered files; the exit code is then the shell's, for completeness.
    /// </summary>
    public static int Run(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);

        var report = ExecReport.Adopt(args[1]);

        // Fails only when already a group leader, which a freshly started child never is.
        _ = ProcessNative.Setsid();
        var spec = new LaunchSpec(args[3], args.Skip(4).ToList(), environment);
        var errno = Execve.Replace(args[2], spec, lastCheck: null);
        ExecReport.Report(report, errno);
        return ExecFailure.FromErrno(spec.Command, errno).ExitCode;
    }

    internal static IEnumerable<string> Arguments(string reportDescriptor, string path, LaunchSpec spec) =>
        [Verb, reportDescriptor, path, spec.Command, .. spec.Arguments];
}
