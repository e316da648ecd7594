using SecretAgent.Core.Errors;
using SecretAgent.Core.Settings;

namespace SecretAgent.Core.Manifest;

/// <summary>Reads the manifest file, turning every way it can be unreadable into ErrorKind.Manifest.</summary>
internal static class ManifestFileReading
{
    public static byte[] ReadAllBytes(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.Length > ManifestParser.MaxBytes)
            {
                throw ManifestError.At(path, 1, 1, $"manifest is larger than {ManifestParser.MaxBytes} bytes");
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SecretAgentException(ErrorKind.Manifest, $"manifest {path} not found; set {EnvironmentNames.Manifest} or {FlagNames.Manifest}");
        }
        catch (ArgumentException)
        {
            throw new SecretAgentException(ErrorKind.Manifest, $"the manifest path is not a valid path; set {EnvironmentNames.Manifest} or {FlagNames.Manifest}");
        }
        catch (UnauthorizedAccessException)
        {
            throw new SecretAgentException(ErrorKind.Manifest, $"manifest {path} is not readable (permission denied)");
        }
        catch (IOException ex)
        {
            throw new SecretAgentException(ErrorKind.Manifest, $"manifest {path} could not be read: {ex.GetType().Name}");
        }
    }
}
