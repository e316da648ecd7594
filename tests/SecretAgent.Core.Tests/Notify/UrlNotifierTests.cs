using System.Net;
using System.Net.Sockets;
using System.Text;
using SecretAgent.Core.Notify;

namespace SecretAgent.Core.Tests.Notify;

/// <summary>POSTs to a real loopback listener; retry delays pass at once on a clock whose timers fire immediately.</summary>
[Trait("Category", "Unit")]
public sealed class UrlNotifierTests
{
    private static readonly FixedClock Clock = new(DateTimeOffset.UnixEpoch, timersFireAtOnce: true);

    [Fact]
    public async Task PostsTheEvent_AndLogsSuccess()
    {
        using var server = new LoopbackServer(204);
        var log = new RecordingLog();
        using var notifier = new UrlNotifier(new Uri($"http://127.0.0.1:{server.Port}/reload"), Clock, log);

        await notifier.NotifyAsync(CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.StartsWith("POST /reload HTTP/1.1", request, StringComparison.Ordinal);
        Assert.EndsWith("{\"event\":\"changed\"}", request, StringComparison.Ordinal);
        Assert.Contains(log.Events, e => e.Level == "info" && e.Message == "notify: POST done");
    }

    [Fact]
    public async Task A5xx_IsRetried_UntilItSucceeds()
    {
        using var server = new LoopbackServer(503, 503, 200);
        var log = new RecordingLog();
        using var notifier = new UrlNotifier(new Uri($"http://127.0.0.1:{server.Port}/"), Clock, log);

        await notifier.NotifyAsync(CancellationToken.None);

        Assert.Equal(3, server.Requests.Count);
        Assert.DoesNotContain(log.Events, e => e.Level == "error");
    }

    [Fact]
    public async Task A4xx_IsTheAppsAnswer_NotRetried()
    {
        using var server = new LoopbackServer(404, 200);
        var log = new RecordingLog();
        using var notifier = new UrlNotifier(new Uri($"http://127.0.0.1:{server.Port}/"), Clock, log);

        await notifier.NotifyAsync(CancellationToken.None);

        Assert.Single(server.Requests);
        Assert.Contains("answered 404", Assert.Single(log.Events).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionRefused_IsOneLineNamingTheSharedNetworkNamespace_AfterTheRetries()
    {
        var port = FreePort();
        var log = new RecordingLog();
        using var notifier = new UrlNotifier(new Uri($"http://127.0.0.1:{port}/"), Clock, log);

        await notifier.NotifyAsync(CancellationToken.None);

        var error = Assert.Single(log.Events);
        Assert.Equal("error", error.Level);
        Assert.Contains("after 3 attempts: connection refused", error.Message, StringComparison.Ordinal);
        Assert.Contains("network namespace", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/reload", "http://127.0.0.1:8080/reload")]
    [InlineData("http://127.1.2.3/", "http://127.1.2.3/")]
    [InlineData("http://[::1]:9000/x", "http://[::1]:9000/x")]
    [InlineData("http://localhost:8080/r", "http://127.0.0.1:8080/r")]
    public void ParseLoopback_AcceptsLoopbackHttp(string text, string expected)
    {
        Assert.Equal(expected, UrlNotifier.ParseLoopback(text, out var error)?.ToString());
        Assert.Null(error);
    }

    [Theory]
    [InlineData("https://127.0.0.1/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://example.com/")]
    [InlineData("http://localhost.example.com/")]
    [InlineData("http://user:pw@127.0.0.1/")]
    [InlineData("file:///tmp/x")]
    [InlineData("127.0.0.1:8080")]
    public void ParseLoopback_RefusesEverythingElse(string text)
    {
        Assert.Null(UrlNotifier.ParseLoopback(text, out var error));
        Assert.NotNull(error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Answers each request with the next status (one request per connection), keeping what it received.</summary>
    private sealed class LoopbackServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly Task serving;

        public LoopbackServer(params int[] statuses)
        {
            listener.Start();
            serving = Task.Run(() => ServeAsync(statuses));
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public List<string> Requests { get; } = [];

        public void Dispose()
        {
            listener.Stop();
            _ = serving.Exception;
        }

        private async Task ServeAsync(int[] statuses)
        {
            foreach (var status in statuses)
            {
                using var client = await listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                lock (Requests)
                {
                    Requests.Add(request);
                }

                var response = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(response);
            }
        }

        private static async Task<string> ReadRequestAsync(NetworkStream stream)
        {
            var text = new StringBuilder();
            var buffer = new byte[4096];
            while (true)
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    return text.ToString();
                }

                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
                var all = text.ToString();
                var end = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0 && all.Length - end - 4 >= ContentLength(all[..end]))
                {
                    return all;
                }
            }
        }

        private static int ContentLength(string head) =>
            head.Split("\r\n").Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(h => int.Parse(h["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
    }
}
