using System.Globalization;
using System.Net;
using System.Net.Sockets;
using static SecretAgent.Tests.Infrastructure.FaultAction;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP proxy in front of an upstream (the moto fixture) that applies per-request fault rules: redirect,
/// fixed error answers, bodies cut short, lying Content-Length, huge headers, delays, resets. Rules are tried in the
/// order added; a request no rule claims passes through. Point a client at <see cref="Endpoint"/> (for the binaries:
/// AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_KMS). Plain HTTP/1.1, one request per connection, 127.0.0.1 only.
/// </summary>
internal sealed class FaultProxy : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly List<FaultRule> rules = [];
    private readonly List<ProxyRequest> seen = [];
    private readonly Uri upstream;
    private long streamed;

    public FaultProxy(Uri upstream)
    {
        if (!IPAddress.TryParse(upstream.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException("the fault proxy forwards to loopback only", nameof(upstream));
        }

        this.upstream = upstream;
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<ProxyRequest> Received
    {
        get
        {
            lock (seen)
            {
                return [.. seen];
            }
        }
    }

    /// <summary>
    /// Adds a rule: requests matching <paramref name="match"/> get <paramref name="action"/>, at most
    /// <paramref name="times"/> times, each with probability <paramref name="rate"/> (seeded by <paramref name="seed"/>).
    /// </summary>
    public FaultRule On(Func<ProxyRequest, bool> match, FaultAction action, int? times = null, double rate = 1, int seed = 0)
    {
        var rule = new FaultRule(match, action, times, rate, seed);
        lock (rules)
        {
            rules.Add(rule);
        }

        return rule;
    }

    public int Count(Func<ProxyRequest, bool> match) => Received.Count(match);

    /// <summary>Bytes sent by the endless actions (body or headers) so far, over all connections.</summary>
    public long Streamed => Interlocked.Read(ref streamed);

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await new WireReader(stream).ReadRequestAsync(
                    () => stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), stop.Token).AsTask(), stop.Token);
                if (request is not null)
                {
                    await ApplyAsync(Claim(ProxyRequest.From(request)), request, client, stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client or the upstream went away, or the proxy stopped.
            }
        }
    }

    private FaultAction Claim(ProxyRequest request)
    {
        lock (seen)
        {
            seen.Add(request);
        }

        lock (rules)
        {
            return rules.FirstOrDefault(r => r.TryClaim(request))?.Action ?? PassThrough;
        }
    }

    private async Task ApplyAsync(FaultAction action, HttpMessage request, TcpClient client, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        switch (action)
        {
            case DelayAction delay:
                await Task.Delay(delay.Wait, cancellationToken);
                await ApplyAsync(delay.Then, request, client, cancellationToken);
                return;
            case CycleAction cycle:
                await ApplyAsync(cycle.Next(), request, client, cancellationToken);
                return;
            case ResetAction:
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                return;
            case RespondAction respond:
                var answer = new HttpMessage($"HTTP/1.1 {respond.Status.ToString(CultureInfo.InvariantCulture)} {respond.Reason}", [.. respond.Headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))], respond.Body);
                answer.FrameWithContentLength();
                await SendAsync(stream, answer, answer.Body.Length, cancellationToken);
                break;
            case HangAction:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return;
            case EndlessHeadersAction:
                await StreamForeverAsync(stream, "HTTP/1.1 200 OK\r\n"u8.ToArray(), "x-fault-endless: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"u8.ToArray(), cancellationToken);
                return;
            case EndlessBodyAction:
                var head = await ForwardAsync(request, cancellationToken);
                head.RemoveHeader("Content-Length");
                head.SetHeader("Transfer-Encoding", "chunked");
                head.SetHeader("Connection", "close");
                await stream.WriteAsync(head.Head(), cancellationToken);
                await stream.WriteAsync(Chunk(head.Body), cancellationToken);
                await StreamForeverAsync(stream, [], Chunk(new byte[64 * 1024]), cancellationToken);
                return;
            case TrickleAction trickle:
                var slow = await ForwardAsync(request, cancellationToken);
                await SendHeadAsync(stream, slow, slow.Body.Length, cancellationToken);
                foreach (var piece in slow.Body.Chunk(trickle.ChunkBytes))
                {
                    await Task.Delay(trickle.Every, cancellationToken);
                    await stream.WriteAsync(piece, cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                }

                break;
            case ResetMidBodyAction:
                var cut = await ForwardAsync(request, cancellationToken);
                await SendHeadAsync(stream, cut, cut.Body.Length, cancellationToken);
                await stream.WriteAsync(cut.Body.AsMemory(0, cut.Body.Length / 2), cancellationToken);
                await stream.FlushAsync(cancellationToken);
                client.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                return;
            case ForwardAction forward:
                var isHead = request.StartLine.StartsWith("HEAD ", StringComparison.Ordinal);
                var response = await ForwardAsync(request, cancellationToken);
                var announced = response.Body.Length;
                forward.Edit(response);

                // A HEAD answer keeps the upstream's Content-Length: it describes the object, not this empty body.
                int? length = isHead ? null : (forward.KeepLength ? announced : response.Body.Length) + forward.LengthDelta;
                await SendAsync(stream, response, length, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"unknown fault action {action}");
        }

        client.Client.Shutdown(SocketShutdown.Send);
    }

    private static async Task SendAsync(NetworkStream stream, HttpMessage response, int? contentLength, CancellationToken cancellationToken)
    {
        await SendHeadAsync(stream, response, contentLength, cancellationToken);
        await stream.WriteAsync(response.Body, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private static async Task SendHeadAsync(NetworkStream stream, HttpMessage response, int? contentLength, CancellationToken cancellationToken)
    {
        if (contentLength is { } length)
        {
            response.RemoveHeader("Transfer-Encoding");
            response.SetHeader("Content-Length", Math.Max(0, length).ToString(CultureInfo.InvariantCulture));
        }

        response.SetHeader("Connection", "close");
        await stream.WriteAsync(response.Head(), cancellationToken);
    }

    // Writes the prefix, then the piece again and again until the client goes away (an IOException ends it) or the
    // proxy stops. The bytes sent are counted, so a test can tell how much the client took before it gave up.
    private async Task StreamForeverAsync(NetworkStream stream, byte[] prefix, byte[] piece, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(prefix, cancellationToken);
        while (true)
        {
            await stream.WriteAsync(piece, cancellationToken);
            Interlocked.Add(ref streamed, piece.Length);
        }
    }

    private static byte[] Chunk(byte[] data) =>
        data.Length == 0 ? [] : [.. System.Text.Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), .. data, .. "\r\n"u8];

    // A fresh upstream connection per request, closed by the upstream after its answer, so the response is all bytes
    // until end of stream (HEAD answers included: they simply have no body).
    private async Task<HttpMessage> ForwardAsync(HttpMessage request, CancellationToken cancellationToken)
    {
        using var connection = new TcpClient();
        await connection.ConnectAsync(upstream.Host, upstream.Port, cancellationToken);
        var stream = connection.GetStream();
        request.FrameWithContentLength();
        request.SetHeader("Connection", "close");
        await stream.WriteAsync(request.Head(), cancellationToken);
        await stream.WriteAsync(request.Body, cancellationToken);
        using var raw = new MemoryStream();
        await stream.CopyToAsync(raw, cancellationToken);
        return HttpMessage.ParseResponse(raw.ToArray());
    }
}
