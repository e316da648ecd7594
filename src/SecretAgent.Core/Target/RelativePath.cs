using System.Diagnostics.CodeAnalysis;
using System.Text;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Target;

/// <summary>
/// A cleaned relative path under the target directory ("a//b" becomes "a/b"), checked once where it enters (a
/// manifest entry's path or name, SecretAgent's own receipt) and carried as this type to the target, which therefore
/// never re-checks it. The rules follow kubelet's AtomicWriter validatePath (faults.md rows 22-23), plus one spelling
/// per name (no control or invisible format characters, NFC only) and the names the target itself owns: every
/// top-level name starting with ".." (the atomic swap) and <see cref="ReservedDirectory"/> (the receipt).
/// Lengths count UTF-8 bytes, as the kernel's PATH_MAX and NAME_MAX do (and kubelet, whose Go len counts bytes):
/// counting characters would pass a 255-letter non-ASCII name that open(2) then refuses with ENAMETOOLONG halfway
/// through a publish.
/// </summary>
public sealed record RelativePath
{
    public const int MaxPathBytes = 4096;
    public const int MaxSegmentBytes = 255;

    /// <summary>First segment reserved for SecretAgent's own files (the receipt).</summary>
    public const string ReservedDirectory = ".secret-agent";

    private RelativePath(string value) => Value = value;

    /// <summary>The cleaned '/'-separated text.</summary>
    public string Value { get; }

    public static implicit operator string(RelativePath path) => path?.Value!;

    /// <summary>Cleans <paramref name="path"/>, or throws ErrorKind.Manifest naming <paramref name="what"/>.</summary>
    public static RelativePath Parse(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(what);
        return TryParse(path, out var result, out var problem)
            ? result
            : throw new SecretAgentException(ErrorKind.Manifest, $"{what} {problem}");
    }

    /// <summary>Cleans <paramref name="path"/>; on failure <paramref name="problem"/> says why, without echoing the path.</summary>
    public static bool TryParse(string path, [NotNullWhen(true)] out RelativePath? result, out string problem) =>
        TryParse(path, ownFile: false, out result, out problem);

    /// <summary>One of SecretAgent's own files under <see cref="ReservedDirectory"/>: the same rules, the reservation aside.</summary>
    internal static RelativePath OwnFile(string path) =>
        TryParse(path, ownFile: true, out var result, out var problem) && result.Value.StartsWith(ReservedDirectory + "/", StringComparison.Ordinal)
            ? result
            : throw new ArgumentException($"not a path under {ReservedDirectory}: {problem}", nameof(path));

    /// <summary>The directory part ("" at the top), and the last segment.</summary>
    public string Parent => Value.LastIndexOf('/') is var slash and >= 0 ? Value[..slash] : string.Empty;

    public string FileName => Value[(Value.LastIndexOf('/') + 1)..];

    public string[] Segments() => Value.Split('/');

    public override string ToString() => Value;

    private static bool TryParse(string path, bool ownFile, [NotNullWhen(true)] out RelativePath? result, out string problem)
    {
        ArgumentNullException.ThrowIfNull(path);
        result = null;
        problem = FirstTextProblem(path) ?? string.Empty;
        if (problem.Length > 0)
        {
            return false;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        problem = FirstSegmentProblem(segments, ownFile) ?? string.Empty;
        if (problem.Length > 0)
        {
            return false;
        }

        result = new RelativePath(string.Join('/', segments));
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

    private static string? FirstSegmentProblem(string[] segments, bool ownFile)
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

        return segments[0] == ReservedDirectory && !ownFile ? $"must not start with '{ReservedDirectory}' (reserved)" : null;
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
