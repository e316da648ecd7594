using System.Globalization;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Target;

/// <summary>The numeric owner given to published files and directories, so an unprivileged app user can read them.</summary>
public sealed record FileOwner(int Uid, int Gid)
{
    /// <summary>Parses "uid:gid" (both non-negative decimal numbers); <paramref name="what"/> names it in the error.</summary>
    public static FileOwner Parse(string text, string what = "owner")
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length == 2 && TryParseId(parts[0], out var uid) && TryParseId(parts[1], out var gid))
        {
            return new FileOwner(uid, gid);
        }

        throw new SecretAgentException(ErrorKind.Usage, $"{what} '{text}' is not numeric uid:gid (e.g. 1000:1000)");
    }

    public override string ToString() => $"{Uid}:{Gid}";

    private static bool TryParseId(string text, out int id) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
}
