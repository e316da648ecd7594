using System.Text;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using SecretAgent.Local;
using SecretAgent.Publishing;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// A throwaway local deployment for black-box runs of secret-agent: a file:/// store, a local key, a manifest, and a
/// target directory on tmpfs (/dev/shm). Configs are published with the core library, as the admin tool does.
/// </summary>
internal sealed class LocalWorld : IDisposable
{
    private readonly LocalKeyService keys = new();

    public LocalWorld()
    {
        Root = Directory.CreateTempSubdirectory("sa-world-").FullName;
        Target = Path.Combine("/dev/shm", "sa-target-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Target);
        KeyPath = Path.Combine(Root, "demo.key");
        LocalKeyFile.Create(KeyPath);
        Store = new FileObjectStore(SourceUri.Parse($"file://{Root}/store/"));
        ManifestPath = Path.Combine(Root, "secret-agent.yaml");
        WriteManifest("version: 1\nfiles: []\n");
    }

    public string Root { get; }

    public string Target { get; }

    public string KeyPath { get; }

    public string KeyId => "file://" + KeyPath;

    public string ManifestPath { get; }

    public FileObjectStore Store { get; }

    public void WriteManifest(string yaml) => File.WriteAllText(ManifestPath, yaml);

    public Task<ObjectInfo> PublishAsync(string name, string content, EnvelopeFormat format = EnvelopeFormat.V3) =>
        PublishAsync(name, Encoding.UTF8.GetBytes(content), format);

    public Task<ObjectInfo> PublishAsync(string name, byte[] content, EnvelopeFormat format = EnvelopeFormat.V3) =>
        Sealing.PublishAsync(Store, name, content, KeyId, keys, format);

    /// <summary>The environment a deployment would give the agent.</summary>
    public Dictionary<string, string?> Environment() => new()
    {
        ["SECRET_AGENT_MANIFEST"] = ManifestPath,
        ["SECRET_AGENT_SOURCE"] = Store.Source.Scope,
        ["SECRET_AGENT_KMS_KEY_ID"] = KeyId,
        ["SECRET_AGENT_DIR"] = Target,
    };

    public CommandResult Agent(params string[] args) => CommandRunner.Run(Binaries.Agent, args, Environment());

    /// <summary>Runs the agent with this world's environment, changed by <paramref name="overrides"/>.</summary>
    public CommandResult Agent(IReadOnlyDictionary<string, string?> overrides, params string[] args)
    {
        var environment = Environment();
        foreach (var (key, value) in overrides)
        {
            environment[key] = value;
        }

        return CommandRunner.Run(Binaries.Agent, args, environment);
    }

    public string ObjectDir(string name) => Path.Combine(Store.Source.Prefix, Uri.EscapeDataString(name));

    public void Dispose()
    {
        Directory.Delete(Root, recursive: true);
        if (Directory.Exists(Target))
        {
            Directory.Delete(Target, recursive: true);
        }
    }
}
