using SecretAgent.Core.Errors;
using SecretAgent.Core.Manifest;

namespace SecretAgent.Core.Tests.Manifest;

[Trait("Category", "Unit")]
public sealed class OutputPathTests
{
    [Theory]
    [InlineData("a", "a")]
    [InlineData("a/b/c.pem", "a/b/c.pem")]
    [InlineData("foo////bar", "foo/bar")]
    [InlineData("x..y/.hidden/..", null)]
    [InlineData("a/..b", "a/..b")]
    [InlineData("\ud83d\udd11.key", "\ud83d\udd11.key")]
    [InlineData("a\0b", null)]
    public void TryNormalize_Cases(string path, string? expected)
    {
        var ok = OutputPath.TryNormalize(path, out var normalized, out var problem);

        Assert.Equal(expected is not null, ok);
        Assert.Equal(expected ?? string.Empty, normalized);
        Assert.Equal(ok, problem.Length == 0);
    }

    [Fact]
    public void Normalize_WhenInvalid_ThrowsManifestErrorNamingWhat()
    {
        var error = Assert.Throws<SecretAgentException>(() => OutputPath.Normalize("../x", "output path of 'a'"));

        Assert.Equal(ErrorKind.Manifest, error.Kind);
        Assert.Equal("output path of 'a' must not contain a '..' segment", error.Message);
    }

    [Fact]
    public void Normalize_AtTheLimits_Accepts()
    {
        var path = string.Join('/', Enumerable.Repeat(new string('s', 240), 17));
        var widest = new string('w', OutputPath.MaxSegmentBytes);

        Assert.Equal(OutputPath.MaxPathBytes, path.Length);
        Assert.Equal(path, OutputPath.Normalize(path, "path"));
        Assert.Equal(widest, OutputPath.Normalize(widest, "path"));
    }

    [Fact]
    public void TryNormalize_WhenLoneSurrogate_Refuses()
    {
        var path = new string(['a', '\ud83d', 'b']);

        Assert.False(OutputPath.TryNormalize(path, out _, out var problem));
        Assert.Equal("must be valid Unicode", problem);
    }
}
