using System.Diagnostics;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>docker stop and docker kill reach the app, whether the agent exec'd it or supervises it as PID 1.</summary>
[Collection(DockerCollectionDefinition.Name)]
public sealed class ContainerSignalTests(DockerEngine docker) : IDisposable
{
    // The sample app exits with this on TERM, so the container's status shows whose exit code it is.
    private const int AppTermExitCode = 42;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ContainerWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task SupervisedApp_WhenContainerStopped_AppGetsTermAndContainerExitsWithAppCode()
    {
        var container = await StartServingAsync(supervise: true);

        var elapsed = Stopwatch.StartNew();
        await container.StopAsync(graceSeconds: 20);
        var exitCode = await container.WaitAsync(TimeSpan.FromSeconds(30));

        var logs = await container.LogsAsync();
        Assert.True(exitCode == AppTermExitCode, $"exit {exitCode}\n{logs}");
        ContainerOutput.AssertContains("app: received TERM, shutting down", logs);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(15), $"docker stop took {elapsed.Elapsed}: TERM was not forwarded, the engine had to SIGKILL");
    }

    [Fact]
    public async Task SupervisedApp_WhenContainerGetsUsr1_AppReceivesItAndKeepsRunning()
    {
        var container = await StartServingAsync(supervise: true);

        await container.KillAsync("USR1");
        var logs = await container.WaitForLogAsync("app: received USR1", TimeSpan.FromSeconds(20));

        Assert.DoesNotContain("shutting down", logs, StringComparison.Ordinal);
        await container.StopAsync(graceSeconds: 20);
        Assert.Equal(AppTermExitCode, await container.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ExecedApp_WhenContainerStopped_AppIsPid1AndGetsTerm()
    {
        var container = await StartServingAsync(supervise: false);

        await container.StopAsync(graceSeconds: 20);
        var exitCode = await container.WaitAsync(TimeSpan.FromSeconds(30));

        var logs = await container.LogsAsync();
        Assert.True(exitCode == AppTermExitCode, $"exit {exitCode}\n{logs}");
        ContainerOutput.AssertContains("app: serving (pid 1)", logs);
        ContainerOutput.AssertContains("app: received TERM, shutting down", logs);
    }

    private async Task<Container> StartServingAsync(bool supervise)
    {
        await world.PublishSamplesAsync();
        var options = world.Options(docker.AppImage);
        string[] agentArgs = supervise ? ["run", "--supervise", "--"] : ["run", "--"];
        var container = await docker.StartAsync(options with
        {
            Environment = new Dictionary<string, string>(options.Environment) { ["APP_TERM_EXIT_CODE"] = AppTermExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Entrypoint = "/opt/secret-agent/bin/secret-agent",
            Command = [.. agentArgs, "/app/app.sh", "--serve"],
        }, "app: serving", StartTimeout);
        ContainerOutput.AssertNoSentinel(await container.LogsAsync());
        return container;
    }
}
