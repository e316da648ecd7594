using System.Text;
using Amazon.S3.Model;
using SecretAgent.Aws;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;
using SecretAgent.Integration.Tests.Moto;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Aws;

/// <summary>The S3 object store against moto, through the real SDK client.</summary>
[Collection(UsesMoto.Name)]
public sealed class S3ObjectStoreTests(MotoServer moto)
{
    private static readonly Dictionary<string, string> Meta = new() { ["x-amz-c"] = "115", ["x-amz-t"] = "{\"a\":\"b\"}" };

    [Fact]
    public async Task PutThenGet_RoundTripsBodyAndMetadata()
    {
        var store = await NewStoreAsync("team/app/");
        var put = await store.PutAsync("team/app/db.json", "ciphertext"u8.ToArray(), Meta, null, default);

        var result = await store.GetAsync(new GetRequest("team/app/db.json", 1024), default);

        var fetched = Assert.IsType<FetchedObject>(result.Fetched);
        Assert.Equal("ciphertext"u8.ToArray(), fetched.Body);
        Assert.Equal(Meta, fetched.Info.Metadata);
        Assert.Equal(put.VersionId, fetched.Info.VersionId);
        Assert.Equal(put.ETag, fetched.Info.ETag);
        Assert.NotNull(put.VersionId);
        Assert.Equal(10, fetched.Info.Size);
    }

    [Fact]
    public async Task Get_WhenETagMatches_ReturnsNotModified()
    {
        var store = await NewStoreAsync();
        var put = await store.PutAsync("a", "x"u8.ToArray(), Meta, null, default);

        var same = await store.GetAsync(new GetRequest("a", 1024, IfNoneMatch: put.ETag), default);
        var other = await store.GetAsync(new GetRequest("a", 1024, IfNoneMatch: "\"0000\""), default);

        Assert.True(same.IsNotModified);
        Assert.False(other.IsNotModified);
    }

    [Fact]
    public async Task Get_WhenVersionIdGiven_ReturnsThatVersion()
    {
        var store = await NewStoreAsync();
        var first = await store.PutAsync("a", "one"u8.ToArray(), Meta, null, default);
        await store.PutAsync("a", "two"u8.ToArray(), Meta, first.ETag, default);

        var result = await store.GetAsync(new GetRequest("a", 1024, first.VersionId), default);

        Assert.Equal("one"u8.ToArray(), result.Fetched!.Body);
    }

    [Fact]
    public async Task Get_WhenOverMaxBytes_ThrowsIntegrityNamingSizes()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("big", new byte[2048], Meta, null, default);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.GetAsync(new GetRequest("big", 1000), default));

        Assert.Equal(ErrorKind.Integrity, ex.Kind);
        Assert.Equal("object is 2048 bytes, over the 1000-byte limit", ex.Message);
    }

    [Fact]
    public async Task Get_WhenKeyMissing_ThrowsNotFoundNamingObject()
    {
        var store = await NewStoreAsync("p/");

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.GetAsync(new GetRequest("p/nope", 1024), default));

        Assert.Equal(ErrorKind.NotFound, ex.Kind);
        Assert.Equal($"object s3://{store.Source.Bucket}/p/nope not found", ex.Message);
    }

    [Fact]
    public async Task Get_WhenBucketMissing_ThrowsNotFoundNamingBucket()
    {
        using var clients = moto.Clients();
        var store = new S3ObjectStore(SourceUri.Parse("s3://no-such-bucket-here/"), clients);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.GetAsync(new GetRequest("x", 1024), default));

        Assert.Equal(ErrorKind.NotFound, ex.Kind);
        Assert.Equal("bucket no-such-bucket-here does not exist", ex.Message);
    }

    [Fact]
    public async Task Head_WhenMissing_ReturnsNull_AndWhenPresent_ReportsMetadata()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.HeadAsync("a", default));

        await store.PutAsync("a", "x"u8.ToArray(), Meta, null, default);
        var info = await store.HeadAsync("a", default);

        Assert.NotNull(info);
        Assert.Equal(Meta, info.Metadata);
        Assert.Equal(1, info.Size);
    }

    [Fact]
    public async Task Put_WhenObjectExistsAndNoETagGiven_ThrowsConflict()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("a", "x"u8.ToArray(), Meta, null, default);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.PutAsync("a", "y"u8.ToArray(), Meta, null, default));

        Assert.Equal(ErrorKind.Conflict, ex.Kind);
        Assert.Equal("config was changed by someone else while publishing; retry", ex.Message);
    }

    [Fact]
    public async Task Put_WhenETagIsStale_ThrowsConflictAndKeepsTheWinner()
    {
        var store = await NewStoreAsync();
        var first = await store.PutAsync("a", "one"u8.ToArray(), Meta, null, default);
        await store.PutAsync("a", "two"u8.ToArray(), Meta, first.ETag, default);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.PutAsync("a", "three"u8.ToArray(), Meta, first.ETag, default));

        Assert.Equal(ErrorKind.Conflict, ex.Kind);
        Assert.Equal("two"u8.ToArray(), (await store.GetAsync(new GetRequest("a", 1024), default)).Fetched!.Body);
    }

    [Fact]
    public async Task List_ReturnsOnlyObjectsUnderThePrefix_WithMetadata()
    {
        var store = await NewStoreAsync("env/prod/");
        await store.PutAsync("env/prod/a", "1"u8.ToArray(), Meta, null, default);
        await store.PutAsync("env/prod/sub/b", "22"u8.ToArray(), Meta, null, default);
        await moto.S3.PutObjectAsync(new PutObjectRequest { BucketName = store.Source.Bucket, Key = "env/dev/c", ContentBody = "x" });

        var list = await store.ListAsync(default);

        Assert.Equal(["env/prod/a", "env/prod/sub/b"], list.Select(i => i.Key).Order(StringComparer.Ordinal));
        Assert.All(list, i => Assert.Equal(Meta, i.Metadata));
    }

    [Fact]
    public async Task ListVersions_ReturnsNewestFirst_WithDeleteMarkers()
    {
        var store = await NewStoreAsync();
        var first = await store.PutAsync("a", "1"u8.ToArray(), Meta, null, default);
        var second = await store.PutAsync("a", "22"u8.ToArray(), Meta, first.ETag, default);
        await store.PutAsync("a-longer-name", "x"u8.ToArray(), Meta, null, default);
        await store.DeleteAsync("a", default);

        var versions = await store.ListVersionsAsync("a", default);

        Assert.Equal(3, versions.Count);
        Assert.True(versions[0].IsDeleteMarker);
        Assert.True(versions[0].IsLatest);
        Assert.Equal([second.VersionId, first.VersionId], versions.Skip(1).Select(v => v.VersionId));
        Assert.All(versions.Skip(1), v => Assert.Equal(Meta, v.Metadata));
        Assert.Equal(2, versions[1].Size);
    }

    [Fact]
    public async Task ListVersions_WhenNeverStored_ThrowsNotFound()
    {
        var store = await NewStoreAsync();

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.ListVersionsAsync("none", default));

        Assert.Equal(ErrorKind.NotFound, ex.Kind);
    }

    [Fact]
    public async Task Delete_WhenMissing_ThrowsNotFound_AndWhenPresent_HidesTheObject()
    {
        var store = await NewStoreAsync();
        await Assert.ThrowsAsync<SecretAgentException>(() => store.DeleteAsync("a", default));
        await store.PutAsync("a", "x"u8.ToArray(), Meta, null, default);

        await store.DeleteAsync("a", default);

        Assert.Null(await store.HeadAsync("a", default));
    }

    [Fact]
    public async Task Get_WhenEndpointRefusesConnections_ThrowsUnavailable()
    {
        using var clients = new AwsClients(new AwsSettings
        {
            Region = MotoServer.Region,
            S3Endpoint = new Uri("http://127.0.0.1:9"),
            Credentials = new Amazon.Runtime.BasicAWSCredentials("test", "test"),
            MaxErrorRetry = 0,
            AttemptTimeout = TimeSpan.FromSeconds(2),
        });
        var store = new S3ObjectStore(SourceUri.Parse("s3://some-bucket/"), clients);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.GetAsync(new GetRequest("x", 1024), default));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.StartsWith("S3 unavailable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WhenCallerCancels_PropagatesOperationCanceled()
    {
        var store = await NewStoreAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync(new GetRequest("x", 1024), cancelled.Token));
    }

    private async Task<S3ObjectStore> NewStoreAsync(string prefix = "")
    {
        var bucket = await moto.CreateVersionedBucketAsync();
        return new S3ObjectStore(SourceUri.Parse($"s3://{bucket}/{prefix}"), moto.Clients());
    }
}
