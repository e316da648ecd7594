using System.Text;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Manifest;

/// <summary>
/// Validates and cleans relative paths under the target directory, following kubelet's AtomicWriter validatePath
/// (faults.md rows 22-23), plus one spelling per name (no control or invisible format characters, NFC only). The
/// same rules guard config names (<see cref="Publishing.ConfigName"/>), since a name is the default output path.
/// </summary>
public static class OutputPath
{
    public const int MaxPathBytes = 4096;
    public const int MaxSegmentBytes = 255;

    /// <summary>First segment reserved for SecretAgent's own files (the receipt).</summary>
    public const string ReservedDirectory = ".secret-agent";

    /// <summary>Returns the cleaned path ("a//b" becomes "a/b"), or throws ErrorKind.Manifest naming <paramref name="what"/>.</summary>
    public static string Normalize(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(what);
        return TryNormalize(path, out var normalized, out var problem)
            ? normalized
            : throw new SecretAgentException(ErrorKind.Manifest, $"{what} {problem}");
    }

    /// <summary>Cleans <paramref name="path"/>; on failure <paramref name="problem"/> says why, without echoing the path.</summary>
    public static bool TryNormalize(string path, out string normalized, out string problem)
    {
        ArgumentNullException.ThrowIfNull(path);
        normalized = string.Empty;
        problem = FirstTextProblem(path) ?? string.Empty;
        if (problem.Length > 0)
        {
            return false;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        problem = FirstSegmentProblem(segments) ?? string.Empty;
        if (problem.Length > 0)
        {
            return false;
        }

        normalized = string.Join('/', segments);
        return true;
    }

    private static string? FirstTextProblem(string path)
    {
        if (path.Length == 0)
        {
            return "must not be empty";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "must not contain a backslash";
        }

        if (path.Any(c => char.IsControl(c)))
        {
            return "must not contain control characters";
        }

        if (!IsWellFormedUtf16(path))
        {
            return "must be valid Unicode";
        }

        if (path.Any(IsInvisible))
        {
            return "must not contain invisible format characters (bidi controls, zero-width characters)";
        }

        if (!IsNfcStable(path))
        {
            return "must be in Unicode normalization form C (NFC), without combining marks";
        }

        if (path.StartsWith('/'))
        {
            return "must be relative, not absolute";
        }

        if (path.EndsWith('/'))
        {
            return "must name a file, not end in '/'";
        }

        return Encoding.UTF8.GetByteCount(path) > MaxPathBytes ? $"must be at most {MaxPathBytes} bytes long" : null;
    }

    private static string? FirstSegmentProblem(string[] segments)
    {
        foreach (var segment in segments)
        {
            if (segment == "..")
            {
                return "must not contain a '..' segment";
            }

            if (segment == ".")
            {
                return "must not contain a '.' segment";
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                return $"must not have a segment longer than {MaxSegmentBytes} bytes";
            }
        }

        // The atomic "..data" swap scheme owns every top-level name starting with "..".
        if (segments[0].StartsWith("..", StringComparison.Ordinal))
        {
            return "must not start with '..' (reserved for the atomic swap)";
        }

        return segments[0] == ReservedDirectory ? $"must not start with '{ReservedDirectory}' (reserved)" : null;
    }

    // Format characters (bidi overrides, zero-width joiners and spaces) and line separators make two different names
    // look alike, or one name look like another (Trojan Source); a file name has no need of them.
    private static bool IsInvisible(char c) => char.GetUnicodeCategory(c) is
        System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator;

    // Names that differ only by normalization ("caf\u00e9" and "cafe\u0301") would be distinct keys and files yet
    // read the same. Refusing every code point NFC could change or combine leaves one spelling per name.
    private static bool IsNfcStable(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (NfcUnstable.Contains(rune.Value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
