using System.Security.Cryptography;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Local;

/// <summary>
/// A local key file: one line of standard base64 holding 32 random bytes (AES-256). Create one with
/// <c>head -c 32 /dev/urandom | base64 &gt; demo.key</c> or <see cref="Create"/>.
/// </summary>
public static class LocalKeyFile
{
    public const int KeyLength = 32;

    public static byte[] Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SecretAgentException(ErrorKind.NotFound, $"local key file {path} not found");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecretAgentException(ErrorKind.AccessDenied, $"local key file {path} cannot be read: {ex.GetType().Name}");
        }

        var key = new byte[KeyLength];
        return Convert.TryFromBase64String(text, key, out var written) && written == KeyLength
            ? key
            : throw new SecretAgentException(ErrorKind.Usage, $"local key file {path} does not hold 32 base64-encoded bytes");
    }

    /// <summary>Writes a new random key file with mode 0600; refuses to overwrite.</summary>
    public static void Create(string path)
    {
        var key = RandomNumberGenerator.GetBytes(KeyLength);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            using var writer = new StreamWriter(path, options);
            writer.WriteLine(Convert.ToBase64String(key));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The absolute path named by a file:///path key id.</summary>
    public static string PathOf(string keyId)
    {
        var path = keyId.StartsWith(LocalKeyService.Scheme, StringComparison.Ordinal) ? keyId[LocalKeyService.Scheme.Length..] : keyId;
        return path.StartsWith('/')
            ? path
            : throw new SecretAgentException(ErrorKind.Usage, $"local key id '{keyId}' must be file:///absolute/path");
    }
}
