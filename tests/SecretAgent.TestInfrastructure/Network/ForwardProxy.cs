using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// A loopback HTTP forward proxy (what HTTPS_PROXY and HTTP_PROXY name) that records the target of every request
/// (CONNECT host:port, or the absolute URI of a plain-HTTP request) and then either refuses it with 403 (a corporate
/// proxy that does not allow the host) or, for plain HTTP, forwards it to the URI's host on loopback.
/// </summary>
internal sealed class ForwardProxy : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stopping = new();
    private readonly List<string> targets = [];
    private readonly bool refuse;

    public ForwardProxy(bool refuse)
    {
        this.refuse = refuse;
        listener.Start();
        _ = AcceptForeverAsync();
    }

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    /// <summary>Each request's method and target, in arrival order ("CONNECT kms-fips.eu-west-1.amazonaws.com:443").</summary>
    public IReadOnlyList<string> Targets
    {
        get
        {
            lock (targets)
            {
                return [.. targets];
            }
        }
    }

    public void Dispose()
    {
        stopping.Cancel();
        listener.Stop();
        stopping.Dispose();
    }

    private async Task AcceptForeverAsync()
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stopping.Token);
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
                // One request per connection: the answer ends when the upstream closes, so the client must reconnect.
                if (await ReadHeadAsync(stream) is not { } head)
                {
                    return;
                }

                var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
                lock (targets)
                {
                    targets.Add($"{requestLine[0]} {requestLine[1]}");
                }

                if (refuse || requestLine[0] == "CONNECT")
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), stopping.Token);
                    return;
                }

                await ForwardAsync(stream, head, new Uri(requestLine[1]));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or FormatException)
            {
                // The client hung up, or sent something no proxy would accept.
            }
        }
    }

    // Sends the request (origin-form, one per connection upstream) and relays the answer until the upstream closes.
    private async Task ForwardAsync(NetworkStream client, string head, Uri target)
    {
        var lines = head.Split("\r\n").ToList();
        var parts = lines[0].Split(' ');
        lines[0] = $"{parts[0]} {target.PathAndQuery} {parts[2]}";
        var length = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("content-length", StringComparison.OrdinalIgnoreCase)).Select(p => long.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        lines = [.. lines.Where(l => !l.StartsWith("connection:", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("proxy-", StringComparison.OrdinalIgnoreCase))];
        lines.Insert(lines.Count - 2, "Connection: close");
        using var server = new TcpClient();
        await server.ConnectAsync(target.Host, target.Port, stopping.Token);
        await using var upstream = server.GetStream();
        await upstream.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", lines)), stopping.Token);
        var body = new byte[length];
        await client.ReadExactlyAsync(body, stopping.Token);
        await upstream.WriteAsync(body, stopping.Token);
        await upstream.CopyToAsync(client, stopping.Token);
    }

    // The request head up to and including the blank line; null at the end of the stream.
    private async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, stopping.Token) == 0)
            {
                return null;
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString([.. head]);
    }
}
