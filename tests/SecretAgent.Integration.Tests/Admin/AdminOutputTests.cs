using System.Diagnostics;
using SecretAgent.Integration.Tests.Agent;

namespace SecretAgent.Integration.Tests.Admin;

/// <summary>
/// Where secret-agent-admin's output goes (issue defect 12): a non-regular -o destination is refused, and a closed,
/// full or broken stdout is one line with exit 74, never 70 or a silent success. Uses a local store, no AWS.
/// </summary>
public sealed class AdminOutputTests : IDisposable
{
    private const string Sentinel = "CANARY-output-7c1e";
    private readonly LocalWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task Get_WhenOutputIsAFifo_Refuses73EvenWithForce_AndLeavesIt()
    {
        await world.PublishAsync("db.json", Sentinel);
        var fifo = Path.Combine(world.Root, "out.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo])!)
        {
            mkfifo.WaitForExit();
        }

        var result = Admin("get", "db.json", "-o", fifo, "--force");

        Assert.True(result.ExitCode == 73, result.ToString());
        Assert.Contains("is a FIFO or pipe; -o writes only regular files", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Equal("fifo", FileType(fifo));
    }

    [Theory]
    [InlineData("exec \"$0\" \"$@\" > /dev/full", "ENOSPC")]
    [InlineData("exec \"$0\" \"$@\" >&-", "EBADF")]
    [InlineData("\"$0\" \"$@\" | true; exit ${PIPESTATUS[0]}", "EPIPE")]
    public async Task Get_WhenStdoutCannotBeWritten_Exits74WithOneLine(string redirect, string errno)
    {
        await world.PublishAsync("db.json", Sentinel);

        var result = InShell(redirect, "get", "db.json");

        Assert.True(result.ExitCode == 74, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains($"cannot write to standard output: ", line, StringComparison.Ordinal);
        Assert.Contains(errno, line, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("exec \"$0\" \"$@\" > /dev/full")]
    [InlineData("exec \"$0\" \"$@\" >&-")]
    public async Task Ls_WhenStdoutCannotBeWritten_Exits74(string redirect)
    {
        await world.PublishAsync("db.json", "x");

        var result = InShell(redirect, "ls");

        Assert.True(result.ExitCode == 74, result.ToString());
        Assert.Contains("cannot write to standard output", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cafe\u0301.json", "NFC")]
    [InlineData("a\u202eb.json", "invisible")]
    [InlineData("a\u200db.json", "invisible")]
    public void Put_WhenNameIsNotInOneCanonicalSpelling_Exits64(string name, string cause)
    {
        var input = Path.Combine(world.Root, "input.txt");
        File.WriteAllText(input, "x");

        var result = Admin("put", name, input);

        Assert.True(result.ExitCode == 64, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains(cause, line, StringComparison.Ordinal);
        Assert.DoesNotContain(line, c => c is '\u202e' or '\u200d');
    }

    private static string FileType(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true })!;
        var type = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return type;
    }

    private CommandResult Admin(params string[] args) => CommandRunner.Run(Binaries.Admin, args, world.Environment());

    private CommandResult InShell(string redirect, params string[] args) =>
        CommandRunner.Run("/bin/bash", ["-c", redirect, Binaries.Admin, .. args], world.Environment());
}
