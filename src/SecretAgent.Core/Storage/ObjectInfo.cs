namespace SecretAgent.Core.Storage;

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
