using SecretAgent.Integration.Tests.Agent;

namespace SecretAgent.Integration.Tests.BlackBox;

/// <summary>
/// Neither tool reads arguments from a file: "@path" is a plain argument, so a curl-style "@./db.json" typo can never
/// splice a file's words into the command line, where a usage error would echo them (issue defect 1).
/// </summary>
public sealed class ResponseFileTests : IDisposable
{
    private readonly LocalWorld world = new();
    private readonly string canary = "canary-" + Guid.NewGuid().ToString("N");
    private readonly string file;

    public ResponseFileTests()
    {
        // Several words, so a response-file expansion would overflow any argument list and be echoed as "unrecognized".
        file = Path.Combine(world.Root, "db.json");
        File.WriteAllText(file, $"{{\"password\": \"{canary}\"}}\n{canary} --{canary}\n");
    }

    public static TheoryData<string[], int, string> AgentCases => new()
    {
        { ["fetch", "{file}"], 64, "'{file}'" },
        { ["run", "{file}", "--", "true"], 64, "'{file}'" },
        { ["run", "--owner", "{file}", "--", "true"], 64, "owner '{file}'" },
        { ["fetch", "--source", "{file}"], 64, "'{file}'" },
        { ["check", "{file}"], 64, "'{file}'" },
    };

    public static TheoryData<string[], int, string> AdminCases => new()
    {
        { ["put", "db.json", "{file}"], 66, "input file {file} not found" },
        { ["put", "db.json", "{file}", "--json"], 66, "input file {file} not found" },
        { ["ls", "{file}"], 64, "'{file}'" },
        { ["ls", "--source", "{file}"], 64, "source '{file}'" },
        { ["history", "db.json", "{file}"], 64, "'{file}'" },
    };

    [Theory]
    [MemberData(nameof(AgentCases))]
    public void Agent_AtFileArgument_IsPlainAndNeverRead(string[] args, int exitCode, string expected)
    {
        foreach (var logFormat in new[] { "human", "json" })
        {
            // Before "--": everything after it is the app's command.
            var result = world.Agent([args[0], "--log-format", logFormat, .. Expand(args[1..])]);

            AssertPlain(result, exitCode, expected);
        }
    }

    [Theory]
    [MemberData(nameof(AdminCases))]
    public void Admin_AtFileArgument_IsPlainAndNeverRead(string[] args, int exitCode, string expected)
    {
        var environment = world.Environment();
        var result = CommandRunner.Run(Binaries.Admin, Expand(args), environment);

        AssertPlain(result, exitCode, expected);
    }

    public void Dispose() => world.Dispose();

    private string AtFile => "@" + file;

    private string[] Expand(string[] args) => args.Select(a => a.Replace("{file}", AtFile, StringComparison.Ordinal)).ToArray();

    private void AssertPlain(CommandResult result, int exitCode, string expected)
    {
        Assert.DoesNotContain(canary, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}\n{result}");
        var line = Assert.Single(result.StderrLines, l => l.Contains(": error: ", StringComparison.Ordinal) || l.Contains("\"level\":\"error\"", StringComparison.Ordinal));
        Assert.Contains(expected.Replace("{file}", AtFile, StringComparison.Ordinal), line, StringComparison.Ordinal);
    }
}
