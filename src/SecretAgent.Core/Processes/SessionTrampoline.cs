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
    /// <summary>Hidden first argument: <c>secret-agent __exec-new-session COMMAND [ARGS...]</c>.</summary>
    public const string Verb = "__exec-new-session";

    public static bool IsRequested(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Count >= 2 && args[0] == Verb;
    }

    /// <summary>
    /// Starts a new session and execs the command with <paramref name="environment"/>. Returns only by throwing
    /// (the caller prints the error and exits with its code, which the supervisor then mirrors).
    /// </summary>
    public static int Run(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);

        // Fails only when already a group leader, which a freshly started child never is.
        _ = ProcessNative.Setsid();
        var spec = new LaunchSpec(args[1], args.Skip(2).ToList(), environment);
        return new ProcessLauncher().Exec(spec);
    }

    internal static IEnumerable<string> Arguments(LaunchSpec spec) => [Verb, spec.Command, .. spec.Arguments];
}
