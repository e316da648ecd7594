using Amazon.S3.Model;
using SecretAgent.Core.Storage;

namespace SecretAgent.Aws;

/// <summary>S3 response fields into <see cref="ObjectInfo"/>.</summary>
internal static class S3Convert
{
    private const string MetaPrefix = "x-amz-meta-";

    public static IReadOnlyDictionary<string, string> NoMetadata { get; } = new Dictionary<string, string>();

    public static ObjectInfo Info(string key, string? versionId, string? etag, long size, DateTime? lastModified, MetadataCollection metadata) =>
        new(key, NullIfEmpty(versionId), etag ?? string.Empty, size, Time(lastModified), Metadata(metadata));

    /// <summary>User metadata without the transport prefix, keys lower-cased (HTTP headers are case-insensitive).</summary>
    public static IReadOnlyDictionary<string, string> Metadata(MetadataCollection metadata)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in metadata.Keys)
        {
            var name = key.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase) ? key[MetaPrefix.Length..] : key;
            result[name.ToLowerInvariant()] = metadata[key];
        }

        return result;
    }

    public static DateTimeOffset Time(DateTime? value) => value switch
    {
        null => DateTimeOffset.MinValue,
        { Kind: DateTimeKind.Utc } utc => new DateTimeOffset(utc),
        { } other => new DateTimeOffset(other.ToUniversalTime()),
    };

    // An unversioned bucket reports the version id "null" or nothing.
    private static string? NullIfEmpty(string? versionId) =>
        string.IsNullOrEmpty(versionId) || versionId == "null" ? null : versionId;
}
