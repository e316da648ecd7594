using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Local;

/// <summary>
/// A file:/// source: the same object bytes and metadata as S3, kept in a directory, with versions, ETags and
/// conditional writes. For demos and local development. Layout per object (directory name = the escaped key):
/// <c>NNNNNNNN.body</c> and <c>NNNNNNNN.json</c> per version, and <c>latest</c> naming the current version.
/// </summary>
public sealed class FileObjectStore : IObjectStore
{
    private const string LatestFile = "latest";
    private const int MaxLatestBytes = 64;
    private const int MaxRecordBytes = 64 * 1024;

    public FileObjectStore(SourceUri source)
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

    public Task<ObjectInfo> PutAsync(string key, ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string> metadata, string? ifMatchETag, CancellationToken cancellationToken)
    {
        var dir = ObjectDir(key);
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var guard = LockObject(dir);
        var current = Find(key, null);
        if (!string.Equals(current?.ETag, ifMatchETag, StringComparison.Ordinal))
        {
            throw new SecretAgentException(ErrorKind.Conflict, $"object {key} was changed by someone else while publishing; retry");
        }

        var record = new VersionRecord(NextVersionId(dir), ETagOf(body.Span), DateTimeOffset.UtcNow, false, metadata);
        WriteVersion(dir, record, body.Span);
        return Task.FromResult(Info(key, record, body.Length, true));
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

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var dir = ObjectDir(key);
        using var guard = LockObject(dir);
        if (Find(key, null) is null)
        {
            throw NotFound(key);
        }

        // Like a versioned bucket: a delete marker becomes the latest version; older versions stay.
        var marker = new VersionRecord(NextVersionId(dir), string.Empty, DateTimeOffset.UtcNow, true, new Dictionary<string, string>());
        WriteVersion(dir, marker, default);
        return Task.CompletedTask;
    }

    private VersionRecord? Find(string key, string? versionId)
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
        try
        {
            return VersionRecord.Parse(ReadStoreFile(path, MaxRecordBytes, $"object {key} metadata record"));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SecretAgentException(ErrorKind.Integrity, $"object {key} has a corrupt metadata record in the local store");
        }
    }

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

    private static void WriteVersion(string dir, VersionRecord record, ReadOnlySpan<byte> body)
    {
        if (!record.DeleteMarker)
        {
            WriteNew(Path.Combine(dir, record.VersionId + ".body"), body);
        }

        WriteNew(Path.Combine(dir, record.VersionId + ".json"), record.ToJson());
        var temp = Path.Combine(dir, LatestFile + ".tmp");
        File.WriteAllText(temp, record.VersionId + "\n");
        File.Move(temp, Path.Combine(dir, LatestFile), overwrite: true);
    }

    private static void WriteNew(string path, ReadOnlySpan<byte> bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }

    private static string NextVersionId(string dir)
    {
        var last = Directory.EnumerateFiles(dir, "*.json").Select(Path.GetFileNameWithoutExtension).Where(n => IsVersionId(n!)).Max(StringComparer.Ordinal);
        var next = last is null ? 1 : int.Parse(last, CultureInfo.InvariantCulture) + 1;
        return next.ToString("D8", CultureInfo.InvariantCulture);
    }

    private static bool IsVersionId(string id) => id.Length == 8 && id.All(char.IsAsciiDigit);

    // An exclusive lock on the object directory makes compare-and-write atomic across processes, like S3's
    // conditional PUT. FileShare.None on Unix takes a non-blocking flock, so wait for it with a bounded retry.
    private static FileStream LockObject(string dir)
    {
        var path = Path.Combine(dir, ".lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(10);
            }
        }
    }

    private string ObjectDir(string key) => Path.Combine(Root, Uri.EscapeDataString(key));

    private long BodySize(string key, VersionRecord record) => new FileInfo(Path.Combine(ObjectDir(key), record.VersionId + ".body")).Length;

    private static string ETagOf(ReadOnlySpan<byte> body) => "\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16)) + "\"";

    private static ObjectInfo Info(string key, VersionRecord record, long size, bool isLatest) =>
        new(key, record.VersionId, record.ETag, size, record.LastModified, record.Metadata, isLatest, record.DeleteMarker);

    private SecretAgentException NotFound(string key) => new(ErrorKind.NotFound, $"object {Source.Scope}{key} not found");

    private SecretAgentException MissingRoot() => new(ErrorKind.NotFound, $"source directory {Root} does not exist");
}
