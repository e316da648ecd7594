using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Logging;

namespace SecretAgent.Core.Status;

/// <summary>
/// The optional listener (<c>--listen</c>): GET /healthz (alive), /readyz (set complete, and fresh under
/// --max-stale), /metrics (Prometheus text), POST /refresh (poll now; loopback clients only, once a second). Four
/// routes do not need a web framework (the agent stays small and NativeAOT): HTTP/1.1 over a socket, a bounded
/// request head, a short deadline per connection, a few connections at a time, and Connection: close on every answer.
/// </summary>
public sealed class StatusListener : IAsyncDisposable
{
    public const int MaxRequestBytes = 8 * 1024;
    public const int MaxConnections = 8;
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener;
    private readonly WatchStatus _status;
    private readonly Func<bool> _refresh;
    private readonly TimeSpan? _maxStale;
    private readonly TimeProvider _clock;
    private readonly ILog _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections);
    private readonly Lock _refreshGate = new();
    private readonly Task _accepting;
    private DateTimeOffset? _lastRefresh;

    private StatusListener(TcpListener listener, WatchStatus status, Func<bool> refresh, TimeSpan? maxStale, TimeProvider clock, ILog log)
    {
        _listener = listener;
        _status = status;
        _refresh = refresh;
        _maxStale = maxStale;
        _clock = clock;
        _log = log;
        _accepting = AcceptAsync();
    }

    /// <summary>Where it listens (the port chosen when :0 was asked for).</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>
    /// "127.0.0.1:9100" or "[::1]:9100". A non-loopback address only with <paramref name="allowRemote"/> (Prometheus
    /// scraping from another host); otherwise ErrorKind.Usage naming <paramref name="flag"/>.
    /// </summary>
    public static IPEndPoint ParseEndpoint(string text, bool allowRemote, string flag, string remoteFlag)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!HasPort(text) || !IPEndPoint.TryParse(text, out var endpoint))
        {
            throw new SecretAgentException(ErrorKind.Usage, Printable.Escape($"{flag} must be ADDRESS:PORT with an IP address, e.g. 127.0.0.1:9100, not '{text}'"));
        }

        return IPAddress.IsLoopback(endpoint.Address) || allowRemote
            ? endpoint
            : throw new SecretAgentException(ErrorKind.Usage, Printable.Escape($"{flag} {text} is not a loopback address; pass {remoteFlag} to serve metrics to other hosts"));
    }

    public static StatusListener Start(IPEndPoint endpoint, WatchStatus status, Func<bool> refresh, TimeSpan? maxStale, TimeProvider clock, ILog log)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var listener = new TcpListener(endpoint);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new SecretAgentException(ErrorKind.Usage, $"cannot listen on {endpoint}: {e.SocketErrorCode}");
        }

        return new StatusListener(listener, status, refresh, maxStale, clock, log);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        _listener.Dispose();
        _stop.Dispose();
        _slots.Dispose();
    }

    /// <summary>The answer to one request head; the routing, apart from the socket.</summary>
    internal (int Status, string ContentType, string Body) Route(string method, string target, bool fromLoopback)
    {
        var path = target.Split('?', 2)[0];
        return (method, path) switch
        {
            ("GET", "/healthz") => Text(200, "ok"),
            ("GET", "/readyz") => Ready(),
            ("GET", "/metrics") => (200, PrometheusText.ContentType, PrometheusText.Write(_status.Snapshot(), _maxStale)),
            ("POST", "/refresh") => Refresh(fromLoopback),
            (_, "/healthz" or "/readyz" or "/metrics" or "/refresh") => Text(405, "method not allowed"),
            _ => Text(404, "not found"),
        };
    }

    private static bool HasPort(string text) => text.LastIndexOf(':') is var colon and > 0 && colon > text.LastIndexOf(']');

    private static (int, string, string) Text(int status, string body) => (status, "text/plain; charset=utf-8", body + "\n");

    private (int, string, string) Ready()
    {
        var reason = HealthCheck.WhyNotReady(_status.Snapshot(), _maxStale);
        return reason is null ? Text(200, "ready") : Text(503, Printable.Escape(reason));
    }

    private (int, string, string) Refresh(bool fromLoopback)
    {
        if (!fromLoopback)
        {
            return Text(403, "refresh is for loopback clients only");
        }

        lock (_refreshGate)
        {
            var now = _clock.GetUtcNow();
            if (_lastRefresh is { } last && now - last < RefreshInterval)
            {
                return Text(429, "refresh at most once a second");
            }

            _lastRefresh = now;
        }

        return _refresh() ? Text(202, "refresh requested") : Text(503, "refresh not possible now");
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (!_slots.Wait(0))
            {
                // Too many at once: a slow or hostile client must not hold the agent's memory or threads.
                socket.Dispose();
                continue;
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            using (socket)
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                deadline.CancelAfter(RequestTimeout);
                var answer = await AnswerAsync(socket, deadline.Token).ConfigureAwait(false);
                await socket.SendAsync(Response(answer), SocketFlags.None, deadline.Token).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // A client that is slow, gone or reset gets nothing more; the agent goes on.
        }
#pragma warning disable CA1031 // One bad request must never take the agent down.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log.Warn("listener request failed", ("cause", e.GetType().Name));
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<(int, string, string)> AnswerAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (buffer.AsSpan(0, length).IndexOf(HeadEnd) < 0)
        {
            if (length == buffer.Length)
            {
                return Text(431, "request head too large");
            }

            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, ct).ConfigureAwait(false);
            if (read == 0)
            {
                return Text(400, "incomplete request");
            }

            length += read;
        }

        var line = Encoding.ASCII.GetString(buffer, 0, buffer.AsSpan(0, length).IndexOf("\r\n"u8)).Split(' ');
        if (line.Length != 3 || !line[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return Text(400, "bad request");
        }

        var remote = (socket.RemoteEndPoint as IPEndPoint)?.Address;
        return Route(line[0], line[1], remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote));
    }

    private static byte[] Response((int Status, string ContentType, string Body) answer)
    {
        var body = Encoding.UTF8.GetBytes(answer.Body);
        var head = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {answer.Status} {Reason(answer.Status)}\r\nContent-Type: {answer.ContentType}\r\nContent-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
}
