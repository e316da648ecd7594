using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Admin;

/// <summary>
/// Writes a decrypted config to a file: created 0600 from the start (never briefly world-readable), written beside
/// the destination and renamed into place, so a reader never sees a partial file.
/// </summary>
internal static class SecretFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Fails early (before any network call) if the destination exists and may not be replaced.</summary>
    public static void CheckWritable(string path, bool force, string config)
    {
        if (Directory.Exists(path))
        {
            throw new SecretAgentException(ErrorKind.Target, $"output {path} is a directory", config);
        }

        RefuseNonRegular(path, config);
        if (File.Exists(path) && !force)
        {
            throw new SecretAgentException(ErrorKind.Target, $"output file {path} exists; use --force to replace it", config);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is null || !Directory.Exists(directory))
        {
            throw new SecretAgentException(ErrorKind.Target, $"directory of output file {path} does not exist", config);
        }
    }

    public static void Write(string path, ReadOnlySpan<byte> content, bool force, string config)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly };
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            RefuseNonRegular(full, config);
            File.Move(temp, full, overwrite: force);
        }
        catch (SecretAgentException)
        {
            TryDelete(temp);
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new SecretAgentException(ErrorKind.Target, $"cannot write output file {path} ({Describe(ex, full)})", config);
        }
    }

    // A device, FIFO or socket at the destination (-o /dev/null, -o /dev/tty) must not be replaced by a file even
    // with --force, and writing the plaintext into it could send it anywhere; only a regular file is ours to replace.
    private static void RefuseNonRegular(string path, string config)
    {
        if (RegularFile.NonRegularType(path) is { } type)
        {
            throw new SecretAgentException(ErrorKind.Target, $"output {path} is {type}; -o writes only regular files (use stdout for anything else)", config);
        }
    }

    private static string Describe(Exception ex, string path) => ex switch
    {
        UnauthorizedAccessException => "permission denied",
        IOException when File.Exists(path) => "it exists; use --force to replace it",
        _ => ex.GetType().Name,
    };

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort; the caller reports the original failure, which is the useful one.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
