using System.Text.RegularExpressions;
using SecretAgent.Cli;
using SecretAgent.Core.Tests.Format;

namespace SecretAgent.Core.Tests.Settings;

/// <summary>
/// The settings catalog and the docs say the same thing: every setting a program reads has a row in that program's
/// settings table (docs/agent.md "Settings", docs/admin.md "Global options") with its flag and its variable together,
/// and every SECRET_AGENT_* variable the docs name is one the catalog holds.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class SettingsCatalogDocsTests
{
    /// <summary>Read by the build scripts (scripts/lib/publish.sh), not by either program.</summary>
    private static readonly string[] BuildVariables = ["SECRET_AGENT_ALLOW_TRIMMED"];

    public static TheoryData<string, string> SettingsPerDoc()
    {
        var data = new TheoryData<string, string>();
        foreach (var setting in SettingsCatalog.All)
        {
            foreach (var (program, doc) in new[] { (Programs.Agent, "agent.md"), (Programs.Admin, "admin.md") })
            {
                if (setting.Programs.HasFlag(program))
                {
                    data.Add(doc, setting.Flag ?? setting.Variable!);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SettingsPerDoc))]
    public void EverySetting_HasARowInItsProgramsSettingsTable_WithItsFlagAndVariable(string doc, string flagOrVariable)
    {
        var setting = SettingsCatalog.All.Single(s => (s.Flag ?? s.Variable) == flagOrVariable && s.Programs.HasFlag(doc == "agent.md" ? Programs.Agent : Programs.Admin));

        var rows = TableRows(doc).Where(row => Names(row, setting)).ToList();

        Assert.True(rows.Count == 1, $"docs/{doc} has {rows.Count} table rows for {setting.Flag ?? "(no flag)"} / {setting.Variable ?? "(no variable)"}, expected one");
    }

    [Theory]
    [InlineData("agent.md")]
    [InlineData("admin.md")]
    [InlineData("exit-codes.md")]
    [InlineData("deployment.md")]
    [InlineData("manifest.md")]
    public void EveryVariableTheDocsName_IsInTheCatalog(string doc)
    {
        var known = SettingsCatalog.All.Select(s => s.Variable).OfType<string>().Concat(BuildVariables).ToHashSet(StringComparer.Ordinal);

        var unknown = Variable().Matches(File.ReadAllText(DocPath(doc))).Select(m => m.Value).Where(v => !known.Contains(v)).Distinct().ToList();

        Assert.True(unknown.Count == 0, $"docs/{doc} names variables the catalog does not hold: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Catalog_NamesEachFlagAndVariableOncePerProgram()
    {
        foreach (var program in new[] { Programs.Agent, Programs.Admin })
        {
            var settings = SettingsCatalog.All.Where(s => s.Programs.HasFlag(program)).ToList();
            Assert.Equal(settings.Count, settings.Select(s => s.Flag ?? s.Variable).Distinct(StringComparer.Ordinal).Count());
            Assert.All(settings, s => Assert.True(s.Flag is not null || s.Variable is not null));
            Assert.All(settings.Select(s => s.Variable).OfType<string>(), v => Assert.StartsWith(SettingsCatalog.VariablePrefix, v, StringComparison.Ordinal));
        }
    }

    // A row names a setting when its first cell starts with the flag (`--owner uid:gid`) and its variable cell is the
    // setting's variable: a flag documented under the wrong variable fails as surely as a missing one.
    private static bool Names(string[] row, Setting setting) =>
        row.Length >= 2
        && (setting.Flag is null ? row[0].Length == 0 : Regex.IsMatch(row[0], $"^`{Regex.Escape(setting.Flag)}[` ]"))
        && row[1] == (setting.Variable is null ? string.Empty : $"`{setting.Variable}`");

    private static IEnumerable<string[]> TableRows(string doc) =>
        File.ReadLines(DocPath(doc))
            .Where(line => line.StartsWith('|') && !line.StartsWith("|---", StringComparison.Ordinal))
            .Select(line => CellBorder().Split(line.Trim())[1..^1].Select(cell => cell.Trim()).ToArray());

    private static string DocPath(string doc) => Path.Combine(RepositoryPaths.Root, "docs", doc);

    // A | that is not escaped (`human\|json` is one cell).
    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellBorder();

    [GeneratedRegex("SECRET_AGENT_[A-Z][A-Z0-9_]*")]
    private static partial Regex Variable();
}
