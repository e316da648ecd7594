using System.Diagnostics;
using System.Globalization;
using SecretAgent.Cli;

namespace SecretAgent.Integration.Tests.Security;

/// <summary>
/// Random command lines through each real binary (System.CommandLine's parse, the settings resolver, the first checks
/// of every command): built from the subcommands, every flag in the settings catalog and hostile values (empty, huge
/// numbers, bad durations, unicode and bidi, a newline, a 10 000-character word, `@file`). Never a crash, a hang, an
/// exit 70 or a stack trace; a refusal is at most one error line. Nothing can be reached: no manifest, S3 and KMS on a
/// closed loopback port, a file store in a scratch directory, and anything after `--` is `true`. The first
/// <see cref="FixedCases"/> cases are the same on every run; more follow while the budget lasts
/// (SECRET_AGENT_FUZZ_SECONDS, in seconds per binary, default 4).
/// </summary>
public sealed class CommandLineFuzzTests : IDisposable
{
    private const int FixedCases = 25;
    private readonly string scratch = Directory.CreateTempSubdirectory("sa-argv-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Theory]
    [InlineData("agent")]
    [InlineData("admin")]
    public void RandomCommandLines_AreRunOrRefusedWithOneLine_NeverACrash(string tool)
    {
        var (binary, program, commands) = tool == "agent"
            ? (Binaries.Agent, Programs.Agent, new[] { "run", "fetch", "watch", "check", "policy", "health" })
            : (Binaries.Admin, Programs.Admin, new[] { "put", "get", "ls", "history", "rm", "rollback", "rotate", "verify", "policy" });
        var flags = SettingsCatalog.All.Where(s => s.Flag is not null && s.Programs.HasFlag(program)).Select(s => s.Flag!).ToArray();
        var budget = Stopwatch.StartNew();
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("SECRET_AGENT_FUZZ_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 4;
        for (var i = 0; i < FixedCases || budget.Elapsed < TimeSpan.FromSeconds(seconds); i++)
        {
            var args = CommandLine(new Random(i), commands, flags);
            Check(binary, args);
        }
    }

    private void Check(string binary, string[] args)
    {
        var shown = string.Join(" ", args.Select(a => a.Length > 40 ? a[..40] + "..." : a));
        CommandResult result;
        try
        {
            result = CommandRunner.Run(binary, args, Variables(), TimeSpan.FromSeconds(30), stdin: string.Empty);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"hung: {Show(shown)}");
        }

        var context = $"{Show(shown)} -> {result}";
        Assert.True(result.ExitCode is not 70 and < 128, $"crash or unexpected failure: {context}");
        Assert.DoesNotContain("Unhandled exception", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        // With --log-format json among the arguments the one error line is a JSON record, not "tool: error: ...".
        var errorLines = result.StderrLines.Count(l => l.Contains(": error: ", StringComparison.Ordinal) || l.Contains("\"level\":\"error\"", StringComparison.Ordinal));
        Assert.True(errorLines <= 1, $"more than one error line: {context}");
        Assert.True(result.ExitCode != 64 || errorLines == 1, $"a usage exit without its one error line: {context}");
    }

    private string[] CommandLine(Random random, string[] commands, string[] flags)
    {
        string[] values =
        [
            "", "-", "--", "0", "-1", "1", "99999999999999999999", "1s", "0s", "500ms", "721h", "5x", "json", "xml", "v2", "v3",
            "s3://fuzz-bucket/p/", "s3://", $"file://{scratch}/store/", $"file://{scratch}/missing.key", "alias/fuzz",
            "/dev/null", "/dev/shm/sa-argv-none", "@/etc/hostname", "caf\u00e9", "\u202Eevil", "a\nb", new string('a', 10000),
            "signal:HUP", "signal:NOPE", "restart", "127.0.0.1:1", "0.0.0.0:9100", "db.json", "../x", "-h", "--help", "--version",
        ];
        var args = new List<string>();
        if (random.Next(8) != 0)
        {
            args.Add(commands[random.Next(commands.Length)]);
        }

        for (var n = random.Next(0, 7); n > 0; n--)
        {
            args.Add(random.Next(3) == 0 ? values[random.Next(values.Length)] : flags[random.Next(flags.Length)]);
            if (random.Next(2) == 0)
            {
                args.Add(values[random.Next(values.Length)]);
            }
        }

        // Nothing after `--` may run anything but true.
        var end = args.IndexOf("--");
        return end < 0 ? [.. args] : [.. args.Take(end + 1), "true"];
    }

    private Dictionary<string, string?> Variables() => new()
    {
        ["HOME"] = scratch,
        ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9/",
        ["AWS_ACCESS_KEY_ID"] = "fuzz",
        ["AWS_SECRET_ACCESS_KEY"] = "fuzz",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials",
        ["AWS_CONFIG_FILE"] = "/nonexistent/config",
        ["SECRET_AGENT_MANIFEST"] = Path.Combine(scratch, "missing.yaml"),
        ["SECRET_AGENT_SOURCE"] = null,
        ["SECRET_AGENT_KMS_KEY_ID"] = null,
        ["SECRET_AGENT_DIR"] = null,
    };

    private static string Show(string text) => Core.Errors.Printable.Escape(text);
}
