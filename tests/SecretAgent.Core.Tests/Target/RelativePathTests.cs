using SecretAgent.Core.Errors;
using SecretAgent.Core.Target;

namespace SecretAgent.Core.Tests.Target;

[Trait("Category", "Unit")]
public sealed class RelativePathTests
{
    [Theory]
    [InlineData("a", "a")]
    [InlineData("a/b/c.pem", "a/b/c.pem")]
    [InlineData("foo////bar", "foo/bar")]
    [InlineData("x..y/.hidden/..", null)]
    [InlineData("a/..b", "a/..b")]
    [InlineData("\ud83d\udd11.key", "\ud83d\udd11.key")]
    [InlineData("a\0b", null)]
    public void TryParse_Cases(string path, string? expected)
    {
        var ok = RelativePath.TryParse(path, out var normalized, out var problem);

        Assert.Equal(expected is not null, ok);
        Assert.Equal(expected, normalized?.Value);
        Assert.Equal(ok, problem.Length == 0);
    }

    [Fact]
    public void Parse_WhenInvalid_ThrowsManifestErrorNamingWhat()
    {
        var error = Assert.Throws<SecretAgentException>(() => RelativePath.Parse("../x", "output path of 'a'"));

        Assert.Equal(ErrorKind.Manifest, error.Kind);
        Assert.Equal("output path of 'a' must not contain a '..' segment", error.Message);
    }

    [Fact]
    public void Parse_AtTheLimits_Accepts()
    {
        var path = string.Join('/', Enumerable.Repeat(new string('s', 240), 17));
        var widest = new string('w', RelativePath.MaxSegmentBytes);

        Assert.Equal(RelativePath.MaxPathBytes, path.Length);
        Assert.Equal(path, RelativePath.Parse(path, "path").Value);
        Assert.Equal(widest, RelativePath.Parse(widest, "path").Value);
    }

    [Fact]
    public void TryParse_WhenLoneSurrogate_Refuses()
    {
        var path = new string(['a', '\ud83d', 'b']);

        Assert.False(RelativePath.TryParse(path, out _, out var problem));
        Assert.Equal("must be valid Unicode", problem);
    }

    // The kernel counts bytes (NAME_MAX 255): 128 two-byte letters are 256 bytes, over the limit though 128 characters.
    [Fact]
    public void TryParse_CountsSegmentLengthInUtf8Bytes()
    {
        Assert.False(RelativePath.TryParse(new string('\u00e9', 128), out _, out var problem));
        Assert.Equal($"must not have a segment longer than {RelativePath.MaxSegmentBytes} bytes", problem);
    }

    [Theory]
    [InlineData("..data")]
    [InlineData(".secret-agent/receipt.json")]
    public void TryParse_WhenTargetOwnsTheName_Refuses(string path) =>
        Assert.False(RelativePath.TryParse(path, out _, out _));

    // Once refused by the target's own re-check (TargetPlan); now unrepresentable, so refused where a path enters.
    // "a//b" is not here: it is cleaned to "a/b", as every path from the manifest always was.
    public static TheoryData<string> InvalidPaths => new() { "../x", "/abs", "..x", "", "a/./b", "a/../b", "a/", new string('n', 256), string.Join('/', Enumerable.Repeat("abcdefgh", 500)) };

    [Theory]
    [MemberData(nameof(InvalidPaths))]
    public void Parse_WhenPathInvalid_RefusesAsManifestError(string path) =>
        Assert.Equal(ErrorKind.Manifest, Assert.Throws<SecretAgentException>(() => RelativePath.Parse(path, "output path")).Kind);

    [Fact]
    public void OwnFile_UnderTheReservedDirectory_IsAcceptedOnlyThere()
    {
        Assert.Equal(".secret-agent/receipt.json", RelativePath.OwnFile(".secret-agent/receipt.json").Value);
        Assert.Throws<ArgumentException>(() => RelativePath.OwnFile("receipt.json"));
    }
}
