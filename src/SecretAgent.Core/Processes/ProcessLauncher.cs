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
public sealed record AppLauncher(bool Supervise, SuperviseOptions Options) : IAppLauncher
{
    public Task<int> LaunchAsync(LaunchSpec spec) => Supervise
        ? ProcessLauncher.SuperviseAsync(spec, Options, CancellationToken.None)
        : Task.FromResult(ProcessLauncher.Exec(spec, Options.BeforeStart));
}
