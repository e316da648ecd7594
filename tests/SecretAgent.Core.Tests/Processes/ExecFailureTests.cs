using SecretAgent.Core.Errors;
using SecretAgent.Core.Processes;

namespace SecretAgent.Core.Tests.Processes;

[Trait("Category", "Unit")]
public sealed class ExecFailureTests
{
    [Theory]
    [InlineData(2, ErrorKind.CommandNotFound, 127)]   // ENOENT
    [InlineData(13, ErrorKind.NotExecutable, 126)]    // EACCES
    [InlineData(8, ErrorKind.NotExecutable, 126)]     // ENOEXEC
    [InlineData(21, ErrorKind.NotExecutable, 126)]    // EISDIR
    [InlineData(1, ErrorKind.NotExecutable, 126)]     // EPERM
    public void FromErrno_MapsLikeAShell(int errno, ErrorKind kind, int exitCode)
    {
        var ex = ExecFailure.FromErrno("app", errno);

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(exitCode, ex.ExitCode);
        Assert.Contains("'app'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void FromErrno_WhenNotExecutable_NamesTheCause()
    {
        Assert.Equal("cannot execute command 'app': Exec format error", ExecFailure.FromErrno("app", 8).Message);
    }

    [Theory]
    [InlineData(1, 129)]
    [InlineData(9, 137)]
    [InlineData(15, 143)]
    public void ExitCodes_ForSignal_Is128PlusN(int signal, int status) =>
        Assert.Equal(status, ExitCodes.ForSignal(signal));
}
