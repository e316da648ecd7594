using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// What a test varies in a container it runs. Every container also gets <c>--network host</c> (no bridge networks:
/// the engine runs with --bridge=none) and a label so a stray one can be found and removed.
/// </summary>
internal sealed record ContainerOptions
{
    /// <summary>The directory the agent writes to: a memory-backed tmpfs like a real deployment's, unless turned off.</summary>
    public const string SecretsDir = "/run/secrets";

    public required string Image { get; init; }

    /// <summary>Mount a tmpfs at /run/secrets with <see cref="TmpfsOptions"/>; false leaves /run/secrets on the overlay disk.</summary>
    public bool Tmpfs { get; init; } = true;

    /// <summary>The tmpfs mount's options; a non-root app's group needs read and search on the mount point.</summary>
    public string TmpfsOptions { get; init; } = "mode=0700";

    /// <summary><c>docker run --user</c>: the user the agent itself starts as (null: the image's).</summary>
    public string? User { get; init; }

    /// <summary>Named volumes: "volume:/path" or "volume:/path:ro" (the sidecar's tmpfs-backed volume).</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];

    /// <summary><c>--pid container:ID</c>: share another container's PID namespace (null: its own).</summary>
    public string? PidContainer { get; init; }

    /// <summary>Read-only bind mounts: host path to container path.</summary>
    public IReadOnlyDictionary<string, string> ReadOnlyMounts { get; init; } = new Dictionary<string, string>();

    /// <summary>Read-write bind mounts: host path to container path.</summary>
    public IReadOnlyDictionary<string, string> WritableMounts { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? Entrypoint { get; init; }

    /// <summary>Arguments after the image: the CMD, or the entrypoint's arguments.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>The Testcontainers builder for these options; the image is local and never pulled.</summary>
    public ContainerBuilder ToBuilder(string name, string runId)
    {
        var builder = new ContainerBuilder(Image)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithName(name)
            .WithLabel(DockerEngine.Label, runId)
            .WithCleanUp(false)
            .WithEnvironment(Environment)
            .WithWaitStrategy(Wait.ForUnixContainer().AddCustomWaitStrategy(new Started(), s => s.WithMode(WaitStrategyMode.OneShot)))
            .WithCreateParameterModifier(parameters =>
            {
                parameters.HostConfig ??= new HostConfig();
                parameters.HostConfig.NetworkMode = "host";
                if (Volumes.Count > 0)
                {
                    parameters.HostConfig.Binds = [.. Volumes];
                }

                if (PidContainer is not null)
                {
                    parameters.HostConfig.PidMode = $"container:{PidContainer}";
                }

                if (Tmpfs)
                {
                    // Testcontainers' tmpfs mount has no options; the engine's HostConfig.Tmpfs takes "mode=0700".
                    parameters.HostConfig.Tmpfs = new Dictionary<string, string> { [SecretsDir] = TmpfsOptions };
                }
            });
        foreach (var (host, container) in ReadOnlyMounts)
        {
            builder = builder.WithBindMount(host, container, AccessMode.ReadOnly);
        }

        foreach (var (host, container) in WritableMounts)
        {
            builder = builder.WithBindMount(host, container, AccessMode.ReadWrite);
        }

        if (User is not null)
        {
            builder = builder.WithCreateParameterModifier(parameters => parameters.User = User);
        }

        if (Entrypoint is not null)
        {
            builder = builder.WithEntrypoint(Entrypoint);
        }

        return Command.Count == 0 ? builder : builder.WithCommand([.. Command]);
    }

    /// <summary>
    /// Ready as soon as the engine started it: a test waits for its own event (a log line, the exit), and a container
    /// run to its end may exit before any "is it running" check, which must not count as a failed start.
    /// </summary>
    private sealed class Started : IWaitUntil
    {
        public Task<bool> UntilAsync(IContainer container) => Task.FromResult(true);
    }
}
