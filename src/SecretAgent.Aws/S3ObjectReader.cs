using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;

namespace SecretAgent.Aws;

/// <summary>
/// The S3 object reader (the writing half, admin only, is SecretAgent.Publishing's S3ObjectStore). Keys are full object keys in the source's bucket. Every SDK failure leaves as a
/// SecretAgentException (see <see cref="S3Errors"/>); a cancellation the caller requested propagates untouched.
/// </summary>
public sealed class S3ObjectReader : IObjectReader
{
    private const int HeadConcurrency = 8;

    private readonly AwsClients clients;

    public S3ObjectReader(SourceUri source, AwsClients clients)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(clients);
        if (!source.IsS3)
        {
            throw new ArgumentException("not an s3:// source", nameof(source));
        }

        Source = source;
        this.clients = clients;
    }

    public SourceUri Source { get; }

    internal string Bucket => Source.Bucket;

    public Task<FetchResult> GetAsync(GetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallAsync(request.Key, async s3 =>
        {
            var get = new GetObjectRequest { BucketName = Bucket, Key = request.Key, VersionId = request.VersionId, EtagToNotMatch = request.IfNoneMatch };
            try
            {
                using var response = await s3.GetObjectAsync(get, cancellationToken);
                var body = await S3Body.ReadAsync(response.ResponseStream, response.Headers.ContentLength, request.MaxBytes, cancellationToken);
                var info = S3Convert.Info(request.Key, response.VersionId, response.ETag, body.Length, response.LastModified, response.Metadata);
                return new FetchResult(new FetchedObject(info, body));
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotModified)
            {
                return FetchResult.NotModified;
            }
        }, cancellationToken);
    }

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) =>
        CallAsync(key, s3 => HeadAsync(s3, key, null, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<ObjectInfo>> ListAsync(CancellationToken cancellationToken) =>
        CallAsync(null, async s3 =>
        {
            var keys = await ListKeysAsync(s3, cancellationToken);
            var infos = new ObjectInfo?[keys.Count];
            var options = new ParallelOptions { MaxDegreeOfParallelism = HeadConcurrency, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), options, async (i, ct) => infos[i] = await HeadAsync(s3, keys[i], null, ct));

            // An object deleted between LIST and HEAD is simply gone.
            return (IReadOnlyList<ObjectInfo>)infos.OfType<ObjectInfo>().ToList();
        }, cancellationToken);

    public Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(string key, CancellationToken cancellationToken) =>
        CallAsync(key, async s3 =>
        {
            var versions = await ListVersionEntriesAsync(s3, key, cancellationToken);
            if (versions.Count == 0)
            {
                throw new SecretAgentException(ErrorKind.NotFound, $"object s3://{Bucket}/{key} not found");
            }

            var infos = new ObjectInfo?[versions.Count];
            var options = new ParallelOptions { MaxDegreeOfParallelism = HeadConcurrency, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, versions.Count), options, async (i, ct) => infos[i] = await DescribeVersionAsync(s3, versions[i], ct));

            // S3 lists a key's versions newest first, but some implementations list delete markers after all
            // versions; order explicitly (LINQ sorts are stable, so equal times keep the listing's order).
            return (IReadOnlyList<ObjectInfo>)infos.OfType<ObjectInfo>()
                .OrderByDescending(v => v.IsLatest)
                .ThenByDescending(v => v.LastModified)
                .ToList();
        }, cancellationToken);

    internal async Task<ObjectInfo?> HeadAsync(IAmazonS3 s3, string key, string? versionId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = key, VersionId = versionId }, cancellationToken);
            return S3Convert.Info(key, response.VersionId, response.ETag, response.Headers.ContentLength, response.LastModified, response.Metadata);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
    }

    private async Task<ObjectInfo?> DescribeVersionAsync(IAmazonS3 s3, S3ObjectVersion version, CancellationToken cancellationToken)
    {
        var isLatest = version.IsLatest == true;
        if (version.IsDeleteMarker == true)
        {
            return new ObjectInfo(version.Key, version.VersionId, string.Empty, 0, S3Convert.Time(version.LastModified), S3Convert.NoMetadata, isLatest, IsDeleteMarker: true);
        }

        var info = await HeadAsync(s3, version.Key, version.VersionId, cancellationToken);
        return info is null ? null : info with { IsLatest = isLatest };
    }

    private async Task<List<string>> ListKeysAsync(IAmazonS3 s3, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Source.Prefix };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request, cancellationToken);
            S3Errors.CheckAnsweredAsS3(response.Name, Source.Location);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key).Where(k => !k.EndsWith('/')));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return keys;
    }

    private async Task<List<S3ObjectVersion>> ListVersionEntriesAsync(IAmazonS3 s3, string key, CancellationToken cancellationToken)
    {
        var versions = new List<S3ObjectVersion>();
        var request = new ListVersionsRequest { BucketName = Bucket, Prefix = key };
        ListVersionsResponse response;
        do
        {
            response = await s3.ListVersionsAsync(request, cancellationToken);
            S3Errors.CheckAnsweredAsS3(response.Name, Source.Location);
            versions.AddRange((response.Versions ?? []).Where(v => string.Equals(v.Key, key, StringComparison.Ordinal)));
            request.KeyMarker = response.NextKeyMarker;
            request.VersionIdMarker = response.NextVersionIdMarker;
        }

        // Keys come in order: once the next page starts past our key, we have all of its versions.
        while (response.IsTruncated == true && string.Equals(response.NextKeyMarker, key, StringComparison.Ordinal));

        return versions;
    }

    internal async Task<T> CallAsync<T>(string? key, Func<IAmazonS3, Task<T>> call, CancellationToken cancellationToken)
    {
        var s3 = await clients.GetS3Async(cancellationToken);
        try
        {
            return await call(s3);
        }
        catch (Exception ex) when (S3Errors.Map(ex, Bucket, key, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }
}
