using System.CommandLine;

namespace SecretAgent.Admin.Commands;

/// <summary>
/// <c>--allow-key KEY</c> (repeatable, or comma-separated) for rollback, rotate and verify: keys besides
/// <c>--kms-key-id</c> that the history may have been encrypted under (the old key of a rotation). Decrypt stays
/// pinned to these ids, as the agent's allowlist is; nothing is ever encrypted under them.
/// </summary>
internal static class EarlierKeys
{
    public static Option<string[]> Create() => new("--allow-key")
    {
        Description = "Also accept objects encrypted under KEY (an earlier key); repeatable or comma-separated",
        HelpName = "KEY",
        AllowMultipleArgumentsPerToken = false,
    };

    public static IReadOnlyList<string> Read(ParseResult parse, Option<string[]> option) =>
        (parse.GetValue(option) ?? [])
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
