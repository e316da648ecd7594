using System.Text;

namespace SecretAgent.Integration.Tests.Credentials;

/// <summary>
/// A loopback proxy in front of moto that records every request. Moto accepts any keys, so this is how a test proves
/// which credentials signed the S3, KMS and STS calls, and what STS answered.
/// </summary>
internal sealed class RecordingProxy : IDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "transfer-encoding", "connection", "expect", "keep-alive",
    };

    private readonly HttpClient upstream = new(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None });
    private readonly Uri target;
    private readonly LoopbackHttpServer server;

    public RecordingProxy(Uri target)
    {
        this.target = target;
        server = new LoopbackHttpServer(ForwardAsync);
    }

    public Uri Endpoint => server.Endpoint;

    public IReadOnlyList<SeenRequest> Requests => server.Requests;

    /// <summary>The STS calls (form-encoded POSTs with Action=...), by action name.</summary>
    public IEnumerable<SeenRequest> Sts(string action) =>
        Requests.Where(r => r.Method == "POST" && r.Body.Contains($"Action={action}&", StringComparison.Ordinal));

    /// <summary>KMS calls (JSON with X-Amz-Target TrentService.Operation).</summary>
    public IEnumerable<SeenRequest> Kms(string operation) =>
        Requests.Where(r => r.Header("x-amz-target") == "TrentService." + operation);

    /// <summary>S3 calls: every request that is neither STS nor KMS.</summary>
    public IEnumerable<SeenRequest> S3 =>
        Requests.Where(r => r.Header("x-amz-target") is null && !r.Body.Contains("Action=", StringComparison.Ordinal));

    public void Dispose()
    {
        server.Dispose();
        upstream.Dispose();
    }

    private async Task<Reply> ForwardAsync(SeenRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(target, request.PathAndQuery));
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.Body));
        foreach (var (name, value) in request.Headers.Where(h => !HopHeaders.Contains(h.Key)))
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (request.Method is not ("GET" or "HEAD" or "DELETE") || request.Body.Length > 0)
        {
            message.Content = content;
        }

        using var response = await upstream.SendAsync(message);
        var body = await response.Content.ReadAsByteArrayAsync();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Reply((int)response.StatusCode, Encoding.UTF8.GetString(body), headers, body);
    }
}
