using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using SecretAgent.Local;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// A local deployment as a container sees it: a file:/// store mounted read-only at /store and a local key file
/// (standing in for KMS) mounted read-only at /keys/demo.key. Objects are sealed on the host with the core library,
/// as secret-agent-admin does, bound to the source the container uses (file:///store/).
/// </summary>
internal sealed class ContainerWorld : IDisposable
{
    public const string StoreMount = "/store";
    public const string KeysMount = "/keys";
    public const string Source = "file:///store/";
    public const string KeyId = "file:///keys/demo.key";

    private readonly string hostKeyId;
    private readonly FileObjectStore store;

    public ContainerWorld()
    {
        Root = Directory.CreateTempSubdirectory("sa-containers-").FullName;
        StoreDir = Path.Combine(Root, "store");
        KeysDir = Path.Combine(Root, "keys");
        Directory.CreateDirectory(StoreDir);
        Directory.CreateDirectory(KeysDir);
        var keyPath = Path.Combine(KeysDir, "demo.key");
        LocalKeyFile.Create(keyPath);
        hostKeyId = "file://" + keyPath;
        store = new FileObjectStore(SourceUri.Parse($"file://{StoreDir}/"));
    }

    public string Root { get; }

    public string StoreDir { get; }

    public string KeysDir { get; }

    /// <summary>Publishes the three sample configs (samples/configs/) at generation 1.</summary>
    public async Task PublishSamplesAsync()
    {
        foreach (var (name, _) in SampleConfigs.Files)
        {
            await PublishAsync(name, SampleConfigs.Content(name));
        }
    }

    public async Task PublishAsync(string name, byte[] content)
    {
        var context = EncryptionContext.ForConfig(name, Source, generation: 1);
        var keys = new MountedKeyService(new LocalKeyService(), hostKeyId, KeyId);
        await Sealing.PutAsync(store, name, content, context, KeyId, keys);
    }

    /// <summary>Container options with the store, the key and the agent's settings; the image's manifest is used.</summary>
    public ContainerOptions Options(string image) => new()
    {
        Image = image,
        // The sample app image runs the app as 65532 (run --user): its group reads and searches the mount point.
        TmpfsOptions = "mode=0750,uid=0,gid=65532",
        ReadOnlyMounts = new Dictionary<string, string>
        {
            [StoreDir] = StoreMount,
            [KeysDir] = KeysMount,
        },
        Environment = new Dictionary<string, string>
        {
            ["SECRET_AGENT_SOURCE"] = Source,
            ["SECRET_AGENT_KMS_KEY_ID"] = KeyId,
        },
    };

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>
    /// Seals with the key file at its host path while recording the id the container knows it by, exactly as
    /// secret-agent-admin would record it when run with --kms-key-id file:///keys/demo.key.
    /// </summary>
    private sealed class MountedKeyService(LocalKeyService inner, string hostKeyId, string containerKeyId) : IKeyService
    {
        public async Task<DataKey> GenerateDataKeyAsync(string keyId, EncryptionContext context, CancellationToken cancellationToken)
        {
            using var generated = await inner.GenerateDataKeyAsync(hostKeyId, context, cancellationToken);
            return new DataKey(generated.Plaintext.ToArray(), generated.Encrypted, containerKeyId);
        }

        public Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken) =>
            inner.DecryptAsync(encryptedKey, hostKeyId, context, cancellationToken);
    }
}
