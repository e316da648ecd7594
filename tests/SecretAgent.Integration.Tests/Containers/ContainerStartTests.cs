namespace SecretAgent.Integration.Tests.Containers;

/// <summary>The image as a deployment runs it: secret-agent is the ENTRYPOINT, the tmpfs is mounted, the app starts.</summary>
[Collection(DockerCollectionDefinition.Name)]
public sealed class ContainerStartTests(DockerEngine docker) : IDisposable
{
    private readonly ContainerWorld world = new();
    private readonly string hostTmpfs = Path.Combine("/dev/shm", "sa-containers-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        world.Dispose();
        if (Directory.Exists(hostTmpfs))
        {
            Directory.Delete(hostTmpfs, recursive: true);
        }
    }

    [Fact]
    public async Task AppImage_WhenStartedWithTmpfs_AgentDeliversFilesThenExecsApp()
    {
        await world.PublishSamplesAsync();

        var run = (await docker.RunAsync(world.Options(docker.AppImage))).Run;
        var output = run.Stdout + run.Stderr;

        Assert.True(run.ExitCode == 0, output);
        ContainerOutput.AssertContains("app: secrets in /run/secrets (pid 1)", output);
        foreach (var (name, deliveredPath) in SampleConfigs.Files)
        {
            ContainerOutput.AssertContains(ContainerOutput.FileLine(deliveredPath, SampleConfigs.Content(name)), output);
        }

        foreach (var variable in SampleConfigs.EnvNames)
        {
            ContainerOutput.AssertContains($"app: env payments.env {variable} set", output);
        }

        ContainerOutput.AssertNoSentinel(output);
    }

    [Fact]
    public async Task ScratchImage_WhenRunWithHelp_AgentStartsWithoutADistribution()
    {
        var run = (await docker.RunAsync(new ContainerOptions { Image = docker.ScratchImage, Tmpfs = false, Command = ["--help"] })).Run;

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task ScratchImage_WhenFetching_AgentDecryptsWithOnlyTheCopiedLibraries()
    {
        await world.PublishSamplesAsync();
        // The target is a host tmpfs directory mounted in, so the test can read what the agent wrote after it exits.
        Directory.CreateDirectory(hostTmpfs);
        var options = world.Options(docker.ScratchImage);
        options = options with
        {
            Tmpfs = false,
            ReadOnlyMounts = new Dictionary<string, string>(options.ReadOnlyMounts) { [RepositoryPaths.SampleApp("secret-agent.yaml")] = "/etc/secret-agent.yaml" },
            WritableMounts = new Dictionary<string, string> { [hostTmpfs] = ContainerOptions.SecretsDir },

            // The carrier runs as 65532 by default; this target is a root-owned host directory.
            User = "0:0",
            Command = ["fetch"],
        };

        var run = (await docker.RunAsync(options)).Run;

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var (name, deliveredPath) in SampleConfigs.Files)
        {
            Assert.Equal(SampleConfigs.Content(name), File.ReadAllBytes(Path.Combine(hostTmpfs, deliveredPath)));
        }

        ContainerOutput.AssertNoSentinel(run.Stdout + run.Stderr);
    }
}
