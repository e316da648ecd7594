using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecretAgent.Integration.Tests.Credentials;

/// <summary>One HTTP request as a loopback server saw it (header names lower-case).</summary>
internal sealed record SeenRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, string ResponseBody)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

    /// <summary>The access key id a SigV4 Authorization header names, or null for an unsigned request.</summary>
    public string? SigningKeyId
    {
        get
        {
            const string Marker = "Credential=";
            var authorization = Header("authorization");
            var start = authorization?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
            return start < 0 ? null : authorization![(start + Marker.Length)..].Split('/')[0];
        }
    }
}

/// <summary>What a handler answers.</summary>
internal sealed record Reply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, byte[]? RawBody = null)
{
    public static Reply Json(string body) => new(200, body, new Dictionary<string, string> { ["Content-Type"] = "application/json" });

    public static Reply NotFound() => new(404, string.Empty);
}

/// <summary>
/// A small HTTP server on 127.0.0.1 for the credential endpoints the SDK calls (instance metadata, container
/// credentials, the SSO portal) and for a recording proxy in front of moto. Every request is recorded, with the body
/// of the answer, so a test can prove which endpoint was called, with which token, and which key signed what.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<SeenRequest, Task<Reply>> handler;
    private readonly ConcurrentQueue<SeenRequest> seen = new();

    public LoopbackHttpServer(Func<SeenRequest, Task<Reply>> handler)
    {
        this.handler = handler;
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        listener.Prefixes.Add(Endpoint.ToString());
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public LoopbackHttpServer(Func<SeenRequest, Reply> handler)
        : this(request => Task.FromResult(handler(request)))
    {
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<SeenRequest> Requests => [.. seen];

    public void Dispose() => listener.Close();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptLoopAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = ServeAsync(context);
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!.ToLowerInvariant(), k => context.Request.Headers[k]!, StringComparer.Ordinal);
            var request = new SeenRequest(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, headers, Encoding.UTF8.GetString(body.ToArray()), string.Empty);
            var reply = await AnswerAsync(request);
            seen.Enqueue(request with { ResponseBody = reply.Body });
            await WriteAsync(context.Response, reply, context.Request.HttpMethod == "HEAD");
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    // A handler that throws answers 500 with the exception's type, so the failure shows in Describe().
    private async Task<Reply> AnswerAsync(SeenRequest request)
    {
        try
        {
            return await handler(request);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new Reply(500, "handler failed: " + ex.GetType().Name);
        }
    }

    /// <summary>What the server saw, for failure messages (no bodies: a response may hold test credentials).</summary>
    public string Describe() => string.Join("\n", seen.Select(r => $"{r.Method} {r.PathAndQuery} -> {(r.ResponseBody.StartsWith("handler failed", StringComparison.Ordinal) ? r.ResponseBody : "answered")}"));

    private static async Task WriteAsync(HttpListenerResponse response, Reply reply, bool head)
    {
        response.StatusCode = reply.Status;
        var bytes = reply.RawBody ?? Encoding.UTF8.GetBytes(reply.Body);
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                response.ContentType = value;
            }
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && !name.Equals("Date", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Server", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers[name] = value;
            }
        }

        if (!head)
        {
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }

        response.Close();
    }
}
