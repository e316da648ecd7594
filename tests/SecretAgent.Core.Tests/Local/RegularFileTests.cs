using System.Diagnostics;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Tests.Local;

/// <summary>The bounded regular-file reader behind the manifest, the local key and the local store.</summary>
[Trait("Category", "Unit")]
public sealed class RegularFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("regular-file-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void ReadAll_WhenRegularAndWithinBound_ReturnsTheBytes()
    {
        var path = Write("ok", 100);

        Assert.Equal(100, RegularFile.ReadAll(path, 100, "test file").Length);
    }

    [Fact]
    public void ReadAll_WhenOverTheBound_RefusesAsIntegrity()
    {
        var path = Write("big", 10_001);

        var ex = Assert.Throws<SecretAgentException>(() => RegularFile.ReadAll(path, 10_000, "test file"));

        Assert.Equal(ErrorKind.Integrity, ex.Kind);
        Assert.Contains("over the 10000-byte limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAll_WhenFifoWithoutWriter_RefusesAtOnce()
    {
        var fifo = Path.Combine(directory, "fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo])!)
        {
            mkfifo.WaitForExit();
        }

        // A blocking open would never return: run it aside and give it a bound.
        var ex = await Task.Run(() => Assert.Throws<SecretAgentException>(() => RegularFile.ReadAll(fifo, 100, "test file"))).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ErrorKind.NotFound, ex.Kind);
        Assert.Contains("a FIFO or pipe, not a regular file", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dev/zero", "a character device")]
    [InlineData("/tmp", "a directory")]
    public void ReadAll_WhenNotARegularFile_NamesWhatItIs(string path, string type)
    {
        var ex = Assert.Throws<SecretAgentException>(() => RegularFile.ReadAll(path, 100, "test file"));

        Assert.Equal(ErrorKind.NotFound, ex.Kind);
        Assert.Equal($"test file {path} is {type}, not a regular file", ex.Message);
    }

    [Fact]
    public void ReadAll_WhenSymlinkAndNotFollowing_Refuses()
    {
        var link = Path.Combine(directory, "link");
        File.CreateSymbolicLink(link, Write("target", 1));

        Assert.Single(RegularFile.ReadAll(link, 100, "test file"));
        var ex = Assert.Throws<SecretAgentException>(() => RegularFile.ReadAll(link, 100, "test file", followSymlink: false));
        Assert.Contains("is a symlink", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAll_WhenMissing_IsNotFound()
    {
        var missing = Path.Combine(directory, "missing");

        Assert.Equal(ErrorKind.NotFound, Assert.Throws<SecretAgentException>(() => RegularFile.ReadAll(missing, 1, "test file")).Kind);
    }

    private string Write(string name, int length)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, new byte[length]);
        return path;
    }
}
