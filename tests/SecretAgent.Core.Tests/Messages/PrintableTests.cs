using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Tests.Messages;

[Trait("Category", "Unit")]
public sealed class PrintableTests
{
    [Theory]
    [InlineData("plain /path/caf\u00e9", "plain /path/caf\u00e9")]
    [InlineData("two\nlines\r\t", "two\\nlines\\r\\t")]
    [InlineData("\u001b[31mred", "\\x1b[31mred")]
    [InlineData("a\u0000b\u007f", "a\\x00b\\x7f")]
    [InlineData("a\u202eb\u200bc", "a\\u{202e}b\\u{200b}c")]
    [InlineData("a\u2028b", "a\\u{2028}b")]
    public void Escape_WhenTextHasControlOrFormatCharacters_EscapesOnlyThem(string text, string expected) =>
        Assert.Equal(expected, Printable.Escape(text));

    [Fact]
    public void SecretAgentException_WhenMessageEchoesInput_IsOneEscapedLine()
    {
        var ex = new SecretAgentException(ErrorKind.Usage, "source 'file:///a\nb' is bad", "na\u202eme");

        Assert.Equal("config 'na\\u{202e}me': source 'file:///a\\nb' is bad", ex.Message);
        Assert.Equal(ex.Message, ex.ForConfig("other").Message);
    }
}
