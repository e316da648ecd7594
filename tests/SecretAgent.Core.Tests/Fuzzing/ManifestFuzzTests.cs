using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Manifest;

namespace SecretAgent.Core.Tests.Fuzzing;

/// <summary>The manifest parser on mutated manifests: a manifest, or a one-line manifest error naming the file (65/78, never 70).</summary>
[Trait("Category", "Unit")]
public sealed class ManifestFuzzTests
{
    private const string Parser = "manifest";
    private const string FileName = "fuzz.yaml";

    private static readonly byte[][] Seeds =
    [
        """
        version: 1
        source: s3://bucket/prefix/
        kmsKeyIds: [alias/payments, "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
        dir: /run/secrets
        files:
          - name: database.json
          - name: payments.env
            env: true
          - name: tls/server.key
            path: tls/key.pem
            mode: "0440"
            optional: true
            minGeneration: 7
        """u8.ToArray(),
        "version: 1\nfiles:\n  - name: db.json\n"u8.ToArray(),
        "{\"version\": 1, \"files\": [{\"name\": \"a\", \"mode\": 416, \"minGeneration\": 9007199254740993}]}"u8.ToArray(),
        "version: 1\nfiles:\n  - {name: a.json, optional: true}\n  - {name: \"b\", path: b.txt, mode: \"0400\"}\n"u8.ToArray(),
        "version: 1\nsource: file:///srv/store/\nfiles:\n  - name: \"caf\\u00e9.json\"\n    path: 'x/y'\n    env: false\n"u8.ToArray(),
    ];

    public static TheoryData<string> Corpus => FuzzCorpus.Files(Parser);

    [Fact]
    public void Parse_OnMutatedManifests_IsAManifestOrOneManifestError() => Fuzz.Bytes(Seeds, Check);

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Parse_OnCorpusInput_IsAManifestOrOneManifestError(string file) => Check(FuzzCorpus.Read(Parser, file));

    [Fact]
    public void Parse_OnValidSeeds_Succeeds()
    {
        foreach (var seed in Seeds)
        {
            Assert.NotEmpty(ManifestParser.Parse(seed, FileName).Files);
        }
    }

    private static void Check(byte[] input) =>
        Fuzz.Refuses(() => ManifestParser.Parse(input, FileName), FileName, ErrorKind.Manifest);
}
