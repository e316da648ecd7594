
namespace SecretAgent.Integration.Tests.Admin;

/// <summary>The admin tool's failure contract: the documented exit code, nothing on stdout, one error line.</summary>
internal static class AdminAssert
{
    public static void FailedCleanly(CommandResult result, int exitCode, string expectedInMessage)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}\n{result}");
        Assert.Equal(string.Empty, result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("secret-agent-admin: error: ", line, StringComparison.Ordinal);
        Assert.Contains(expectedInMessage, line, StringComparison.Ordinal);
    }
}
