using System.Text;
using SecretAgent.Aws;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Aws;

/// <summary>
/// An endpoint that answers 200 with an HTML page (a captive portal, a proxy's login page, a wrong endpoint URL):
/// listing must fail as unavailable, not report an empty store (issue defect 12).
/// </summary>
public sealed class S3NonS3AnswerTests
{
    private static readonly byte[] Page = Encoding.ASCII.GetBytes("<html><head><title>Sign in</title></head><body>Please log in</body></html>");

    [Fact]
    public async Task List_WhenEndpointAnswersHtml_ThrowsUnavailableNotEmpty()
    {
        using var server = new RawHttpServer(RawHttpServer.Response($"HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: {Page.Length}\nConnection: close\n", Page));
        var store = StoreFor(server);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.ListAsync(default));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.Contains("did not answer as S3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListVersions_WhenEndpointAnswersHtml_ThrowsUnavailableNotNotFound()
    {
        using var server = new RawHttpServer(RawHttpServer.Response($"HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: {Page.Length}\nConnection: close\n", Page));
        var store = StoreFor(server);

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => store.ListVersionsAsync("app/db.json", default));

        Assert.Equal(ErrorKind.Unavailable, ex.Kind);
        Assert.Contains("did not answer as S3", ex.Message, StringComparison.Ordinal);
    }

    private static S3ObjectStore StoreFor(RawHttpServer server) =>
        new(SourceUri.Parse("s3://html-bucket/app/"), new AwsClients(new AwsSettings
        {
            Region = "us-east-1",
            S3Endpoint = server.Endpoint,
            Credentials = new Amazon.Runtime.BasicAWSCredentials("test", "test"),
            MaxErrorRetry = 0,
            AttemptTimeout = TimeSpan.FromSeconds(2),
        }));
}
