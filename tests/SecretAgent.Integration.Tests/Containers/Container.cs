using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Containers;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// A container made by <see cref="DockerEngine"/>: created through Testcontainers, driven through its Docker client
/// where Testcontainers has no operation for it (a stop grace period, a chosen signal, the exit code, export); the
/// engine fixture removes it when the collection ends.
/// </summary>
internal sealed class Container(IContainer container, DockerClient client) : IAsyncDisposable
{
    private CommandResult? run;

    public string Name => container.Name;

    public string Id => container.Id;

    /// <summary>The container's own output and exit code, after <see cref="DockerEngine.RunAsync"/> ran it to its end.</summary>
    public CommandResult Run => run ?? throw new InvalidOperationException($"container {Name} was started, not run to its end");

    public Task StartAsync() => container.StartAsync();

    /// <summary>Starts the container and waits for it to exit, then records its output (what <c>docker run</c> shows).</summary>
    public async Task RunToExitAsync(TimeSpan timeout)
    {
        await StartAsync();
        var exitCode = await WaitAsync(timeout);
        var (stdout, stderr) = await container.GetLogsAsync();
        run = new CommandResult(exitCode, stdout, stderr);
    }

    public async Task<string> LogsAsync()
    {
        var (stdout, stderr) = await container.GetLogsAsync();
        return stdout + stderr;
    }

    /// <summary>
    /// Follows the container's output until it contains <paramref name="text"/>. The engine ends the stream when the
    /// container exits, so an exited container fails now rather than at the deadline.
    /// </summary>
    public async Task<string> WaitForLogAsync(string text, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var seen = new StringBuilder();
        var parameters = new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Follow = true };
        try
        {
            using var stream = await client.Containers.GetContainerLogsAsync(container.Id, parameters, deadline.Token);
            var buffer = new byte[4096];
            while (!seen.ToString().Contains(text, StringComparison.Ordinal))
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, deadline.Token);
                if (read.EOF)
                {
                    throw new InvalidOperationException($"container {Name} exited without printing '{text}'; output:\n{await LogsAsync()}");
                }

                seen.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"container {Name} did not print '{text}' within {timeout.TotalSeconds}s; output so far:\n{seen}");
        }

        return seen.ToString();
    }

    public Task KillAsync(string signal) =>
        client.Containers.KillContainerAsync(container.Id, new ContainerKillParameters { Signal = signal });

    /// <summary><c>docker stop --time</c>: TERM, then KILL after the grace period.</summary>
    public Task StopAsync(int graceSeconds) =>
        client.Containers.StopContainerAsync(container.Id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)graceSeconds });

    /// <summary>The container's exit code, waiting for it to exit.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var response = await client.Containers.WaitContainerAsync(container.Id, deadline.Token);
        return checked((int)response.StatusCode);
    }

    /// <summary><c>docker export</c>: the container's filesystem as a tar (tmpfs mounts are not part of it).</summary>
    public async Task<byte[]> ExportAsync()
    {
        using var tar = await client.Containers.ExportContainerAsync(container.Id);
        using var copy = new MemoryStream();
        await tar.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary><c>docker exec</c> in exec form (an argument vector, no shell).</summary>
    public async Task<CommandResult> ExecAsync(params string[] command)
    {
        var result = await container.ExecAsync(command);
        return new CommandResult(checked((int)(result.ExitCode ?? -1)), result.Stdout, result.Stderr);
    }

    /// <summary><c>docker inspect</c> of the container, as JSON.</summary>
    public async Task<string> InspectJsonAsync() =>
        System.Text.Json.JsonSerializer.Serialize(await client.Containers.InspectContainerAsync(container.Id));

    public ValueTask DisposeAsync() => container.DisposeAsync();
}
