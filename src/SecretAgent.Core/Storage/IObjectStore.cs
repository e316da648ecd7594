namespace SecretAgent.Core.Storage;

/// <summary>
/// Seam over where encrypted objects live (S3, or a local directory for demos). Keys passed in are full object keys
/// (source prefix + config name). Implementations throw <see cref="Errors.SecretAgentException"/> with kind NotFound,
/// AccessDenied, NoCredentials, Unavailable, Conflict or Integrity (oversized/short body).
/// </summary>
public interface IObjectStore
{
    /// <summary>The source this store reads, in canonical form (s3://bucket/prefix/ or file:///dir/).</summary>
    SourceUri Source { get; }

    Task<FetchResult> GetAsync(GetRequest request, CancellationToken cancellationToken);

    /// <summary>Returns null when the object does not exist.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes conditionally: with <paramref name="ifMatchETag"/> null the object must not exist (If-None-Match: *),
    /// otherwise its current ETag must equal it (If-Match). A lost race throws kind Conflict.
    /// </summary>
    Task<ObjectInfo> PutAsync(
        string key,
        ReadOnlyMemory<byte> body,
        IReadOnlyDictionary<string, string> metadata,
        string? ifMatchETag,
        CancellationToken cancellationToken);

    /// <summary>Lists the latest version of each object under the source prefix.</summary>
    Task<IReadOnlyList<ObjectInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Lists every version of one key, newest first, with metadata.</summary>
    Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
