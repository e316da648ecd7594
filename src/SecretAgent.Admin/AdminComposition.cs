using SecretAgent.Aws;
using SecretAgent.Core.Storage;
using SecretAgent.Publishing;

namespace SecretAgent.Admin;

/// <summary>
/// The admin tool's composition root: the one place that picks real adapters, reading and writing halves alike.
/// Cheap: no AWS work happens until first use.
/// </summary>
internal static class AdminComposition
{
    /// <summary>The store for a source (S3 or a local directory) and the key service routed by key id.</summary>
    public static (IObjectStore Store, IKeyService Keys) Backends(SourceUri source, IReadOnlyList<string> grantTokens)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(grantTokens);
        IObjectStore store = source.IsS3 ? new S3ObjectStore(source, AwsClients.Shared) : new FileObjectStore(source);
        var keys = new KeyServiceRouter(() => new LocalKeyService(), () => new KmsKeyService(AwsClients.Shared, grantTokens));
        return (store, keys);
    }
}
