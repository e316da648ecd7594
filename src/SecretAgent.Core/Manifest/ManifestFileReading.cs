using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Manifest;

/// <summary>Reads the manifest file, turning every way it can be unreadable into ErrorKind.Manifest.</summary>
internal static class ManifestFileReading
{
    /// <summary>
    /// Only a regular file is read: a pipe (-m /dev/stdin from a pipe, -m &lt;(...)) or a FIFO is refused at once
    /// rather than read without a bound in time, and a FIFO with no writer cannot hang the start.
    /// </summary>
    public static byte[] ReadAllBytes(string path)
    {
        try
        {
            return RegularFile.ReadAll(path, ManifestParser.MaxBytes, "manifest");
        }
        catch (SecretAgentException ex) when (ex.Kind == ErrorKind.Integrity)
        {
            throw ManifestError.At(path, 1, 1, $"manifest is larger than {ManifestParser.MaxBytes} bytes");
        }
        catch (SecretAgentException ex) when (ex.Kind == ErrorKind.NotFound)
        {
            // The inner NotFound lets the CLI edge add how to point at the manifest (Core names no flag).
            throw new SecretAgentException(ErrorKind.Manifest, ex.Message, inner: ex);
        }
        catch (SecretAgentException ex)
        {
            throw new SecretAgentException(ErrorKind.Manifest, ex.Message);
        }
    }
}
