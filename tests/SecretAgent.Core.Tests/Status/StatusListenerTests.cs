using System.Net;
using System.Net.Sockets;
using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Status;
using SecretAgent.Core.Watch;

namespace SecretAgent.Core.Tests.Status;

/// <summary>The listener over real loopback sockets: its four routes, and what it refuses.</summary>
[Trait("Category", "Unit")]
public sealed class StatusListenerTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualClock clock = new(Start);
    private readonly WatchStatus status;
    private readonly StatusListener listener;
    private int refreshes;

    public StatusListenerTests()
    {
        status = new WatchStatus([new TrackedConfig("db.json", true)], clock);
        listener = StatusListener.Start(new IPEndPoint(IPAddress.Loopback, 0), status, () => Interlocked.Increment(ref refreshes) > 0, TimeSpan.FromMinutes(5), clock, new RecordingLog());
    }

    public ValueTask DisposeAsync() => listener.DisposeAsync();

    [Fact]
    public async Task Healthz_IsAliveEvenBeforeTheSetIsComplete()
    {
        var response = await GetAsync("/healthz");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.Contains("Connection: close\r\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readyz_Is503UntilComplete_Then200_Then503WhenStale()
    {
        Assert.StartsWith("HTTP/1.1 503 ", await GetAsync("/readyz"), StringComparison.Ordinal);

        status.Applied("db.json", 2, "v2", Start);
        Assert.StartsWith("HTTP/1.1 200 ", await GetAsync("/readyz"), StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMinutes(6));
        var stale = await GetAsync("/readyz");
        Assert.StartsWith("HTTP/1.1 503 ", stale, StringComparison.Ordinal);
        Assert.Contains("'db.json' stale", stale, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_ServesThePrometheusTextOfTheLiveStatus()
    {
        status.Polled("db.json", PollOutcome.Unchanged);

        var response = await GetAsync("/metrics?format=text");

        Assert.Contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n", response, StringComparison.Ordinal);
        Assert.Contains("secret_agent_polls_total{config=\"db.json\",result=\"unchanged\"} 1\n", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET /nope HTTP/1.1", "404")]
    [InlineData("GET /refresh HTTP/1.1", "405")]
    [InlineData("DELETE /metrics HTTP/1.1", "405")]
    [InlineData("GET /healthz", "400")]
    [InlineData("GARBAGE", "400")]
    public async Task OtherRequests_AreRefusedWithTheirStatus(string requestLine, string code) =>
        Assert.StartsWith($"HTTP/1.1 {code} ", await SendAsync($"{requestLine}\r\nHost: x\r\n\r\n"), StringComparison.Ordinal);

    [Fact]
    public async Task OversizedRequestHead_Is431_AndTheListenerGoesOn()
    {
        var response = await SendAsync("GET /healthz HTTP/1.1\r\nX-Pad: " + new string('a', StatusListener.MaxRequestBytes) + "\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431 ", response, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 ", await GetAsync("/healthz"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_CallsTheWatcher_AtMostOnceASecond()
    {
        Assert.StartsWith("HTTP/1.1 202 ", await PostAsync("/refresh"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 429 ", await PostAsync("/refresh"), StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref refreshes));

        clock.Advance(StatusListener.RefreshInterval);
        Assert.StartsWith("HTTP/1.1 202 ", await PostAsync("/refresh"), StringComparison.Ordinal);
        Assert.Equal(2, Volatile.Read(ref refreshes));
    }

    [Fact]
    public void Refresh_FromAnotherHost_IsForbidden()
    {
        var (code, _, _) = listener.Route("POST", "/refresh", fromLoopback: false);

        Assert.Equal(403, code);
        Assert.Equal(0, Volatile.Read(ref refreshes));
    }

    [Theory]
    [InlineData("127.0.0.1:9100")]
    [InlineData("[::1]:9100")]
    [InlineData("127.0.0.1:0")]
    public void ParseEndpoint_AcceptsLoopback(string text) =>
        Assert.True(IPAddress.IsLoopback(StatusListener.ParseEndpoint(text, allowRemote: false, "--listen", "--listen-remote").Address));

    [Theory]
    [InlineData("0.0.0.0:9100")]
    [InlineData("10.0.0.5:9100")]
    [InlineData("[::]:9100")]
    public void ParseEndpoint_RefusesNonLoopback_UnlessOptedIn(string text)
    {
        var error = Assert.Throws<SecretAgentException>(() => StatusListener.ParseEndpoint(text, allowRemote: false, "--listen", "--listen-remote"));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("--listen-remote", error.Message, StringComparison.Ordinal);
        Assert.Equal(text, StatusListener.ParseEndpoint(text, allowRemote: true, "--listen", "--listen-remote").ToString());
    }

    [Theory]
    [InlineData("localhost:9100")]
    [InlineData("127.0.0.1")]
    [InlineData("9100")]
    [InlineData("127.0.0.1:99999")]
    public void ParseEndpoint_RefusesWhatIsNotAddressAndPort(string text) =>
        Assert.Equal(ErrorKind.Usage, Assert.Throws<SecretAgentException>(() => StatusListener.ParseEndpoint(text, allowRemote: true, "--listen", "--listen-remote")).Kind);

    private Task<string> GetAsync(string path) => SendAsync($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    private Task<string> PostAsync(string path) => SendAsync($"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");

    // Sends the request and reads until the listener closes the connection (it always does).
    private async Task<string> SendAsync(string request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(listener.LocalEndpoint, timeout.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        }
        catch (IOException)
        {
            // An oversized request is answered before it is all sent; the answer is still there to read.
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(timeout.Token);
    }
}
