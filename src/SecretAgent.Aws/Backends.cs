using SecretAgent.Core.Keys;
using SecretAgent.Core.Local;
using SecretAgent.Core.Storage;

namespace SecretAgent.Aws;

/// <summary>The composition of store and key service for a source. Cheap: no AWS work happens until first use.</summary>
public static class Backends
{
    public static (IObjectStore Store, IKeyService Keys) Create(SourceUri source) => Create(source, () => AwsClients.Shared);

    /// <summary>As <see cref="Create(SourceUri)"/>, with the AWS clients supplied (tests point them at moto).</summary>
    public static (IObjectStore Store, IKeyService Keys) Create(SourceUri source, Func<AwsClients> clients)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(clients);
        IObjectStore store = source.IsS3 ? new S3ObjectStore(source, clients()) : new FileObjectStore(source);
        var keys = new KeyServiceRouter(() => new LocalKeyService(), () => new KmsKeyService(clients()));
        return (store, keys);
    }
}
