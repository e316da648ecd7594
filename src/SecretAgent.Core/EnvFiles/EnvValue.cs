using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace SecretAgent.Core.EnvFiles;

/// <summary>Decodes the value part of an env line: raw, 'single-quoted' or "double-quoted" with escapes.</summary>
internal static class EnvValue
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(ReadOnlySpan<byte> text, int lineNumber, string config)
    {
        if (text.Contains((byte)0))
        {
            throw EnvLine.Error(config, lineNumber, "value contains a NUL byte");
        }

        return text.IsEmpty ? string.Empty : text[0] switch
        {
            (byte)'\'' => SingleQuoted(text, lineNumber, config),
            (byte)'"' => DoubleQuoted(text, lineNumber, config),
            _ => ToText(text, lineNumber, config),
        };
    }

    private static string SingleQuoted(ReadOnlySpan<byte> text, int lineNumber, string config)
    {
        var close = text[1..].IndexOf((byte)'\'');
        if (close < 0)
        {
            throw EnvLine.Error(config, lineNumber, "unterminated single quote");
        }

        RequireNothingAfter(text[(close + 2)..], lineNumber, config);
        return ToText(text.Slice(1, close), lineNumber, config);
    }

    // Unescapes into a pooled buffer that is zeroed before it goes back: the value is a secret.
    private static string DoubleQuoted(ReadOnlySpan<byte> text, int lineNumber, string config)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(text.Length);
        var written = 0;
        try
        {
            var index = 1;
            for (; index < text.Length && text[index] != (byte)'"'; index++)
            {
                if (text[index] == (byte)'\\')
                {
                    index++;
                    buffer[written++] = Unescape(index < text.Length ? text[index] : (byte)0, lineNumber, config);
                }
                else
                {
                    buffer[written++] = text[index];
                }
            }

            if (index >= text.Length)
            {
                throw EnvLine.Error(config, lineNumber, "unterminated double quote");
            }

            RequireNothingAfter(text[(index + 1)..], lineNumber, config);
            return ToText(buffer.AsSpan(0, written), lineNumber, config);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, written));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte Unescape(byte escaped, int lineNumber, string config) => escaped switch
    {
        (byte)'n' => (byte)'\n',
        (byte)'r' => (byte)'\r',
        (byte)'t' => (byte)'\t',
        (byte)'"' => (byte)'"',
        (byte)'\\' => (byte)'\\',
        _ => throw EnvLine.Error(config, lineNumber, "unsupported escape in double-quoted value (use \\n \\r \\t \\\" or \\\\)"),
    };

    private static void RequireNothingAfter(ReadOnlySpan<byte> tail, int lineNumber, string config)
    {
        if (!tail.TrimStart(" \t"u8).IsEmpty)
        {
            throw EnvLine.Error(config, lineNumber, "unexpected text after the closing quote");
        }
    }

    // No inner exception: DecoderFallbackException's message quotes the offending bytes.
    private static string ToText(ReadOnlySpan<byte> bytes, int lineNumber, string config)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw EnvLine.Error(config, lineNumber, "value is not valid UTF-8");
        }
    }
}
