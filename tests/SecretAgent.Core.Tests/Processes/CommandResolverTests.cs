using System.Runtime.Versioning;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Processes;

namespace SecretAgent.Core.Tests.Processes;

[Trait("Category", "Unit")]
[SupportedOSPlatform("linux")]
public sealed class CommandResolverTests : IDisposable
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode NotExecutable = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string root = Directory.CreateTempSubdirectory("resolver-").FullName;

    [Fact]
    public void Resolve_WhenCommandOnPath_ReturnsFirstExecutableMatch()
    {
        var first = Dir("first");
        var second = Dir("second");
        File(second, "tool", Executable);
        File(first, "tool", Executable);

        Assert.Equal(Path.Join(first, "tool"), CommandResolver.Resolve("tool", $"{first}:{second}"));
    }

    [Fact]
    public void Resolve_WhenEarlierMatchNotExecutable_KeepsSearchingLikeExecvp()
    {
        var first = Dir("first");
        var second = Dir("second");
        File(first, "tool", NotExecutable);
        File(second, "tool", Executable);

        Assert.Equal(Path.Join(second, "tool"), CommandResolver.Resolve("tool", $"{first}:{second}"));
    }

    [Fact]
    public void Resolve_WhenOnlyNonExecutableMatches_ThrowsNotExecutable()
    {
        var first = Dir("first");
        File(first, "tool", NotExecutable);
        Directory.CreateDirectory(Path.Join(Dir("second"), "tool"));

        var ex = Assert.Throws<SecretAgentException>(() => CommandResolver.Resolve("tool", $"{first}:{Dir("second")}"));

        Assert.Equal(ErrorKind.NotExecutable, ex.Kind);
        Assert.Equal(126, ex.ExitCode);
        Assert.Equal("command 'tool' is not executable", ex.Message);
    }

    [Fact]
    public void Resolve_WhenNoMatch_ThrowsCommandNotFound()
    {
        var ex = Assert.Throws<SecretAgentException>(() => CommandResolver.Resolve("tool", Dir("empty")));

        Assert.Equal(ErrorKind.CommandNotFound, ex.Kind);
        Assert.Equal(127, ex.ExitCode);
        Assert.Equal("command 'tool' not found", ex.Message);
    }

    [Fact]
    public void Resolve_WhenPathUnset_UsesDefaultPath()
    {
        var resolved = CommandResolver.Resolve("sh", null);

        Assert.Equal("sh", Path.GetFileName(resolved));
        Assert.Contains(Path.GetDirectoryName(resolved), CommandResolver.DefaultPath.Split(':'));
    }

    [Fact]
    public void Resolve_WhenCommandHasSlash_UsesItWithoutSearching()
    {
        var bin = Dir("bin");
        File(bin, "tool", Executable);
        var path = Path.Join(bin, "tool");

        Assert.Equal(path, CommandResolver.Resolve(path, "/nonexistent"));
    }

    [Theory]
    [InlineData("missing", ErrorKind.CommandNotFound)]
    [InlineData("plain", ErrorKind.NotExecutable)]
    [InlineData("dir", ErrorKind.NotExecutable)]
    [InlineData("dangling", ErrorKind.CommandNotFound)]
    public void Resolve_WhenPathCommandUnusable_ThrowsMatchingKind(string name, ErrorKind kind)
    {
        var bin = Dir("bin");
        File(bin, "plain", NotExecutable);
        Directory.CreateDirectory(Path.Join(bin, "dir"));
        System.IO.File.CreateSymbolicLink(Path.Join(bin, "dangling"), Path.Join(bin, "nowhere"));

        var ex = Assert.Throws<SecretAgentException>(() => CommandResolver.Resolve(Path.Join(bin, name), null));

        Assert.Equal(kind, ex.Kind);
    }

    [Fact]
    public void Resolve_WhenCommandEmpty_ThrowsCommandNotFound()
    {
        var ex = Assert.Throws<SecretAgentException>(() => CommandResolver.Resolve("", null));

        Assert.Equal(ErrorKind.CommandNotFound, ex.Kind);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Dir(string name) => Directory.CreateDirectory(Path.Join(root, name)).FullName;

    private static void File(string directory, string name, UnixFileMode mode)
    {
        var path = Path.Join(directory, name);
        System.IO.File.WriteAllText(path, "#!/bin/sh\n");
        System.IO.File.SetUnixFileMode(path, mode);
    }
}
