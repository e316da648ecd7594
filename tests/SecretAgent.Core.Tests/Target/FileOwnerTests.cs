using SecretAgent.Core.Errors;
using SecretAgent.Core.Target;

namespace SecretAgent.Core.Tests.Target;

[Trait("Category", "Unit")]
public sealed class FileOwnerTests
{
    [Theory]
    [InlineData("1000:1000", 1000, 1000)]
    [InlineData("0:0", 0, 0)]
    [InlineData("65534:42", 65534, 42)]
    public void Parse_WhenNumeric_ReturnsIds(string text, int uid, int gid) =>
        Assert.Equal(new FileOwner(uid, gid), FileOwner.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("1000")]
    [InlineData("app:app")]
    [InlineData("-1:0")]
    [InlineData("1:2:3")]
    [InlineData(" 1:2")]
    [InlineData("1:")]
    [InlineData("99999999999:1")]
    public void Parse_WhenMalformed_IsUsageError(string text)
    {
        var error = Assert.Throws<SecretAgentException>(() => FileOwner.Parse(text));

        Assert.Equal(ErrorKind.Usage, error.Kind);
    }
}
