using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SecretAgent.Core.Target;

/// <summary>
/// The kubelet atomic-writer layout: files live in a timestamped staging directory, "..data" is a symlink to the live
/// one, and each top-level name is a symlink through "..data". Every internal name starts with "..", which no published
/// path may do.
/// </summary>
internal static partial class TargetLayout
{
    public const string Data = "..data";
    public const string DataTmp = "..data_tmp";
    public const string Lock = "..lock";
    public const string LinkTmpPrefix = "..link_tmp.";
    public const string ProbePrefix = "..probe.";

    /// <summary>The watcher's status file: outside "..data", so rewriting it is no swap; read by `secret-agent health`.</summary>
    public const string Status = "..status.json";
    public const string StatusTmpPrefix = "..status_tmp.";

    /// <summary>A fresh staging name, e.g. "..2026_01_31_12_00_00.3f9a1c0b".</summary>
    public static string NewStagingName(DateTimeOffset now) =>
        ".." + now.UtcDateTime.ToString("yyyy_MM_dd_HH_mm_ss", CultureInfo.InvariantCulture) + "." + RandomSuffix();

    public static string NewLinkTmpName() => LinkTmpPrefix + RandomSuffix();

    public static string NewProbeName() => ProbePrefix + RandomSuffix();

    public static string NewStatusTmpName() => StatusTmpPrefix + RandomSuffix();

    public static bool IsStagingName(string name) => StagingPattern().IsMatch(name);

    /// <summary>The text of the user-visible symlink for a top-level name.</summary>
    public static string UserLinkText(string name) => Data + "/" + name;

    /// <summary>Names we may leave behind after a crash; removed before the next publish.</summary>
    public static bool IsLeftover(string name, string? liveStaging) =>
        name == DataTmp
        || name.StartsWith(LinkTmpPrefix, StringComparison.Ordinal)
        || name.StartsWith(ProbePrefix, StringComparison.Ordinal)
        || name.StartsWith(StatusTmpPrefix, StringComparison.Ordinal)
        || (IsStagingName(name) && name != liveStaging);

    private static string RandomSuffix() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    [GeneratedRegex(@"^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.[0-9a-f]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex StagingPattern();
}
