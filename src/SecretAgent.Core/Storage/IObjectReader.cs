namespace SecretAgent.Core.Storage;

/// <summary>
/// The reading half of where encrypted objects live (S3, or a local directory for demos): all the agent can do.
/// Writing is a separate seam (IObjectWriter) in SecretAgent.Publishing, which only the admin tool references.
/// Keys passed in are full object keys (source prefix + config name). Implementations throw
/// <see cref="Errors.SecretAgentException"/> with kind NotFound, AccessDenied, NoCredentials, Unavailable or
/// Integrity (oversized/short body).
/// </summary>
public interface IObjectReader
{
    /// <summary>The source this store reads, in canonical form (s3://bucket/prefix/ or file:///dir/).</summary>
    SourceUri Source { get; }

    Task<FetchResult> GetAsync(GetRequest request, CancellationToken cancellationToken);

    /// <summary>Returns null when the object does not exist.</summary>
    Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Lists the latest version of each object under the source prefix.</summary>
    Task<IReadOnlyList<ObjectInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Lists every version of one key, newest first, with metadata.</summary>
    Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(string key, CancellationToken cancellationToken);
}

/// <summary>
/// One GET. <see cref="MaxBytes"/> is enforced while streaming, so an oversized object is never fully read.
/// <see cref="IfNoneMatch"/> makes the GET conditional (the sidecar's cheap "has it changed?" probe).
/// </summary>
public sealed record GetRequest(string Key, long MaxBytes, string? VersionId = null, string? IfNoneMatch = null)
{
    /// <summary>The default per-object limit, shared by the agent and the admin tool's get.</summary>
    public const long DefaultMaxBytes = 4 * 1024 * 1024;
}

/// <summary>A downloaded object: its description and its (encrypted) body.</summary>
public sealed record FetchedObject(ObjectInfo Info, byte[] Body);

/// <summary>The outcome of a conditional GET: either the object, or "not modified" for the ETag the caller had.</summary>
public sealed record FetchResult(FetchedObject? Fetched)
{
    public static FetchResult NotModified { get; } = new((FetchedObject?)null);

    public bool IsNotModified => Fetched is null;
}

/// <summary>
/// What a store reports about one stored object version. <see cref="Metadata"/> holds user metadata with the
/// transport prefix (x-amz-meta-) removed and keys lower-cased, e.g. "x-amz-key-v2".
/// </summary>
public sealed record ObjectInfo(
    string Key,
    string? VersionId,
    string ETag,
    long Size,
    DateTimeOffset LastModified,
    IReadOnlyDictionary<string, string> Metadata,
    bool IsLatest = true,
    bool IsDeleteMarker = false);
