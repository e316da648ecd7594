using System.Text;
using SecretAgent.Core.EnvFiles;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Tests.EnvFiles;

[Trait("Category", "Unit")]
public sealed class EnvFileParserTests
{
    private const string Sentinel = "S3NT1NEL-hunter2";

    public static TheoryData<string, string[]> Valid => new()
    {
        { string.Empty, [] },
        { "A=1", ["A=1"] },
        { "A=1\nB=two words\n", ["A=1", "B=two words"] },
        { "A=1\r\nB=2\r\n", ["A=1", "B=2"] },
        { "# comment\n\n   \n  # indented comment\nA=1\n", ["A=1"] },
        { "export A=1\nexport\tB=2\n", ["A=1", "B=2"] },
        { "export=1\nexporter=2\n", ["export=1", "exporter=2"] },
        { "_A9=x\na_b=y", ["_A9=x", "a_b=y"] },
        { "EMPTY=\n", ["EMPTY="] },
        { "RAW=a=b # not a comment  \n", ["RAW=a=b # not a comment  "] },
        { "RAW=  padded\n", ["RAW=  padded"] },
        { "Q='it is \"literal\" \\n'\n", ["Q=it is \"literal\" \\n"] },
        { "Q=''", ["Q="] },
        { "Q=\"line1\\nline2\\t\\\"q\\\" \\\\ \\r\"  \n", ["Q=line1\nline2\t\"q\" \\ \r"] },
        { "Q=\"#x\" ", ["Q=#x"] },
        { "U=p\u00e4ss\u00f6rd\U0001F511\n", ["U=p\u00e4ss\u00f6rd\U0001F511"] },
        { "\uFEFFA=1\n", ["A=1"] },
        { "  A=1\n", ["A=1"] },
    };

    /// <summary>Content (with the sentinel wherever a value would be), expected message after "config 'app.env': ".</summary>
    public static TheoryData<string, string> Invalid => new()
    {
        { $"A=1\n{Sentinel}\n", "env file line 2: not KEY=VALUE" },
        { $"A = {Sentinel}\n", "env file line 1: not KEY=VALUE" },
        { $"=foo{Sentinel}\n", "env file line 1: not KEY=VALUE" },
        { $"1A={Sentinel}\n", "env file line 1: not KEY=VALUE" },
        { $"A-B={Sentinel}\n", "env file line 1: not KEY=VALUE" },
        { $"export {Sentinel}\n", "env file line 1: not KEY=VALUE" },
        { $"K\u00e9Y={Sentinel}\n", "env file line 1: not KEY=VALUE" },
        { $"A='{Sentinel}\n", "env file line 1: unterminated single quote" },
        { $"A=\"{Sentinel}\n", "env file line 1: unterminated double quote" },
        { $"A=\"{Sentinel}\\\"\n", "env file line 1: unterminated double quote" },
        { $"A='{Sentinel}' trailing\n", "env file line 1: unexpected text after the closing quote" },
        { $"A=\"{Sentinel}\"x\n", "env file line 1: unexpected text after the closing quote" },
        { $"A=\"{Sentinel}\\x\"\n", "env file line 1: unsupported escape in double-quoted value (use \\n \\r \\t \\\" or \\\\)" },
        { $"A={Sentinel}\nB=2\nA={Sentinel}\n", "env file line 3: duplicate key (first set on line 1)" },
        { $"SECRET_AGENT_SOURCE={Sentinel}\n", "env file line 1: keys starting with SECRET_AGENT_ are reserved" },
        { $"export SECRET_AGENT_X={Sentinel}\n", "env file line 1: keys starting with SECRET_AGENT_ are reserved" },
        { $"A={Sentinel}\0\n", "env file line 1: value contains a NUL byte" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_WhenValid_ReturnsPairsInOrder(string content, string[] expected)
    {
        var variables = EnvFileParser.Parse(Encoding.UTF8.GetBytes(content), "app.env");

        Assert.Equal(expected, variables.Select(v => $"{v.Key}={v.Value}"));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_WhenMalformed_RefusesWithLineNumberOnly(string content, string expected)
    {
        var error = Assert.Throws<SecretAgentException>(() => EnvFileParser.Parse(Encoding.UTF8.GetBytes(content), "app.env"));

        Assert.Equal(ErrorKind.Integrity, error.Kind);
        Assert.Equal("app.env", error.Config);
        Assert.Equal($"config 'app.env': {expected}", error.Message);
        Assert.Null(error.InnerException);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'A', (byte)'=', 0xC3, 0x28 }, "env file line 1: value is not valid UTF-8")]
    [InlineData(new byte[] { (byte)'A', (byte)'=', (byte)'\'', 0xFF, (byte)'\'' }, "env file line 1: value is not valid UTF-8")]
    [InlineData(new byte[] { (byte)'#', (byte)'\n', (byte)'A', (byte)'=', (byte)'"', 0xFE, (byte)'"' }, "env file line 2: value is not valid UTF-8")]
    public void Parse_WhenValueNotUtf8_RefusesWithoutTheBytes(byte[] content, string expected)
    {
        var error = Assert.Throws<SecretAgentException>(() => EnvFileParser.Parse(content, "app.env"));

        Assert.Equal(ErrorKind.Integrity, error.Kind);
        Assert.Equal($"config 'app.env': {expected}", error.Message);
        Assert.Null(error.InnerException);
    }
}
