namespace SecretAgent.Core.Processes;

/// <summary>Starts the application once its configs are in place.</summary>
public interface IProcessLauncher
{
    /// <summary>
    /// Replaces the agent with the app (execve). Returns only by throwing
    /// <see cref="Errors.SecretAgentException"/> (kind CommandNotFound or NotExecutable) when the exec fails.
    /// </summary>
    int Exec(LaunchSpec spec);

    /// <summary>
    /// Starts the app as a child, forwards signals to it and returns its exit status (128+n for death by signal n).
    /// Cancelling <paramref name="ct"/> sends the app SIGTERM; the task still completes only when the app has exited.
    /// </summary>
    Task<int> SuperviseAsync(LaunchSpec spec, SuperviseOptions options, CancellationToken ct);
}
