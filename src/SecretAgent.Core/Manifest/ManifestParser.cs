using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Manifest;

/// <summary>
/// Parses secret-agent.yaml strictly: every refusal is ErrorKind.Manifest with "file:line:col: cause", and a
/// manifest that parses is complete and consistent, so no later step needs to re-check it.
/// </summary>
public static class ManifestParser
{
    /// <summary>A manifest is a short list of names; anything larger is a mistake, not a manifest.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static Manifest Parse(ReadOnlySpan<byte> utf8, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (utf8.Length > MaxBytes)
        {
            throw ManifestError.At(fileName, 1, 1, $"manifest is larger than {MaxBytes} bytes");
        }

        var sha256Hex = Convert.ToHexStringLower(SHA256.HashData(utf8));
        var text = Decode(utf8, fileName);
        var root = ManifestYaml.LoadRoot(text, fileName)
            ?? throw ManifestError.At(fileName, 1, 1, "manifest is empty; it needs 'version: 1' and 'files'");
        return ManifestReader.Read(root, new YamlScalars(fileName), sha256Hex);
    }

    public static Manifest Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(ManifestFileReading.ReadAllBytes(path), path);
    }

    private static string Decode(ReadOnlySpan<byte> utf8, string fileName)
    {
        var body = utf8.StartsWith(Encoding.UTF8.Preamble) ? utf8[Encoding.UTF8.Preamble.Length..] : utf8;
        var chars = new char[body.Length];
        var status = Utf8.ToUtf16(body, chars, out var bytesRead, out var charsWritten, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
        {
            var before = body[..bytesRead];
            var line = before.Count((byte)'\n') + 1;
            var column = bytesRead - before.LastIndexOf((byte)'\n');
            throw ManifestError.At(fileName, line, column, "manifest is not valid UTF-8");
        }

        return new string(chars, 0, charsWritten);
    }
}
