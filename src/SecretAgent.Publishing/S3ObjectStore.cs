using Amazon.S3.Model;
using SecretAgent.Aws;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;

namespace SecretAgent.Publishing;

/// <summary>
/// The S3 store the admin tool reads and writes: <see cref="S3ObjectReader"/> for reading (the agent's code), plus
/// conditional PutObject and DeleteObject through the same clients and error mapping.
/// </summary>
public sealed class S3ObjectStore : IObjectStore
{
    private readonly S3ObjectReader reader;

    public S3ObjectStore(SourceUri source, AwsClients clients) => reader = new S3ObjectReader(source, clients);

    public SourceUri Source => reader.Source;

    public Task<FetchResult> GetAsync(GetRequest request, CancellationToken cancellationToken) => reader.GetAsync(request, cancellationToken);

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => reader.HeadAsync(key, cancellationToken);

    public Task<IReadOnlyList<ObjectInfo>> ListAsync(CancellationToken cancellationToken) => reader.ListAsync(cancellationToken);

    public Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(string key, CancellationToken cancellationToken) => reader.ListVersionsAsync(key, cancellationToken);

    public Task<ObjectInfo> PutAsync(string key, ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string> metadata, string? ifMatchETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return reader.CallAsync(key, async s3 =>
        {
            using var content = new MemoryStream(body.ToArray(), writable: false);
            var put = new PutObjectRequest { BucketName = reader.Bucket, Key = key, InputStream = content, ContentType = "application/octet-stream" };

            // Compare-and-swap: S3 rejects the write if someone published in between (412, or 409 mid-race).
            if (ifMatchETag is null)
            {
                put.IfNoneMatch = "*";
            }
            else
            {
                put.IfMatch = ifMatchETag;
            }

            foreach (var (name, value) in metadata)
            {
                put.Metadata.Add(name, value);
            }

            var response = await s3.PutObjectAsync(put, cancellationToken);
            var stored = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
            return new ObjectInfo(key, response.VersionId, response.ETag, body.Length, DateTimeOffset.UtcNow, stored);
        }, cancellationToken);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        reader.CallAsync(key, async s3 =>
        {
            if (await reader.HeadAsync(s3, key, null, cancellationToken) is null)
            {
                throw new SecretAgentException(ErrorKind.NotFound, $"object s3://{reader.Bucket}/{key} not found");
            }

            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = reader.Bucket, Key = key }, cancellationToken);
            return true;
        }, cancellationToken);
}
