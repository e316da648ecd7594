using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Posix;

namespace SecretAgent.Local;

/// <summary>
/// A local key file: one line of standard base64 holding 32 random bytes (AES-256). Create one with
/// <c>head -c 32 /dev/urandom | base64 &gt; demo.key</c> or <see cref="Create"/>.
/// </summary>
public static class LocalKeyFile
{
    public const int KeyLength = 32;

    /// <summary>A key file holds one line; anything longer is not a key file (and is never read whole).</summary>
    public const int MaxFileBytes = 1024;

    public static byte[] Read(string path)
    {
        var bytes = RegularFile.ReadAll(path, MaxFileBytes, "local key file");
        try
        {
            var key = new byte[KeyLength];
            var text = Trim(bytes);
            var status = Base64.DecodeFromUtf8(text, key, out _, out var written);
            return status == OperationStatus.Done && written == KeyLength
                ? key
                : throw new SecretAgentException(ErrorKind.Usage, $"local key file {path} does not hold 32 base64-encoded bytes");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
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

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        var end = bytes.Length;
        while (start < end && IsSpace(bytes[start]))
        {
            start++;
        }

        while (end > start && IsSpace(bytes[end - 1]))
        {
            end--;
        }

        return bytes[start..end];
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>The absolute path named by a file:///path key id.</summary>
    public static string PathOf(string keyId)
    {
        var path = keyId.StartsWith(KmsKeyReference.LocalScheme, StringComparison.Ordinal) ? keyId[KmsKeyReference.LocalScheme.Length..] : keyId;
        return path.StartsWith('/')
            ? path
            : throw new SecretAgentException(ErrorKind.Usage, $"local key id '{keyId}' must be file:///absolute/path");
    }
}
