using System.Globalization;
using System.Text;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// What the fault proxy does with a matched request. Actions that need the real answer get it from the upstream
/// (moto) first; the others never forward. Every response is sent with Connection: close, one request per connection.
/// </summary>
internal abstract record FaultAction
{
    public static FaultAction PassThrough { get; } = new ForwardAction(_ => { });

    /// <summary>Closes the client connection with a TCP reset, without answering.</summary>
    public static FaultAction Reset { get; } = new ResetAction();

    /// <summary>Answers without forwarding.</summary>
    public static FaultAction Respond(int status, string reason, IEnumerable<(string Name, string Value)>? headers = null, string body = "") =>
        new RespondAction(status, reason, [.. headers ?? []], Encoding.UTF8.GetBytes(body));

    /// <summary>
    /// An S3 redirect (301 PermanentRedirect, 307 TemporaryRedirect) as S3 sends it, with the bucket's region. The
    /// Location points at a closed loopback port, not at amazonaws.com, so a client that follows it never leaves
    /// the machine.
    /// </summary>
    public static FaultAction S3Redirect(int status, string bucket, string region)
    {
        var code = status == 301 ? "PermanentRedirect" : "TemporaryRedirect";
        var endpoint = $"{bucket}.s3.{region}.amazonaws.com";
        var body = $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>redirect</Message><Endpoint>{endpoint}</Endpoint><Bucket>{bucket}</Bucket></Error>";
        return Respond(status, status == 301 ? "Moved Permanently" : "Temporary Redirect", [("Content-Type", "application/xml"), ("x-amz-bucket-region", region), ("Location", "http://127.0.0.1:9/")], body);
    }

    /// <summary>A KMS JSON-protocol error, e.g. ("DisabledException") or (500, "KMSInternalException").</summary>
    public static FaultAction KmsError(string type, int status = 400) =>
        Respond(status, "Error", [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", "fault-proxy")], $"{{\"__type\":\"{type}\",\"message\":\"server text that must not be echoed\"}}");

    /// <summary>An S3 REST-XML error, e.g. (503, "SlowDown") or (500, "InternalError"), as S3 sends it.</summary>
    public static FaultAction S3Error(int status, string code) =>
        Respond(status, "Error", [("Content-Type", "application/xml"), ("x-amz-request-id", "fault-proxy")], $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>server text that must not be echoed</Message></Error>");

    /// <summary>Each matched request gets the next of <paramref name="actions"/>, round and round (a service failing in mixed ways).</summary>
    public static FaultAction Cycle(params FaultAction[] actions) => new CycleAction(actions);

    /// <summary>Forwards, then sends the upstream's head unchanged but only part of the body: it ends early.</summary>
    public static FaultAction CutBody(int dropBytes) => new ForwardAction(m => m.Body = m.Body[..Math.Max(0, m.Body.Length - dropBytes)], KeepLength: true);

    /// <summary>Forwards, then announces a Content-Length <paramref name="byBytes"/> shorter than the body it sends.</summary>
    public static FaultAction ShortContentLength(int byBytes) => new ForwardAction(_ => { }, LengthDelta: -byBytes);

    /// <summary>Forwards, then adds response headers totalling about <paramref name="bytes"/> bytes.</summary>
    public static FaultAction HugeHeaders(int bytes) => new ForwardAction(m =>
    {
        for (var i = 0; i * 8000 < bytes; i++)
        {
            m.Headers.Add(new($"x-fault-padding-{i.ToString(CultureInfo.InvariantCulture)}", new string('a', 8000)));
        }
    });

    /// <summary>Waits, then does <paramref name="then"/> (a slow endpoint).</summary>
    public static FaultAction Delay(TimeSpan delay, FaultAction? then = null) => new DelayAction(delay, then ?? PassThrough);

    /// <summary>Reads the request and never answers (the connection stays open until the client or the proxy gives up).</summary>
    public static FaultAction Hang { get; } = new HangAction();

    /// <summary>Forwards, then sends the upstream's head and its body <paramref name="chunkBytes"/> at a time, one chunk per <paramref name="every"/>.</summary>
    public static FaultAction SlowBody(int chunkBytes, TimeSpan every) => new TrickleAction(chunkBytes, every);

    /// <summary>
    /// Forwards, then sends the upstream's head (its metadata intact) with a body that never ends: chunked, the real
    /// body first and zeros after it, until the client closes.
    /// </summary>
    public static FaultAction EndlessBody { get; } = new EndlessBodyAction();

    /// <summary>Sends a status line, then header lines without end (no blank line ever comes).</summary>
    public static FaultAction EndlessHeaders { get; } = new EndlessHeadersAction();

    /// <summary>Forwards, then sends the head and half the body, then resets the connection.</summary>
    public static FaultAction ResetMidBody { get; } = new ResetMidBodyAction();

    /// <summary>An S3 503 SlowDown, as S3 throttles.</summary>
    public static FaultAction S3SlowDown => S3Error(503, "SlowDown");

    /// <summary>A KMS ThrottlingException (400), as KMS answers over its request quota.</summary>
    public static FaultAction KmsThrottling => KmsError("ThrottlingException");

    internal sealed record HangAction : FaultAction;

    internal sealed record TrickleAction(int ChunkBytes, TimeSpan Every) : FaultAction;

    internal sealed record EndlessBodyAction : FaultAction;

    internal sealed record EndlessHeadersAction : FaultAction;

    internal sealed record ResetMidBodyAction : FaultAction;

    internal sealed record ForwardAction(Action<HttpMessage> Edit, bool KeepLength = false, int LengthDelta = 0) : FaultAction;

    internal sealed record RespondAction(int Status, string Reason, (string Name, string Value)[] Headers, byte[] Body) : FaultAction;

    internal sealed record DelayAction(TimeSpan Wait, FaultAction Then) : FaultAction;

    internal sealed record ResetAction : FaultAction;

    internal sealed record CycleAction(FaultAction[] Actions) : FaultAction
    {
        private int next = -1;

        public FaultAction Next() => Actions[(int)((uint)Interlocked.Increment(ref next) % (uint)Actions.Length)];
    }
}

/// <summary>
/// One rule: requests it matches get its action, at most <c>times</c> times, and each only with probability
/// <c>rate</c> drawn from a generator seeded with <c>seed</c> (so a run is repeatable); a request it does not take
/// goes to later rules and finally passes through. <see cref="Hits"/> counts the requests it acted on.
/// </summary>
internal sealed class FaultRule(Func<ProxyRequest, bool> match, FaultAction action, int? times, double rate = 1, int seed = 0)
{
    private readonly Random draw = new(seed);
    private int hits;

    public FaultAction Action => action;

    public int Hits => Volatile.Read(ref hits);

    internal bool TryClaim(ProxyRequest request)
    {
        // The proxy claims under one lock, so the seeded draws come in arrival order.
        if (!match(request) || (rate < 1 && draw.NextDouble() >= rate))
        {
            return false;
        }

        var claimed = Interlocked.Increment(ref hits);
        if (times is { } limit && claimed > limit)
        {
            Interlocked.Decrement(ref hits);
            return false;
        }

        return true;
    }
}
