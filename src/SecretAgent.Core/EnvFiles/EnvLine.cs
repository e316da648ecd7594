using System.Text;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.EnvFiles;

/// <summary>One line of an env file: nothing (blank or comment) or a KEY=VALUE pair.</summary>
internal static class EnvLine
{
    private static readonly byte[] ExportPrefix = "export"u8.ToArray();
    private static readonly byte[] ReservedPrefix = Encoding.ASCII.GetBytes(EnvFileParser.ReservedPrefix);

    public static KeyValuePair<string, string>? Parse(ReadOnlySpan<byte> line, int lineNumber, string config)
    {
        if (line.EndsWith((byte)'\r'))
        {
            line = line[..^1];
        }

        line = line.TrimStart(" \t"u8);
        if (line.IsEmpty || line[0] == (byte)'#')
        {
            return null;
        }

        line = SkipExport(line);
        var keyLength = KeyLength(line);
        if (keyLength == 0 || keyLength == line.Length || line[keyLength] != (byte)'=')
        {
            throw Error(config, lineNumber, "not KEY=VALUE");
        }

        var key = line[..keyLength];
        if (key.StartsWith(ReservedPrefix))
        {
            throw Error(config, lineNumber, $"keys starting with {EnvFileParser.ReservedPrefix} are reserved");
        }

        var value = EnvValue.Decode(line[(keyLength + 1)..], lineNumber, config);
        return new KeyValuePair<string, string>(Encoding.ASCII.GetString(key), value);
    }

    public static SecretAgentException Error(string config, int lineNumber, string cause) =>
        new(ErrorKind.Integrity, $"env file line {lineNumber}: {cause}", config);

    private static ReadOnlySpan<byte> SkipExport(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith(ExportPrefix) && line.Length > ExportPrefix.Length && line[ExportPrefix.Length] is (byte)' ' or (byte)'\t')
        {
            return line[ExportPrefix.Length..].TrimStart(" \t"u8);
        }

        return line;
    }

    // Keys follow the POSIX shell name rule: [A-Za-z_][A-Za-z0-9_]*.
    private static int KeyLength(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || !(char.IsAsciiLetter((char)line[0]) || line[0] == (byte)'_'))
        {
            return 0;
        }

        var length = 1;
        while (length < line.Length && (char.IsAsciiLetterOrDigit((char)line[length]) || line[length] == (byte)'_'))
        {
            length++;
        }

        return length;
    }
}
