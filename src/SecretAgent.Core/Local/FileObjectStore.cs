using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Local;

/// <summary>
/// A file:/// source: the same object bytes and metadata as S3, kept in a directory, with versions, ETags and
/// conditional writes. For demos and local development. (Implementation lands with the envelope code.)
/// </summary>
public sealed class FileObjectStore : IObjectStore
{
    public FileObjectStore(SourceUri source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
    }

    public SourceUri Source { get; }

    public Task<FetchResult> GetAsync(GetRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ObjectInfo> PutAsync(string key, ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string> metadata, string? ifMatchETag, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task<IReadOnlyList<ObjectInfo>> ListAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(string key, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task DeleteAsync(string key, CancellationToken cancellationToken) => throw new NotImplementedException();
}
