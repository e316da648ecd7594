using System.Globalization;
using System.Text;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// One HTTP/1.1 request or response as the fault proxy handles it: start line, headers in order, and the body with
/// any chunked framing removed (so a rule can cut it or lie about its length).
/// </summary>
internal sealed class HttpMessage
{
    public HttpMessage(string startLine, List<KeyValuePair<string, string>> headers, byte[] body)
    {
        StartLine = startLine;
        Headers = headers;
        Body = body;
    }

    public string StartLine { get; set; }

    public List<KeyValuePair<string, string>> Headers { get; }

    public byte[] Body { get; set; }

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public void SetHeader(string name, string value)
    {
        RemoveHeader(name);
        Headers.Add(new(name, value));
    }

    public void RemoveHeader(string name) =>
        Headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The head (start line, headers, blank line) as ASCII bytes; the caller decides what body follows.</summary>
    public byte[] Head()
    {
        var text = new StringBuilder(StartLine).Append("\r\n");
        foreach (var (key, value) in Headers)
        {
            text.Append(key).Append(": ").Append(value).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
    }

    /// <summary>Frames the body with a true Content-Length (and no chunking) for sending on.</summary>
    public void FrameWithContentLength()
    {
        RemoveHeader("Transfer-Encoding");
        SetHeader("Content-Length", Body.Length.ToString(CultureInfo.InvariantCulture));
    }

    public static HttpMessage ParseHead(string head)
    {
        var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .Select(p => new KeyValuePair<string, string>(p[0].Trim(), p.Length > 1 ? p[1].Trim() : string.Empty))
            .ToList();
        return new HttpMessage(lines[0], headers, []);
    }

    /// <summary>Parses a whole response read until the upstream closed the connection.</summary>
    public static HttpMessage ParseResponse(byte[] raw)
    {
        var end = IndexOf(raw, "\r\n\r\n"u8);
        if (end < 0)
        {
            throw new IOException("upstream sent no complete response head");
        }

        var message = ParseHead(Encoding.ASCII.GetString(raw, 0, end));
        var body = raw[(end + 4)..];
        message.Body = IsChunked(message) ? Dechunk(body) : body;
        return message;
    }

    public static bool IsChunked(HttpMessage message) =>
        message.Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true;

    private static byte[] Dechunk(byte[] body)
    {
        using var output = new MemoryStream();
        var position = 0;
        while (true)
        {
            var lineEnd = IndexOf(body.AsSpan(position), "\r\n"u8) + position;
            var sizeText = Encoding.ASCII.GetString(body, position, lineEnd - position).Split(';')[0];
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return output.ToArray();
            }

            output.Write(body, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }

    private static int IndexOf(ReadOnlySpan<byte> data, ReadOnlySpan<byte> pattern) => data.IndexOf(pattern);
}
