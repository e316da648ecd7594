namespace SecretAgent.Core.Manifest;

/// <summary>
/// Parses a permission mode written as 3-4 octal digits ("0400", "400", "0640"). Quoted or not, YAML keeps the text,
/// so an unquoted 0400 is read as octal here rather than as the decimal number YAML 1.2 would make of it.
/// </summary>
internal static class FileModeText
{
    public const int Default = 0x100; // 0400: owner read only
    public const int Max = 0x1FF;     // 0777: no setuid, setgid or sticky bits

    public static bool TryParse(string text, out int mode)
    {
        mode = 0;
        if (text.Length is < 3 or > 4)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            mode = (mode * 8) + (c - '0');
        }

        return mode <= Max;
    }

    public static string Format(int mode) => "0" + Convert.ToString(mode, 8).PadLeft(3, '0');
}
