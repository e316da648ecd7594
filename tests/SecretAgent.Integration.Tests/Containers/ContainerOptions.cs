namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// What a test varies in <c>docker run</c>. Every container also gets <c>--network host</c> (no bridge networks:
/// the engine runs with --bridge=none) and a label so a stray one can be found and removed.
/// </summary>
internal sealed record ContainerOptions
{
    /// <summary>The directory the agent writes to: a memory-backed tmpfs like a real deployment's, unless turned off.</summary>
    public const string SecretsDir = "/run/secrets";

    public required string Image { get; init; }

    /// <summary>Mount <c>--tmpfs /run/secrets:mode=0700</c>; false leaves /run/secrets on the overlay disk.</summary>
    public bool Tmpfs { get; init; } = true;

    /// <summary>Read-only bind mounts: host path to container path.</summary>
    public IReadOnlyDictionary<string, string> ReadOnlyMounts { get; init; } = new Dictionary<string, string>();

    /// <summary>Read-write bind mounts: host path to container path.</summary>
    public IReadOnlyDictionary<string, string> WritableMounts { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? Entrypoint { get; init; }

    /// <summary>Arguments after the image: the CMD, or the entrypoint's arguments.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    public IEnumerable<string> ToRunArguments(string name)
    {
        yield return "--name";
        yield return name;
        yield return "--network";
        yield return "host";
        yield return "--label";
        yield return DockerEngine.Label;
        if (Tmpfs)
        {
            yield return "--tmpfs";
            yield return SecretsDir + ":mode=0700";
        }

        foreach (var (host, container) in ReadOnlyMounts)
        {
            yield return "--volume";
            yield return $"{host}:{container}:ro";
        }

        foreach (var (host, container) in WritableMounts)
        {
            yield return "--volume";
            yield return $"{host}:{container}";
        }

        foreach (var (key, value) in Environment)
        {
            yield return "--env";
            yield return $"{key}={value}";
        }

        if (Entrypoint is not null)
        {
            yield return "--entrypoint";
            yield return Entrypoint;
        }

        yield return Image;
        foreach (var arg in Command)
        {
            yield return arg;
        }
    }
}
