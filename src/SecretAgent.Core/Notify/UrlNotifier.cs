using System.Net.Http.Headers;
using System.Net.Sockets;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Logging;

namespace SecretAgent.Core.Notify;

/// <summary>
/// POSTs <c>{"event":"changed"}</c> to a loopback URL after a change. Only http:// to a loopback address: the app
/// shares the agent's network namespace (a pod, an awsvpc task) or it cannot be reached this way at all, and a
/// loopback target needs neither TLS nor a proxy (none is used, whatever HTTP_PROXY says; redirects are not
/// followed). Each attempt has <see cref="AttemptTimeout"/>; a connection failure, a timeout or a 5xx is retried
/// after 1 s, then 2 s (<see cref="Attempts"/> in all); a 4xx is the app's answer and is not.
/// </summary>
internal sealed class UrlNotifier : IChangeNotifier, IDisposable
{
    public const int Attempts = 3;
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    private static readonly byte[] Body = "{\"event\":\"changed\"}"u8.ToArray();

    private readonly Uri url;
    private readonly HttpMessageInvoker client;
    private readonly TimeProvider time;
    private readonly ILog log;

    public UrlNotifier(Uri url, TimeProvider time, ILog log, HttpMessageHandler? handler = null)
    {
        this.url = url;
        this.time = time;
        this.log = log;
        client = new HttpMessageInvoker(handler ?? new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = AttemptTimeout });
    }

    /// <summary>The URL if it is http:// to a loopback address (127.0.0.0/8, ::1, localhost); otherwise null and why.</summary>
    public static Uri? ParseLoopback(string text, out string? error)
    {
        error = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || !string.IsNullOrEmpty(url.UserInfo))
        {
            error = "must be an http:// URL (no user info)";
            return null;
        }

        var loopback = url.IsLoopback && (url.HostNameType != UriHostNameType.Dns || string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase));
        if (!loopback)
        {
            error = "must name a loopback address (127.0.0.1, [::1] or localhost): the agent tells only an app in its own network namespace";
            return null;
        }

        // localhost is pinned to 127.0.0.1 rather than resolved: /etc/hosts is not the agent's to trust.
        return url.HostNameType == UriHostNameType.Dns ? new UriBuilder(url) { Host = "127.0.0.1" }.Uri : url;
    }

    public async Task NotifyAsync(CancellationToken cancellationToken)
    {
        var shown = Printable.Escape(url.ToString());
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var (done, failure) = await PostAsync(cancellationToken).ConfigureAwait(false);
            if (done || failure is null || cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (attempt == Attempts)
            {
                log.Fail($"notify: POST {shown} failed after {Attempts} attempts: {failure}");
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1 << (attempt - 1)), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public void Dispose() => client.Dispose();

    /// <summary>(true, null) on 2xx; (false, reason) for a failure worth retrying; (false, null) for a 4xx.</summary>
    private async Task<(bool Done, string? RetryReason)> PostAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(AttemptTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await client.SendAsync(request, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                log.Info("notify: POST done", ("url", url.ToString()), ("status", status));
                return (true, null);
            }

            if (status is >= 400 and < 500)
            {
                log.Fail($"notify: POST {Printable.Escape(url.ToString())} answered {status}; not retried");
                return (false, null);
            }

            return (false, $"status {status}");
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return (false, "connection refused: nothing listens there in the agent's network namespace (compose's default network and ECS bridge mode share none); use --notify-pidfile or --notify-process with a shared PID namespace, or --notify-command");
        }
        catch (HttpRequestException ex)
        {
            return (false, Printable.Escape(ex.HttpRequestError == HttpRequestError.Unknown ? ex.Message : ex.HttpRequestError.ToString()));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {AttemptTimeout.TotalSeconds:0} s");
        }
    }
}
