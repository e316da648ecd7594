using System.Globalization;
using System.Text;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>Reads one HTTP/1.1 request off a client connection: head, then a Content-Length or chunked body.</summary>
internal sealed class WireReader(Stream stream)
{
    private readonly byte[] buffer = new byte[16384];
    private int start;
    private int end;

    /// <summary>Returns null when the client closed the connection before sending a request.</summary>
    public async Task<HttpMessage?> ReadRequestAsync(Func<Task> onExpectContinue, CancellationToken cancellationToken)
    {
        var head = await ReadUntilAsync("\r\n\r\n"u8.ToArray(), cancellationToken);
        if (head is null)
        {
            return null;
        }

        var request = HttpMessage.ParseHead(Encoding.ASCII.GetString(head));
        if (string.Equals(request.Header("Expect"), "100-continue", StringComparison.OrdinalIgnoreCase))
        {
            // The client waits for this before sending the body; the upstream never sees the Expect header.
            request.RemoveHeader("Expect");
            await onExpectContinue();
        }

        request.Body = HttpMessage.IsChunked(request)
            ? await ReadChunkedAsync(cancellationToken)
            : await ReadExactlyAsync(int.Parse(request.Header("Content-Length") ?? "0", CultureInfo.InvariantCulture), cancellationToken);
        return request;
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var line = await ReadUntilAsync("\r\n"u8.ToArray(), cancellationToken) ?? throw new IOException("client closed mid-body");
            var size = int.Parse(Encoding.ASCII.GetString(line).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                await ReadUntilAsync("\r\n"u8.ToArray(), cancellationToken);
                return body.ToArray();
            }

            body.Write(await ReadExactlyAsync(size, cancellationToken));
            await ReadExactlyAsync(2, cancellationToken);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            if (start == end && !await FillAsync(cancellationToken))
            {
                throw new IOException("client closed mid-body");
            }

            var take = Math.Min(count - filled, end - start);
            Array.Copy(buffer, start, result, filled, take);
            start += take;
            filled += take;
        }

        return result;
    }

    // Returns the bytes before the delimiter (consuming both), or null at end of stream.
    private async Task<byte[]?> ReadUntilAsync(byte[] delimiter, CancellationToken cancellationToken)
    {
        using var seen = new MemoryStream();
        while (true)
        {
            if (start == end && !await FillAsync(cancellationToken))
            {
                return null;
            }

            seen.WriteByte(buffer[start++]);
            if (seen.Length >= delimiter.Length && seen.GetBuffer().AsSpan((int)seen.Length - delimiter.Length, delimiter.Length).SequenceEqual(delimiter))
            {
                return seen.ToArray()[..^delimiter.Length];
            }
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        start = 0;
        end = await stream.ReadAsync(buffer, cancellationToken);
        return end > 0;
    }
}
