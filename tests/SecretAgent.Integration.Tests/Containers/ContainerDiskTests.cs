namespace SecretAgent.Integration.Tests.Containers;

/// <summary>Secrets live only on the tmpfs: never on the container's overlay disk, so never in `docker export` or commit.</summary>
[Collection(DockerCollectionDefinition.Name)]
public sealed class ContainerDiskTests(DockerEngine docker) : IDisposable
{
    private const int TargetExitCode = 73;
    private readonly ContainerWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task AppImage_WhenTmpfsForgotten_AgentRefusesOverlayDiskWith73()
    {
        await world.PublishSamplesAsync();

        var run = (await docker.RunAsync(world.Options(docker.AppImage) with { Tmpfs = false })).Run;

        Assert.True(run.ExitCode == TargetExitCode, run.ToString());
        Assert.True(run.Stderr.Contains("tmpfs", StringComparison.OrdinalIgnoreCase), run.ToString());
        Assert.DoesNotContain("app: secrets", run.Stdout, StringComparison.Ordinal);
        ContainerOutput.AssertNoSentinel(run.Stdout + run.Stderr);
    }

    [Fact]
    public async Task AppImage_AfterSuccessfulRun_ExportedFilesystemHoldsNoPlaintext()
    {
        await world.PublishSamplesAsync();
        var container = await docker.RunAsync(world.Options(docker.AppImage));
        Assert.True(container.Run.ExitCode == 0, container.Run.ToString());
        ContainerOutput.AssertContains("app: file database.json size=", container.Run.Stdout);

        var export = await container.ExportAsync();

        // The export is the real filesystem (the agent and the app are in it), just without the tmpfs contents.
        Assert.True(export.AsSpan().IndexOf("opt/secret-agent/bin/secret-agent"u8) >= 0, "docker export does not look like the app image's filesystem");
        Assert.True(export.AsSpan().IndexOf("app/app.sh"u8) >= 0, "docker export does not look like the app image's filesystem");
        ContainerOutput.AssertNoSentinel(export, "the exported container filesystem");
    }
}
