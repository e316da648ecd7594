using SecretAgent.Core.Errors;

namespace SecretAgent.Aws;

/// <summary>Reads an object body with the size cap enforced while streaming (faults 8 and 17).</summary>
internal static class S3Body
{
    public static SecretAgentException Oversized(long size, long maxBytes) =>
        new(ErrorKind.Integrity, $"object is {size} bytes, over the {maxBytes}-byte limit");

    public static async Task<byte[]> ReadAsync(Stream stream, long contentLength, long maxBytes, CancellationToken cancellationToken)
    {
        if (contentLength > maxBytes)
        {
            throw Oversized(contentLength, maxBytes);
        }

        return contentLength >= 0
            ? await ReadExactlyAsync(stream, checked((int)contentLength), cancellationToken)
            : await ReadCappedAsync(stream, maxBytes, cancellationToken);
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int length, CancellationToken cancellationToken)
    {
        var buffer = new byte[length];
        var total = 0;
        try
        {
            while (total < length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (IOException)
        {
            // HttpClient reports a body shorter than Content-Length as "response ended prematurely".
        }

        return total == length
            ? buffer
            : throw new SecretAgentException(ErrorKind.Integrity, $"object body ended after {total} of {length} bytes (truncated)");
    }

    // No Content-Length (not seen from S3, but possible behind proxies): read at most one byte past the cap.
    private static async Task<byte[]> ReadCappedAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw new SecretAgentException(ErrorKind.Integrity, $"object is over the {maxBytes}-byte limit");
            }
        }

        return buffer.ToArray();
    }
}
