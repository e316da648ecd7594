using System.CommandLine;
using SecretAgent.Cli;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Tests.Cli;

/// <summary>The shared CLI edge: every way a command ends becomes one line and a documented exit code.</summary>
[Trait("Category", "Unit")]
public sealed class CliHostTests
{
    private readonly List<(string Message, int Code)> failures = [];

    [Fact]
    public async Task Invoke_WhenCommandSucceeds_ReturnsItsCodeAndWritesNothing()
    {
        var code = await InvokeAsync(_ => 0, ["go"]);

        Assert.Equal(0, code);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Invoke_WhenCommandLineIsBad_IsOneUsageLineNamingEveryError()
    {
        var code = await InvokeAsync(_ => 0, ["go", "--nope"]);

        Assert.Equal(ExitCodes.Usage, code);
        var (message, _) = Assert.Single(failures);
        Assert.Contains("--nope", message, StringComparison.Ordinal);
        Assert.EndsWith(" (see --help)", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_DoesNotReadResponseFiles_AnAtPathIsAPlainArgument()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "--secret-word");

            var code = await InvokeAsync(_ => 0, ["go", $"@{file}"]);

            Assert.Equal(ExitCodes.Usage, code);
            var (message, _) = Assert.Single(failures);
            Assert.DoesNotContain("secret-word", message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Invoke_WhenCommandThrowsOurError_IsItsMessageAndExitCode()
    {
        var code = await InvokeAsync(_ => throw new SecretAgentException(ErrorKind.NotFound, "not there", "db"), ["go"]);

        Assert.Equal(ErrorKind.NotFound.ExitCode(), code);
        Assert.Equal([("config 'db': not there", code)], failures);
    }

    [Fact]
    public async Task Invoke_WhenProgramMapsTheException_UsesItsLineAndCode()
    {
        var code = await InvokeAsync(_ => throw new OperationCanceledException(), ["go"], ex => ex is OperationCanceledException ? ("cancelled", 130) : null);

        Assert.Equal(130, code);
        Assert.Equal([("cancelled", 130)], failures);
    }

    [Fact]
    public async Task Invoke_WhenUnexpected_NamesTheTypeOnly()
    {
        var code = await InvokeAsync(_ => throw new InvalidOperationException("library text that could quote data"), ["go"]);

        Assert.Equal(ExitCodes.Internal, code);
        Assert.Equal([("unexpected failure (InvalidOperationException); set SECRET_AGENT_DEBUG=1 for details", ExitCodes.Internal)], failures);
    }

    [Fact]
    public async Task Invoke_WhenUnexpectedAndDebugIsSet_ShowsTheDetails()
    {
        var code = await InvokeAsync(_ => throw new InvalidOperationException("the details"), ["go"], environment: name => name == "SECRET_AGENT_DEBUG" ? "1" : null);

        Assert.Equal(ExitCodes.Internal, code);
        var (message, _) = Assert.Single(failures);
        Assert.Contains("the details", message, StringComparison.Ordinal);
    }

    private Task<int> InvokeAsync(
        Func<ParseResult, int> action,
        string[] args,
        Func<Exception, (string, int)?>? mapFailure = null,
        Func<string, string?>? environment = null)
    {
        var command = new Command("go");
        command.SetAction(action);
        var root = new RootCommand("test") { command };
        return CliHost.InvokeAsync(root, args, Record, environment ?? (_ => null), mapFailure);
    }

    private int Record(string message, int code)
    {
        failures.Add((message, code));
        return code;
    }
}
