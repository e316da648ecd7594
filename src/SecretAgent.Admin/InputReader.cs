using SecretAgent.Core.Errors;
using SecretAgent.Publishing;

namespace SecretAgent.Admin;

/// <summary>Reads the config to publish from a file or stdin, bounded, with one clear error per way it can fail.</summary>
internal static class InputReader
{
    public const string Stdin = "-";

    public static async Task<byte[]> ReadAsync(string? path, string config, CancellationToken cancellationToken)
    {
        if (path is null or Stdin)
        {
            if (!Console.IsInputRedirected)
            {
                throw new SecretAgentException(ErrorKind.Usage, "no input: give a FILE, or pipe the config in with '-'", config);
            }

            await using var stdin = Console.OpenStandardInput();
            return await ReadBoundedAsync(stdin, "stdin", config, cancellationToken);
        }

        if (Directory.Exists(path))
        {
            throw new SecretAgentException(ErrorKind.NotFound, $"input {path} is a directory, not a file", config);
        }

        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
            return await ReadBoundedAsync(file, path, config, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SecretAgentException(ErrorKind.NotFound, $"input file {path} not found", config);
        }
        catch (UnauthorizedAccessException)
        {
            throw new SecretAgentException(ErrorKind.NotFound, $"input file {path} cannot be read (permission denied)", config);
        }
        catch (IOException ex)
        {
            throw new SecretAgentException(ErrorKind.NotFound, $"input file {path} cannot be read ({ex.GetType().Name})", config);
        }
    }

    // Read at most one byte past the limit, so a huge or endless input is refused without buffering it all.
    private static async Task<byte[]> ReadBoundedAsync(Stream stream, string what, string config, CancellationToken cancellationToken)
    {
        var limit = ConfigPublisher.MaxPlaintextBytes;
        var buffer = new byte[checked((int)limit + 1)];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        try
        {
            return total <= limit
                ? buffer.AsSpan(0, total).ToArray()
                : throw new SecretAgentException(ErrorKind.Usage, $"input {what} is over the {limit}-byte limit the agent accepts", config);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
