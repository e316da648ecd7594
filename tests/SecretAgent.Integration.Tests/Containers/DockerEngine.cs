using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Images;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// The container tests' view of a real Docker engine, through Testcontainers and its Docker client. Checks the
/// engine once, builds every image once per run from small staging directories (never pulling: no registry is
/// reachable): the carrier (FROM scratch, only /opt/secret-agent), the sample app on it, and the probe app on three
/// bases (Debian minbase, busybox without any libc, scratch with a static app); and removes every container, volume
/// and image it made when the collection ends (Ryuk, Testcontainers' reaper, is an image from a registry, so it is
/// disabled).
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
    private Task<string>? arm64Probe;

    /// <summary>The sample app behind secret-agent (docker/Dockerfile.app).</summary>
    public string AppImage { get; private set; } = "";

    /// <summary>The carrier: FROM scratch, /opt/secret-agent only (docker/Dockerfile.carrier).</summary>
    public string ScratchImage { get; private set; } = "";

    /// <summary>The probe app with the carrier copied in, per base (Containers/Images/Dockerfile.anybase).</summary>
    internal IReadOnlyDictionary<AnyBase, string> ProbeImages { get; private set; } = new Dictionary<AnyBase, string>();

    internal List<string> Volumes { get; } = [];

    /// <summary>
    /// The probe image of <paramref name="kind"/>. The arm64 one is built on first use, so that only the arm64 test
    /// needs the arm64 carrier and busybox (SECRET_AGENT_CARRIER_ARM64, SECRET_AGENT_BUSYBOX_ARM64).
    /// </summary>
    internal Task<string> ProbeImageAsync(AnyBase kind) =>
        kind == AnyBase.ScratchArm64 ? arm64Probe ??= BuildArm64ProbeAsync() : Task.FromResult(ProbeImages[kind]);

    internal DockerClient Client => client ?? throw new InvalidOperationException("the Docker engine fixture is not initialized");

    public async Task InitializeAsync()
    {
        ConfigureTestcontainers();
        client = TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.NewGuid()).Build();
        await CheckEngineAsync();
        await CheckBaseImageAsync();
        var staging = ImageStaging.Create(PublishedCarrier(), Busybox());
        try
        {
            ScratchImage = await BuildAsync("Dockerfile.carrier", "secret-agent-test-carrier", staging.Carrier);
            AppImage = await BuildAsync("Dockerfile.app", "secret-agent-test-app", staging.App, ("CARRIER", ScratchImage));
            var busyboxBase = await BuildAsync("Dockerfile.busybox", "secret-agent-test-busybox", staging.BusyboxBase);
            var probes = new Dictionary<AnyBase, string>();
            foreach (var (kind, image, context) in new[]
            {
                (AnyBase.Debian, BaseImage, staging.Probe),
                (AnyBase.Busybox, busyboxBase, staging.Probe),
                (AnyBase.Scratch, "scratch", staging.StaticProbe),
            })
            {
                probes[kind] = await BuildAsync("Dockerfile.anybase", $"secret-agent-test-probe-{kind.ToString().ToLowerInvariant()}", context, ("CARRIER", ScratchImage), ("BASE", image));
            }

            ProbeImages = probes;
        }
        finally
        {
            staging.Dispose();
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

    /// <summary>
    /// A tmpfs-backed named volume (the local driver with type=tmpfs, as the compose sample and ECS on EC2 declare
    /// it), removed when the collection ends.
    /// </summary>
    internal async Task<string> CreateTmpfsVolumeAsync(string options)
    {
        var name = $"sa-test-{runId}-vol{Volumes.Count}";
        await Client.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = name,
            Driver = "local",
            DriverOpts = new Dictionary<string, string> { ["type"] = "tmpfs", ["device"] = "tmpfs", ["o"] = options },
            Labels = new Dictionary<string, string> { [Label] = runId },
        });
        Volumes.Add(name);
        return name;
    }

    /// <summary><c>docker history</c> of an image, as JSON.</summary>
    internal async Task<byte[]> ImageHistoryJsonAsync(string image) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(await Client.Images.GetImageHistoryAsync(image));

    /// <summary><c>docker save</c>: the image's every layer and its config, as a tar.</summary>
    internal async Task<byte[]> SaveImageAsync(string image)
    {
        using var tar = await Client.Images.SaveImageAsync(image);
        using var copy = new MemoryStream();
        await tar.CopyToAsync(copy);
        return copy.ToArray();
    }

    // Built without Testcontainers' cleanup (that is Ryuk's job, and Ryuk is off), so removed here by name.
    public async Task DisposeAsync()
    {
        foreach (var container in containers)
        {
            await IgnoreMissingAsync(() => Client.Containers.RemoveContainerAsync(container.Id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }));
            await container.DisposeAsync();
        }

        foreach (var volume in Volumes)
        {
            await IgnoreMissingAsync(() => Client.Volumes.RemoveAsync(volume, force: true));
        }

        images.Reverse();
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

    // linux/arm64 images, built by the classic builder (FROM scratch and COPY run no arm64 code; the platform is
    // recorded in the image config) and run through binfmt_misc's qemu-aarch64, registered with F (fix-binary): the
    // kernel holds the interpreter open, so it need not exist inside the container (docs/arm64.md).
    private async Task<string> BuildArm64ProbeAsync()
    {
        const string Platform = "linux/arm64";
        var carrierDirectory = PublishedCarrierArm64();
        RequireAarch64(Path.Combine(carrierDirectory, "bin", "secret-agent"));
        var staging = ImageStaging.CreateStatic(carrierDirectory, BusyboxArm64());
        try
        {
            var carrier = await BuildAsync(Platform, "Dockerfile.carrier", "secret-agent-test-carrier-arm64", staging.Carrier);
            return await BuildAsync(Platform, "Dockerfile.anybase", "secret-agent-test-probe-scratch-arm64", staging.StaticProbe, ("CARRIER", carrier), ("BASE", "scratch"));
        }
        finally
        {
            staging.Dispose();
        }
    }

    /// <summary>The image's architecture, as its config records it (amd64, arm64).</summary>
    internal async Task<string> ImageArchitectureAsync(string image) => (await Client.Images.InspectImageAsync(image)).Architecture;

    // An x64 agent would run just as well here and prove nothing: e_machine (ELF offset 18) must be EM_AARCH64 (183).
    private static void RequireAarch64(string agent)
    {
        var header = new byte[20];
        using (var file = File.OpenRead(agent))
        {
            file.ReadExactly(header);
        }

        if (header[18] != 183 || header[19] != 0)
        {
            throw new InvalidOperationException($"{agent} is not an aarch64 ELF file (SECRET_AGENT_CARRIER_ARM64 must be the arm64 carrier)");
        }
    }

    private static string PublishedCarrierArm64() => FromEnvironment(
        "SECRET_AGENT_CARRIER_ARM64", "the arm64 carrier directory (scripts/test.sh stages it into artifacts/carrier/linux-arm64 from the arm64 agent and Debian's arm64 libc6 and libssl3, and sets it)");

    private static string BusyboxArm64() => FromEnvironment(
        "SECRET_AGENT_BUSYBOX_ARM64", "Debian's arm64 static busybox (scripts/test.sh unpacks busybox-static:arm64 into artifacts/base/linux-arm64/busybox and sets it)");

    // Inside a container only the published NativeAOT binary runs, in the carrier scripts/test.sh stages from it
    // (scripts/lib/carrier.sh: its own loader, libc and OpenSSL).
    private static string PublishedCarrier() => FromEnvironment(
        "SECRET_AGENT_CARRIER", "the staged carrier directory /opt/secret-agent (scripts/test.sh stages it into artifacts/carrier from the published agent and sets it)");

    private static string Busybox() => FromEnvironment(
        "SECRET_AGENT_BUSYBOX", "Debian's static busybox (scripts/test.sh unpacks busybox-static into artifacts/base/busybox and sets it)");

    private static string FromEnvironment(string variable, string what)
    {
        var path = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(path))
        {
            throw new InvalidOperationException($"{variable} is not set: container tests need {what}");
        }

        return Path.Exists(path) ? path : throw new FileNotFoundException($"{variable} names {path}, which does not exist");
    }

    private Task<string> BuildAsync(string dockerfile, string repository, string context, params (string Name, string Value)[] arguments) =>
        BuildAsync(platform: null, dockerfile, repository, context, arguments);

    private async Task<string> BuildAsync(string? platform, string dockerfile, string repository, string context, params (string Name, string Value)[] arguments)
    {
        var tag = $"{repository}:{runId}";
        var builder = new ImageFromDockerfileBuilder()
            .WithDockerfileDirectory(context)
            .WithDockerfile(dockerfile)
            .WithName(tag)
            .WithLabel(Label, runId)
            .WithCleanUp(false);
        if (platform is not null)
        {
            builder = builder.WithPlatform(platform);
        }
        foreach (var (name, value) in arguments.Any(a => a.Name == "BASE") ? arguments : [("BASE", BaseImage), .. arguments])
        {
            builder = builder.WithBuildArgument(name, value);
        }

        var image = builder.Build();
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

/// <summary>The bases the probe app image is built on.</summary>
public enum AnyBase
{
    /// <summary>Debian minbase (glibc 2.36, its own libssl).</summary>
    Debian,

    /// <summary>busybox-static as /bin/sh: no libc of any kind.</summary>
    Busybox,

    /// <summary>scratch: the carrier and a static app (/app/busybox), nothing else.</summary>
    Scratch,

    /// <summary>scratch for linux/arm64: the arm64 carrier and Debian's arm64 static busybox, run under qemu-user.</summary>
    ScratchArm64,
}
