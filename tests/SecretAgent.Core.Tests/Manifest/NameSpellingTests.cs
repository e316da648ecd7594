using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;

namespace SecretAgent.Core.Tests.Manifest;

/// <summary>One spelling per name: no invisible format characters, NFC only (ConfigName owns the rule, RelativePath holds it).</summary>
[Trait("Category", "Unit")]
public sealed class NameSpellingTests
{
    [Theory]
    [InlineData("caf\u00e9.json")]
    [InlineData("\u4e2d\u6587/\u65e5\u672c.env")]
    [InlineData("\ud55c\uad6d.yaml")]
    [InlineData("\u00c5ngstr\u00f6m")]
    [InlineData("emoji-\U0001F600.txt")]
    public void TryParse_WhenNameIsNfcText_Accepts(string name) => Assert.True(ConfigName.TryParse(name, out _, out _));

    [Theory]
    [InlineData("cafe\u0301.json", "NFC")]
    [InlineData("\u212bngstrom", "NFC")]
    [InlineData("\u1112\u1161\u11ab", "NFC")]
    [InlineData("\uf900.txt", "NFC")]
    [InlineData("a\u202eb", "invisible")]
    [InlineData("a\u2066b", "invisible")]
    [InlineData("a\u200bb", "invisible")]
    [InlineData("a\u200db", "invisible")]
    [InlineData("\ufeffa", "invisible")]
    [InlineData("a\u2028b", "invisible")]
    [InlineData("a\u0007b", "control")]
    public void TryParse_WhenNameHasAnotherSpelling_SaysWhy(string name, string cause)
    {
        Assert.False(ConfigName.TryParse(name, out _, out var problem));
        Assert.Contains(cause, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_WhenPathIsNotNfc_Refuses()
    {
        Assert.False(RelativePath.TryParse("dir/cafe\u0301", out _, out var problem));
        Assert.Contains("NFC", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenNotCanonical_IsAUsageErrorNamingTheSpelling()
    {
        var error = Assert.Throws<SecretAgentException>(() => ConfigName.Parse("a//b"));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("config name 'a//b' is invalid: it must not contain empty segments (write 'a/b')", error.Message);
    }

    [Fact]
    public void Parse_WhenValid_CarriesTheNameAsItsDefaultPath()
    {
        var name = ConfigName.Parse("tls/key.pem");

        Assert.Equal("tls/key.pem", name.ToString());
        Assert.Equal("tls/key.pem", name.Path.Value);
    }
}
