using SecretAgent.Core.EnvFiles;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Tests.Fuzzing;

/// <summary>
/// The env-file parser on mutated env files whose values hold a canary: variables, or a one-line error naming the
/// config and a line number, which never holds a value's bytes (the canary is planted in every value and quote style).
/// </summary>
[Trait("Category", "Unit")]
public sealed class EnvFileFuzzTests
{
    private const string Parser = "env-file";
    private const string Config = "fuzz.env";
    private const string Canary = "CANARY-4be1";

    private static readonly byte[][] Seeds =
    [
        "DB_PASSWORD=CANARY-4be1-raw\nexport API_KEY='CANARY-4be1-single'\nTOKEN=\"CANARY-4be1\\n\\t\\\"\\\\x\"\n# comment CANARY-4be1\n\nEMPTY=\n"u8.ToArray(),
        "\uFEFFA=CANARY-4be1\r\nB = \"CANARY-4be1 with spaces\"\r\n"u8.ToArray(),
        "export X=\"multi CANARY-4be1\"\nY='CANARY-4be1=still value'\nZ=CANARY-4be1#not a comment\n"u8.ToArray(),
    ];

    public static TheoryData<string> Corpus => FuzzCorpus.Files(Parser);

    [Fact]
    public void Parse_OnMutatedEnvFiles_IsVariablesOrOneErrorWithoutAValue() => Fuzz.Bytes(Seeds, Check);

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Parse_OnCorpusInput_IsVariablesOrOneErrorWithoutAValue(string file) => Check(FuzzCorpus.Read(Parser, file));

    private static void Check(byte[] input)
    {
        try
        {
            var variables = EnvFileParser.Parse(input, Config);
            Assert.All(variables, v => Assert.False(string.IsNullOrEmpty(v.Key)));
        }
        catch (SecretAgentException ex)
        {
            Assert.Equal(ErrorKind.Integrity, ex.Kind);
            Fuzz.OneLine(ex.Message);
            Assert.Contains(Config, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Canary, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("4be1", ex.Message, StringComparison.Ordinal);
        }
    }
}
