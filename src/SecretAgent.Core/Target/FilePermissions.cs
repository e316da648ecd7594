using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Target;

/// <summary>
/// The permission bits of a delivered file: read, write and execute for owner, group and others, 0 to 0777. Never
/// setuid, setgid or sticky: docs/manifest.md says "at most 0777" and the manifest always refused more, while the
/// target alone accepted up to 07777; the safer rule is now the only one. A secret has no use for those bits, and a
/// setgid file would hand out its group. Parsed once at the edge and carried to the target, which sets exactly these.
/// </summary>
public readonly record struct FilePermissions
{
    private const int MaxBits = 0x1FF; // 0777

    private FilePermissions(int bits) => Bits = bits;

    /// <summary>0400: owner read only, for a manifest entry without 'mode'.</summary>
    public static FilePermissions Default { get; } = new(0x100);

    public int Bits { get; }

    /// <summary>A mode written as 3-4 octal digits ("0400", "400", "0640"), at most 0777.</summary>
    /// <remarks>Quoted or not, YAML keeps the text, so an unquoted 0400 is octal here, not YAML 1.2's decimal.</remarks>
    public static bool TryParse(string text, out FilePermissions mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        mode = default;
        if (text.Length is < 3 or > 4)
        {
            return false;
        }

        var bits = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            bits = (bits * 8) + (c - '0');
        }

        if (bits > MaxBits)
        {
            return false;
        }

        mode = new FilePermissions(bits);
        return true;
    }

    /// <summary>A mode fixed in code (the receipt's 0444); refused as ErrorKind.Manifest outside 0-0777.</summary>
    public static FilePermissions FromBits(int bits) => bits is >= 0 and <= MaxBits
        ? new FilePermissions(bits)
        : throw new SecretAgentException(ErrorKind.Manifest, $"mode {Convert.ToString(bits, 8)} is outside 0-0777");

    /// <summary>"0400".</summary>
    public override string ToString() => "0" + Convert.ToString(Bits, 8).PadLeft(3, '0');
}
