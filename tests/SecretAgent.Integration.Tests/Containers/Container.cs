
namespace SecretAgent.Integration.Tests.Containers;

/// <summary>A named container made by <see cref="DockerEngine"/>; the engine fixture removes it when the collection ends.</summary>
internal sealed class Container(string name, CommandResult run)
{
    public string Name { get; } = name;

    /// <summary>The output of <c>docker run</c>: the container's own output and exit code when run in the foreground.</summary>
    public CommandResult Run { get; } = run;

    public string Logs() => Combined(DockerEngine.CliOk(TimeSpan.FromSeconds(30), "logs", Name));

    /// <summary>Waits until the container's output contains <paramref name="text"/>.</summary>
    public string WaitForLog(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var logs = Logs();
            if (logs.Contains(text, StringComparison.Ordinal))
            {
                return logs;
            }

            // An exited container prints nothing more: fail now rather than at the deadline.
            if (!IsRunning() && !Logs().Contains(text, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"container {Name} exited without printing '{text}'; output:\n{Logs()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"container {Name} did not print '{text}' within {timeout.TotalSeconds}s; output so far:\n{logs}");
            }

            Thread.Sleep(200);
        }
    }

    public bool IsRunning() =>
        DockerEngine.CliOk(TimeSpan.FromSeconds(30), "inspect", "--format", "{{.State.Running}}", Name).Stdout.Trim() == "true";

    public void Kill(string signal) => DockerEngine.CliOk(TimeSpan.FromSeconds(30), "kill", "--signal", signal, Name);

    public void Stop(int graceSeconds) =>
        DockerEngine.CliOk(TimeSpan.FromSeconds(graceSeconds + 30), "stop", "--time", graceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), Name);

    /// <summary>The container's exit code, waiting for it to exit.</summary>
    public int Wait(TimeSpan timeout) =>
        int.Parse(DockerEngine.CliOk(timeout, "wait", Name).Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><c>docker export</c>: the container's filesystem as a tar (tmpfs mounts are not part of it).</summary>
    public byte[] Export()
    {
        var path = Path.Combine(Path.GetTempPath(), $"{Name}.tar");
        try
        {
            DockerEngine.CliOk(TimeSpan.FromMinutes(2), "export", "--output", path, Name);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Combined(CommandResult result) => result.Stdout + result.Stderr;
}
