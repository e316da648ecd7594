using SecretAgent.Core.Keys;
using SecretAgent.Core.Local;
using SecretAgent.Core.Storage;

namespace SecretAgent.Aws;

/// <summary>The composition of store and key service for a source. Cheap: no AWS work happens until first use.</summary>
public static class Backends
{
    /// <summary>
    /// The store and key service for <paramref name="source"/>. <paramref name="grantTokens"/> are KMS grant tokens
    /// (the SECRET_AGENT_KMS_GRANT_TOKENS setting): a grant is usable with its token before it is eventually
    /// consistent, so a freshly granted app can start at once (faults.md row 43).
    /// </summary>
    public static (IObjectStore Store, IKeyService Keys) Create(SourceUri source, IReadOnlyList<string> grantTokens) =>
        Create(source, grantTokens, () => AwsClients.Shared);

    /// <summary>As <see cref="Create(SourceUri, IReadOnlyList{string})"/>, with the AWS clients supplied (tests point them at moto).</summary>
    public static (IObjectStore Store, IKeyService Keys) Create(SourceUri source, IReadOnlyList<string> grantTokens, Func<AwsClients> clients)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(grantTokens);
        ArgumentNullException.ThrowIfNull(clients);
        IObjectStore store = source.IsS3 ? new S3ObjectStore(source, clients()) : new FileObjectStore(source);
        var tokens = grantTokens.ToArray();
        var keys = new KeyServiceRouter(() => new LocalKeyService(), () => new KmsKeyService(clients(), tokens));
        return (store, keys);
    }
}
