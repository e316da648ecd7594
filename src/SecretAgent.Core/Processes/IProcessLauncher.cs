namespace SecretAgent.Core.Processes;

/// <summary>Starts the application once its configs are in place.</summary>
public interface IProcessLauncher
{
    /// <summary>
    /// Replaces the agent with the app (execve). Returns only by throwing
    /// <see cref="Errors.SecretAgentException"/> (kind CommandNotFound or NotExecutable) when the exec fails.
    /// <paramref name="lastCheck"/> runs at the last moment before execve and may throw to call it off.
    /// </summary>
    int Exec(LaunchSpec spec, Action? lastCheck = null);

    /// <summary>
    /// Starts the app as a child, forwards signals to it and returns its exit status (128+n for death by signal n).
    /// Cancelling <paramref name="ct"/> sends the app SIGTERM; the task still completes only when the app has exited.
    /// Throws CommandNotFound or NotExecutable when the app never ran, whatever the mode.
    /// </summary>
    Task<int> SuperviseAsync(LaunchSpec spec, SuperviseOptions options, CancellationToken ct);
}
