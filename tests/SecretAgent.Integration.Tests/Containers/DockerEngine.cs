using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Images;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// The container tests' view of a real Docker engine, through Testcontainers and its Docker client. Checks the
/// engine once, builds the sample app image and the FROM-scratch agent image once per run from a small staging
/// directory (never pulling: no registry is reachable), and removes every container and image it made when the
/// collection ends (Ryuk, Testcontainers' reaper, is an image from a registry, so it is disabled).
/// </summary>
public sealed class DockerEngine : IAsyncLifetime
{
    public const string BaseImage = "secret-agent-test-base:bookworm";
    public const string Label = "secret-agent-test";
    private const string SetupHint = "scripts/test.sh starts it";

    private readonly string runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly List<IFutureDockerImage> images = [];
    private readonly List<Container> containers = [];
    private DockerClient? client;

    /// <summary>The sample app behind secret-agent (docker/Dockerfile.app).</summary>
    public string AppImage { get; private set; } = "";

    /// <summary>secret-agent alone on scratch plus the libraries it needs (docker/Dockerfile.scratch).</summary>
    public string ScratchImage { get; private set; } = "";

    internal DockerClient Client => client ?? throw new InvalidOperationException("the Docker engine fixture is not initialized");

    public async Task InitializeAsync()
    {
        ConfigureTestcontainers();
        client = TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.NewGuid()).Build();
        await CheckEngineAsync();
        await CheckBaseImageAsync();
        var staging = ImageStaging.Create(PublishedAgent());
        try
        {
            AppImage = await BuildAsync("Dockerfile.app", "secret-agent-test-app", staging);
            ScratchImage = await BuildAsync("Dockerfile.scratch", "secret-agent-test-scratch", staging);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Runs a container in the foreground until it exits; it stays for inspection until the fixture is disposed.</summary>
    internal async Task<Container> RunAsync(ContainerOptions options, TimeSpan? timeout = null)
    {
        var container = Create(options);
        await container.RunToExitAsync(timeout ?? TimeSpan.FromSeconds(90));
        return container;
    }

    /// <summary>Starts a container and returns once it has printed <paramref name="readyLine"/>; it keeps running until the test stops it.</summary>
    internal async Task<Container> StartAsync(ContainerOptions options, string readyLine, TimeSpan timeout)
    {
        var container = Create(options);
        await container.StartAsync();
        await container.WaitForLogAsync(readyLine, timeout);
        return container;
    }

    // Built without Testcontainers' cleanup (that is Ryuk's job, and Ryuk is off), so removed here by name.
    public async Task DisposeAsync()
    {
        foreach (var container in containers)
        {
            await IgnoreMissingAsync(() => Client.Containers.RemoveContainerAsync(container.Id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }));
            await container.DisposeAsync();
        }

        foreach (var image in images)
        {
            await IgnoreMissingAsync(() => Client.Images.DeleteImageAsync(image.FullName, new ImageDeleteParameters { Force = true }));
            await image.DisposeAsync();
        }

        client?.Dispose();
    }

    private static async Task IgnoreMissingAsync(Func<Task> remove)
    {
        try
        {
            await remove();
        }
        catch (Exception ex) when (ex is DockerApiException { StatusCode: System.Net.HttpStatusCode.NotFound } or InvalidOperationException)
        {
            // Never created (a failed build or start; Testcontainers has no id for it then): nothing to remove.
        }
    }

    /// <summary>
    /// This engine (Debian's docker.io 20.10) serves Docker API 1.41 at most, Testcontainers speaks 1.44 unless told;
    /// both settings are read once, when Testcontainers first loads its settings, so they are set before that. A value
    /// set outside (scripts/test.sh exports both) wins.
    /// </summary>
    private static void ConfigureTestcontainers()
    {
        SetDefault("DOCKER_API_VERSION", "1.41");
        SetDefault("TESTCONTAINERS_RYUK_DISABLED", "true");
    }

    private static void SetDefault(string name, string value)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    private async Task CheckEngineAsync()
    {
        try
        {
            await Client.System.PingAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or DockerApiException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException($"Docker engine not running: {SetupHint} ({ex.Message})", ex);
        }
    }

    private async Task CheckBaseImageAsync()
    {
        try
        {
            await Client.Images.InspectImageAsync(BaseImage);
        }
        catch (DockerImageNotFoundException ex)
        {
            throw new InvalidOperationException($"test base image {BaseImage} missing: {SetupHint} (debootstrap + docker import)", ex);
        }
    }

    // Inside a container only the published self-contained binary runs (the build's apphost needs a .NET install).
    private static string PublishedAgent()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SECRET_AGENT_BIN")))
        {
            throw new InvalidOperationException(
                "SECRET_AGENT_BIN is not set: container tests need the published self-contained secret-agent (scripts/test.sh publishes it to artifacts/bin and sets it)");
        }

        var path = Binaries.Agent;
        return File.Exists(path) ? path : throw new FileNotFoundException($"SECRET_AGENT_BIN names {path}, which does not exist");
    }

    private async Task<string> BuildAsync(string dockerfile, string repository, string context)
    {
        var tag = $"{repository}:{runId}";
        var image = new ImageFromDockerfileBuilder()
            .WithDockerfileDirectory(context)
            .WithDockerfile(dockerfile)
            .WithBuildArgument("BASE", BaseImage)
            .WithName(tag)
            .WithLabel(Label, runId)
            .WithCleanUp(false)
            .Build();
        images.Add(image);
        await image.CreateAsync();
        return tag;
    }

    private Container Create(ContainerOptions options)
    {
        var name = $"sa-test-{runId}-{containers.Count}";
        var container = new Container(options.ToBuilder(name, runId).Build(), Client);
        containers.Add(container);
        return container;
    }
}
