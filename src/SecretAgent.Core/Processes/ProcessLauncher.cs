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
