using SecretAgent.Integration.Tests.Admin;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// A fresh tmpfs target and a manifest naming one config, for tests that run the real agent's <c>run</c> against an
/// <see cref="AdminWorld"/> with one service's endpoint pointed elsewhere (the fault proxy).
/// </summary>
internal sealed class OneConfigRun : IDisposable
{
    public const string Name = "db.json";
    private readonly string manifest;

    public OneConfigRun(string label)
    {
        Target = Path.Combine("/dev/shm", $"sa-{label}-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Target);
        manifest = Path.Combine(Directory.CreateTempSubdirectory($"sa-{label}-manifest-").FullName, "secret-agent.yaml");
        File.WriteAllText(manifest, $"version: 1\nfiles:\n  - name: {Name}\n");
    }

    public string Target { get; }

    public string ManifestPath => manifest;

    /// <summary>Where the config lands when the run succeeds.</summary>
    public string ConfigPath => Path.Combine(Target, Name);

    /// <summary>Runs <c>secret-agent run -- command</c> with the world's settings plus <paramref name="overrides"/>.</summary>
    public CommandResult Run(AdminWorld world, IReadOnlyDictionary<string, string?> overrides, params string[] command) =>
        RunWith(world, overrides, [], command);

    /// <summary>Runs <c>secret-agent run FLAGS -- command</c> (e.g. a shorter <c>--timeout</c>).</summary>
    public CommandResult RunWith(AdminWorld world, IReadOnlyDictionary<string, string?> overrides, string[] flags, params string[] command) =>
        CommandRunner.Run(Binaries.Agent, ["run", .. flags, "--", .. command.Length == 0 ? ["true"] : command], Environment(world, overrides));

    /// <summary>The world's settings plus <paramref name="overrides"/>, with this run's manifest and target.</summary>
    public Dictionary<string, string?> Environment(AdminWorld world, IReadOnlyDictionary<string, string?> overrides)
    {
        var environment = world.Environment();
        foreach (var (variable, value) in overrides)
        {
            environment[variable] = value;
        }

        environment["SECRET_AGENT_MANIFEST"] = manifest;
        environment["SECRET_AGENT_DIR"] = Target;
        return environment;
    }

    public void Dispose()
    {
        Directory.Delete(Target, recursive: true);
        Directory.Delete(Path.GetDirectoryName(manifest)!, recursive: true);
    }
}
