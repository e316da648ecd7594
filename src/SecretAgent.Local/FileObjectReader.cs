using System.Text;
using System.Text.Json;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;
using SecretAgent.Core.Storage;

namespace SecretAgent.Local;

/// <summary>
/// A file:/// source: the same object bytes and metadata as S3, kept in a directory, with versions, ETags and
/// conditional writes. For demos and local development. This is the reading half; the writer (admin only) is
/// SecretAgent.Publishing's FileObjectStore. Layout per object (directory name = the escaped key):
/// <c>NNNNNNNN.body</c> and <c>NNNNNNNN.json</c> per version, and <c>latest</c> naming the current version.
/// </summary>
public sealed class FileObjectReader : IObjectReader
{
    internal const string LatestFile = "latest";
    private const int MaxLatestBytes = 64;
    private const int MaxRecordBytes = 64 * 1024;

    public FileObjectReader(SourceUri source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
    }

    public SourceUri Source { get; }

    private string Root => Source.Prefix;

    public Task<FetchResult> GetAsync(GetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var record = Find(request.Key, request.VersionId) ?? throw NotFound(request.Key);
        if (request.IfNoneMatch is not null && string.Equals(request.IfNoneMatch, record.ETag, StringComparison.Ordinal))
        {
            return Task.FromResult(FetchResult.NotModified);
        }

        var bodyPath = Path.Combine(ObjectDir(request.Key), record.VersionId + ".body");
        var body = ReadStoreFile(bodyPath, request.MaxBytes, $"object {request.Key} body");
        return Task.FromResult(new FetchResult(new FetchedObject(Info(request.Key, record, body.Length, true), body)));
    }

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        // A store that doesn't exist yet holds nothing: the first put creates it.
        var record = Directory.Exists(Root) ? Find(key, null) : null;
        return Task.FromResult(record is null ? null : Info(key, record, BodySize(key, record), true));
    }

    public Task<IReadOnlyList<ObjectInfo>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            throw MissingRoot();
        }

        var result = Directory.EnumerateDirectories(Root)
            .Select(dir => Uri.UnescapeDataString(Path.GetFileName(dir)))
            .Select(key => (key, record: Find(key, null)))
            .Where(e => e.record is not null)
            .Select(e => Info(e.key, e.record!, BodySize(e.key, e.record!), true))
            .OrderBy(i => i.Key, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult<IReadOnlyList<ObjectInfo>>(result);
    }

    public Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(string key, CancellationToken cancellationToken)
    {
        var dir = ObjectDir(key);
        if (!Directory.Exists(dir))
        {
            throw NotFound(key);
        }

        var latest = ReadLatest(dir);
        var result = Directory.EnumerateFiles(dir, "*.json")
            .Select(path => ReadRecord(key, path))
            .OrderByDescending(r => r.VersionId, StringComparer.Ordinal)
            .Select(r => Info(key, r, r.DeleteMarker ? 0 : BodySize(key, r), string.Equals(r.VersionId, latest, StringComparison.Ordinal)))
            .ToList();
        return Task.FromResult<IReadOnlyList<ObjectInfo>>(result);
    }

    internal VersionRecord? Find(string key, string? versionId)
    {
        var dir = ObjectDir(key);
        if (!Directory.Exists(Root))
        {
            throw MissingRoot();
        }

        var id = versionId ?? ReadLatest(dir);
        var path = id is null ? null : Path.Combine(dir, id + ".json");
        if (path is null || !IsVersionId(id!) || !File.Exists(path))
        {
            return null;
        }

        var record = ReadRecord(key, path);
        return record.DeleteMarker ? null : record;
    }

    private static VersionRecord ReadRecord(string key, string path)
    {
        VersionRecord record;
        try
        {
            record = VersionRecord.Parse(ReadStoreFile(path, MaxRecordBytes, $"object {key} metadata record"));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw CorruptRecord(key);
        }

        // The body is found through the record's own version id: one that is not its file's name points elsewhere.
        return string.Equals(record.VersionId, Path.GetFileNameWithoutExtension(path), StringComparison.Ordinal) ? record : throw CorruptRecord(key);
    }

    private static SecretAgentException CorruptRecord(string key) =>
        new(ErrorKind.Integrity, $"object {key} has a corrupt metadata record in the local store");

    private static string? ReadLatest(string dir)
    {
        var path = Path.Combine(dir, LatestFile);
        return Path.Exists(path) ? Encoding.UTF8.GetString(ReadStoreFile(path, MaxLatestBytes, "latest-version pointer")).Trim() : null;
    }

    // Everything in the store was written by us as a small regular file. Anything else (a FIFO, /dev/zero, a symlink,
    // a huge file) is tampering or damage: refuse it as corrupt (never as "not found", which would let an optional
    // config be skipped) without blocking on it or reading it unbounded.
    private static byte[] ReadStoreFile(string path, long maxBytes, string what)
    {
        try
        {
            return RegularFile.ReadAll(path, maxBytes, $"local store {what}", followSymlink: false);
        }
        catch (SecretAgentException ex) when (ex.Kind == ErrorKind.NotFound)
        {
            throw new SecretAgentException(ErrorKind.Integrity, ex.Message);
        }
    }

    internal static bool IsVersionId(string id) => id.Length == 8 && id.All(char.IsAsciiDigit);

    internal string ObjectDir(string key) => Path.Combine(Root, Uri.EscapeDataString(key));

    // A version whose body is gone (or is not a file) is damage, as in ReadStoreFile: never an exception of another type.
    private long BodySize(string key, VersionRecord record)
    {
        var body = new FileInfo(Path.Combine(ObjectDir(key), record.VersionId + ".body"));
        return body.Exists ? body.Length : throw new SecretAgentException(ErrorKind.Integrity, $"object {key} has no body for version {record.VersionId} in the local store");
    }

    internal static ObjectInfo Info(string key, VersionRecord record, long size, bool isLatest) =>
        new(key, record.VersionId, record.ETag, size, record.LastModified, record.Metadata, isLatest, record.DeleteMarker);

    internal SecretAgentException NotFound(string key) => new(ErrorKind.NotFound, $"object {Source.Location}{key} not found");

    private SecretAgentException MissingRoot() => new(ErrorKind.NotFound, $"source directory {Root} does not exist");
}
