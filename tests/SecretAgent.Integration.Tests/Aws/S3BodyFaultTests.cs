using System.Diagnostics;
using SecretAgent.Aws;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Aws;

/// <summary>Body faults S3 won't produce on demand, through the real SDK against a raw HTTP server (faults 4, 8, 17).</summary>
public sealed class S3BodyFaultTests
{
    [Fact]
    public async Task Get_WhenBodyIsShorterThanContentLength_ThrowsIntegrity()
    {
        using var server = new RawHttpServer(RawHttpServer.Response("HTTP/1.1 200 OK\nContent-Length: 100\nETag: \"0123456789abcdef0123456789abcdef\"\nConnection: close\n", new byte[10]));
        var store = StoreFor(server);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.GetAsync(new GetRequest("k", 1000), default));

        Assert.True(ex.Kind == ErrorKind.Integrity, ex.Message + " / " + ex.InnerException);
        Assert.Equal("object body ended after 10 of 100 bytes (truncated)", ex.Message);
    }

    [Fact]
    public async Task Get_WhenContentLengthIsOverTheLimit_RefusesWithoutWaitingForTheBody()
    {
        // The server announces 50 MB and sends none of it: reading the body would hang until the timeout.
        using var server = new RawHttpServer(RawHttpServer.Response("HTTP/1.1 200 OK\nContent-Length: 50000000\nETag: \"0123456789abcdef0123456789abcdef\"\n", []));
        var store = StoreFor(server);
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.GetAsync(new GetRequest("k", 4096), default));

        Assert.Equal("object is 50000000 bytes, over the 4096-byte limit", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Get_WhenServerNeverAnswers_ThrowsUnavailableAfterTheAttemptTimeouts()
    {
        using var server = new RawHttpServer(response: null);
        var store = StoreFor(server, maxErrorRetry: 1);
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.GetAsync(new GetRequest("k", 4096), default));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.StartsWith("S3 unavailable", ex.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Get_WhenServerReturns503_ThrowsUnavailable()
    {
        using var server = new RawHttpServer(RawHttpServer.Response("HTTP/1.1 503 Service Unavailable\nContent-Length: 0\nConnection: close\n", []));
        var store = StoreFor(server, maxErrorRetry: 1);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.GetAsync(new GetRequest("k", 4096), default));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
    }

    private static S3ObjectStore StoreFor(RawHttpServer server, int maxErrorRetry = 0) =>
        new(SourceUri.Parse("s3://fault-bucket/"), new AwsClients(new AwsSettings
        {
            Region = "us-east-1",
            S3Endpoint = server.Endpoint,
            Credentials = new Amazon.Runtime.BasicAWSCredentials("test", "test"),
            MaxErrorRetry = maxErrorRetry,
            AttemptTimeout = TimeSpan.FromSeconds(2),
        }));
}
