using SecretAgent.Core.Format;

namespace SecretAgent.Core.Catalog;

/// <summary>
/// One config in a listing, read from object metadata only (nothing is decrypted). <see cref="Problem"/> says why the
/// agent would refuse the object (not our format, bound to another name or source), or is null.
/// </summary>
public sealed record ConfigSummary(
    string Name,
    long? Generation,
    EnvelopeFormat? Format,
    long Size,
    DateTimeOffset LastModified,
    string? VersionId,
    string? Problem);

/// <summary>One stored version of a config, newest first in a history.</summary>
public sealed record ConfigVersion(
    string? VersionId,
    long? Generation,
    long Size,
    DateTimeOffset LastModified,
    bool IsLatest,
    bool IsDeleteMarker,
    string? Problem);
