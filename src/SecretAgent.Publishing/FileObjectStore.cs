using System.Globalization;
using System.Security.Cryptography;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;
using SecretAgent.Local;

namespace SecretAgent.Publishing;

/// <summary>
/// A file:/// store the admin tool reads and writes: <see cref="FileObjectReader"/> for reading (the same code the
/// agent runs), plus versioned, conditional writes in the reader's layout.
/// </summary>
public sealed class FileObjectStore : IObjectStore
{
    private readonly FileObjectReader reader;

    public FileObjectStore(SourceUri source) => reader = new FileObjectReader(source);

    public SourceUri Source => reader.Source;

    public Task<FetchResult> GetAsync(GetRequest request, CancellationToken cancellationToken) => reader.GetAsync(request, cancellationToken);

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => reader.HeadAsync(key, cancellationToken);

    public Task<IReadOnlyList<ObjectInfo>> ListAsync(CancellationToken cancellationToken) => reader.ListAsync(cancellationToken);

    public Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(string key, CancellationToken cancellationToken) => reader.ListVersionsAsync(key, cancellationToken);

    public Task<ObjectInfo> PutAsync(string key, ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string> metadata, string? ifMatchETag, CancellationToken cancellationToken)
    {
        var dir = reader.ObjectDir(key);
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var guard = LockObject(dir);
        var current = reader.Find(key, null);
        if (!string.Equals(current?.ETag, ifMatchETag, StringComparison.Ordinal))
        {
            throw new SecretAgentException(ErrorKind.Conflict, $"object {key} was changed by someone else while publishing; retry");
        }

        var record = new VersionRecord(NextVersionId(dir), ETagOf(body.Span), DateTimeOffset.UtcNow, false, metadata);
        WriteVersion(dir, record, body.Span);
        return Task.FromResult(FileObjectReader.Info(key, record, body.Length, true));
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var dir = reader.ObjectDir(key);
        using var guard = LockObject(dir);
        if (reader.Find(key, null) is null)
        {
            throw reader.NotFound(key);
        }

        // Like a versioned bucket: a delete marker becomes the latest version; older versions stay.
        var marker = new VersionRecord(NextVersionId(dir), string.Empty, DateTimeOffset.UtcNow, true, new Dictionary<string, string>());
        WriteVersion(dir, marker, default);
        return Task.CompletedTask;
    }

    private static void WriteVersion(string dir, VersionRecord record, ReadOnlySpan<byte> body)
    {
        if (!record.DeleteMarker)
        {
            WriteNew(Path.Combine(dir, record.VersionId + ".body"), body);
        }

        WriteNew(Path.Combine(dir, record.VersionId + ".json"), record.ToJson());
        var temp = Path.Combine(dir, FileObjectReader.LatestFile + ".tmp");
        File.WriteAllText(temp, record.VersionId + "\n");
        File.Move(temp, Path.Combine(dir, FileObjectReader.LatestFile), overwrite: true);
    }

    private static void WriteNew(string path, ReadOnlySpan<byte> bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }

    private static string NextVersionId(string dir)
    {
        var last = Directory.EnumerateFiles(dir, "*.json").Select(Path.GetFileNameWithoutExtension).Where(n => FileObjectReader.IsVersionId(n!)).Max(StringComparer.Ordinal);
        var next = last is null ? 1 : int.Parse(last, CultureInfo.InvariantCulture) + 1;
        return next.ToString("D8", CultureInfo.InvariantCulture);
    }

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

    private static string ETagOf(ReadOnlySpan<byte> body) => "\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16)) + "\"";
}
