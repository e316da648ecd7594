using System.Text.RegularExpressions;

namespace SecretAgent.Core.Tests.Docs;

/// <summary>
/// docs/faults.md maps every fault to its tests; this keeps the map true. Every row names a test or says why there is
/// none (a cell starting with "—"), every numbered row of the checklist (../shared/docs/faults.md, rows 1-45) is
/// there, and every test it names exists in the test sources: `Dir/Class` is a file Class.cs in a directory ending in
/// Dir (`*` globs), `Class.Method` also holds a method of that name, a `Core.Tests/` or `Integration.Tests/` prefix picks
/// the project.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class FaultsTableTests
{
    private const int ChecklistRows = 45;

    private static readonly string TestsRoot = Path.Combine(RepositoryPaths.Root, "tests");

    public static TheoryData<string> NamedTests()
    {
        var data = new TheoryData<string>();
        foreach (var reference in Rows().SelectMany(r => TestReferences(r.Tests)).Distinct(StringComparer.Ordinal))
        {
            data.Add(reference);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NamedTests))]
    public void EveryTestTheTableNames_Exists(string reference)
    {
        Assert.True(Resolves(reference), $"docs/faults.md names `{reference}`, which is no test under tests/");
    }

    [Fact]
    public void EveryRow_NamesATestOrSaysWhyNot()
    {
        // "same" (or "same, ...") points at the row above, which the walk has checked already.
        var bare = Rows().Where(r => !TestReferences(r.Tests).Any() && !r.Tests.TrimStart().StartsWith('—') && !r.Tests.Trim().StartsWith("same", StringComparison.Ordinal)).Select(r => r.Fault).ToList();

        Assert.True(bare.Count == 0, "rows with neither a test nor a reason: " + string.Join("; ", bare));
    }

    [Fact]
    public void EveryChecklistRow_IsInTheTable()
    {
        var numbers = Rows().Select(r => r.Number).OfType<int>().ToHashSet();

        Assert.Equal(Enumerable.Range(1, ChecklistRows), Enumerable.Range(1, ChecklistRows).Where(numbers.Contains));
    }

    [Theory]
    [InlineData("Agent/AgentDeadlineTests", true)]
    [InlineData("Core.Tests/Fuzzing/*FuzzTests", true)]
    [InlineData("Agent/AgentDeadlineTests.Run_WhenEndpointHangs_GivesUpAtDeadlineWith69", true)]
    [InlineData("Agent/AgentNoSuchTests", false)]
    [InlineData("Admin/AgentDeadlineTests", false)]
    [InlineData("Agent/AgentDeadlineTests.NoSuchMethod", false)]
    public void Resolving_FindsWhatExists_AndOnlyThat(string reference, bool exists)
    {
        Assert.Equal(exists, Resolves(reference));
    }

    private static IEnumerable<(int? Number, string Fault, string Tests)> Rows()
    {
        foreach (var line in File.ReadLines(Path.Combine(RepositoryPaths.Root, "docs", "faults.md")))
        {
            var cells = line.Replace("\\|", "/", StringComparison.Ordinal).Split('|');
            if (cells.Length < 4 || !line.StartsWith('|') || cells[1].Trim() is "#" or "input" || cells[1].Trim().StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            var number = int.TryParse(cells[1].Trim(), out var n) ? n : (int?)null;
            yield return (number, cells[number is null && cells.Length == 5 ? 1 : 2].Trim(), cells[^2]);
        }
    }

    // Backticked names whose last part is a test class (…Tests), optionally with a method, or a glob.
    private static IEnumerable<string> TestReferences(string cell) =>
        Backticked().Matches(cell).Select(m => m.Groups[1].Value).Where(t => TestName().IsMatch(t));

    private static bool Resolves(string reference)
    {
        var (root, rest) = reference switch
        {
            _ when reference.StartsWith("Core.Tests/", StringComparison.Ordinal) => (Path.Combine(TestsRoot, "SecretAgent.Core.Tests"), reference["Core.Tests/".Length..]),
            _ when reference.StartsWith("Integration.Tests/", StringComparison.Ordinal) => (Path.Combine(TestsRoot, "SecretAgent.Integration.Tests"), reference["Integration.Tests/".Length..]),
            _ => (TestsRoot, reference),
        };
        var slash = rest.LastIndexOf('/');
        var directory = slash < 0 ? string.Empty : rest[..slash];
        var (type, method) = SplitMethod(rest[(slash + 1)..]);
        var pattern = new Regex("^" + Regex.Escape(type).Replace("\\*", ".*", StringComparison.Ordinal) + "\\.cs$", RegexOptions.None, TimeSpan.FromSeconds(1));
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => pattern.IsMatch(Path.GetFileName(f)))
            .Where(f => directory.Length == 0 || Path.GetDirectoryName(f)!.EndsWith(Path.DirectorySeparatorChar + directory.Replace('/', Path.DirectorySeparatorChar), StringComparison.Ordinal))
            .Any(f => method is null || File.ReadAllText(f).Contains($" {method}(", StringComparison.Ordinal));
    }

    private static (string Type, string? Method) SplitMethod(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (name, null) : (name[..dot], name[(dot + 1)..]);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Backticked();

    // Dir/Class, Class, Dir/*, Dir/*Tests, Class.Method: the class part ends in Tests or is a glob.
    [GeneratedRegex(@"^([A-Za-z0-9.]+/)*(\*|[A-Za-z0-9*]*Tests)(\.[A-Za-z_0-9]+)?$")]
    private static partial Regex TestName();
}
