namespace SecretAgent.Core.Processes;

/// <summary>The real launcher: execve for exec mode, a child process plus signal forwarding for supervise mode.</summary>
public sealed class ProcessLauncher : IProcessLauncher
{
    public int Exec(LaunchSpec spec, Action? lastCheck = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var path = CommandResolver.Resolve(spec.Command, Supervisor.PathOf(spec));
        throw ExecFailure.FromErrno(spec.Command, Execve.Replace(path, spec, lastCheck));
    }

    public Task<int> SuperviseAsync(LaunchSpec spec, SuperviseOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        return Supervisor.RunAsync(spec, options, ct);
    }
}
