namespace SecretAgent.Core.Processes;

/// <summary>The real launcher: execve for exec mode, a child process plus signal forwarding for supervise mode.</summary>
public static class ProcessLauncher
{
    /// <summary>
    /// Replaces the agent with the app (execve). Returns only by throwing
    /// <see cref="Errors.SecretAgentException"/> (kind CommandNotFound or NotExecutable) when the exec fails.
    /// <paramref name="lastCheck"/> runs at the last moment before execve and may throw to call it off.
    /// </summary>
    public static int Exec(LaunchSpec spec, Action? lastCheck = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var path = CommandResolver.Resolve(spec.Command, Supervisor.PathOf(spec));
        throw ExecFailure.FromErrno(spec.Command, Execve.Replace(path, spec, lastCheck));
    }

    /// <summary>
    /// Starts the app as a child, forwards signals to it and returns its exit status (128+n for death by signal n,
    /// see <see cref="Errors.ExitCodes.ForSignal"/>). Cancelling <paramref name="ct"/> sends the app SIGTERM; the task
    /// still completes only when the app has exited. Throws CommandNotFound or NotExecutable when the app never ran,
    /// whatever the mode.
    /// </summary>
    public static Task<int> SuperviseAsync(LaunchSpec spec, SuperviseOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        return Supervisor.RunAsync(spec, options, ct);
    }
}

/// <summary>The seam the delivery use case starts the app through; the real one is <see cref="AppLauncher"/>.</summary>
public interface IAppLauncher
{
    /// <summary>
    /// Starts the app and returns its exit status (exec mode returns only by throwing). Throws
    /// <see cref="Errors.SecretAgentException"/> of kind CommandNotFound or NotExecutable, or
    /// <see cref="CancelledBySignalException"/>, when the app never ran.
    /// </summary>
    Task<int> LaunchAsync(LaunchSpec spec);
}

/// <summary>Exec (replace the agent) or, with <paramref name="Supervise"/>, supervise under <paramref name="Options"/>.</summary>
/// With <paramref name="User"/> (run --user) the app runs as that user, whatever the mode.
public sealed record AppLauncher(bool Supervise, SuperviseOptions Options, RunAs? User = null) : IAppLauncher
{
    public Task<int> LaunchAsync(LaunchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var asUser = User is null ? spec : spec with { User = User };
        return Supervise
            ? ProcessLauncher.SuperviseAsync(asUser, Options, CancellationToken.None)
            : Task.FromResult(ProcessLauncher.Exec(asUser, Options.BeforeStart));
    }
}

/// <summary>
/// What to start: the command as the user wrote it (resolved through PATH like execvp), its arguments (without
/// argv[0]) and the complete environment the app receives; <see cref="User"/>: the user it runs as (null: the agent's).
/// </summary>
public sealed record LaunchSpec(
    string Command,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment)
{
    public RunAs? User { get; init; }
}

/// <summary>
/// Options for supervise mode. <paramref name="ProcessGroup"/>: start the app in its own session and process group
/// and forward signals to the whole group (like tini -g / dumb-init), so helpers the app spawned get them too.
/// <paramref name="BeforeStart"/> runs just before the app is started and may throw to call the start off; from then
/// on every signal is the app's (queued until it runs). <paramref name="Forwarder"/>: forwarding the caller set up
/// earlier (and disposes); without one the supervisor sets it up itself. <paramref name="App"/>: the handle through
/// which <c>--on-change</c> signals or restarts the app (run --supervise --watch).
/// </summary>
public sealed record SuperviseOptions(bool ProcessGroup, Action? BeforeStart = null, SignalForwarder? Forwarder = null, SupervisedApp? App = null);
