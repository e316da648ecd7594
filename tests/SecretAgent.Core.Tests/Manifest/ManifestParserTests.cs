using System.Security.Cryptography;
using System.Text;
using SecretAgent.Core.Manifest;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;

namespace SecretAgent.Core.Tests.Manifest;

[Trait("Category", "Unit")]
public sealed class ManifestParserTests
{
    private const string Full = """
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
        """;

    [Fact]
    public void Parse_WhenFullManifest_ReadsEveryKey()
    {
        var manifest = ManifestTestText.Parse(Full);

        Assert.Equal(1, manifest.Version);
        Assert.Equal("s3://bucket/prefix/", manifest.Source);
        Assert.Equal(["alias/payments", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"], manifest.KmsKeyIds);
        Assert.Equal("/run/secrets", manifest.Dir);
        Assert.Equal(ManifestTestText.FileName, manifest.FileName);
        Assert.Equal(
            [
                File("database.json", "database.json", 0x100, false, false, null, 6, 5),
                File("payments.env", "payments.env", 0x100, false, true, null, 7, 5),
                File("tls/server.key", "tls/key.pem", 0x120, true, false, 7, 9, 5),
            ],
            manifest.Files);
    }

    [Fact]
    public void Parse_WhenOnlyRequiredKeys_AppliesDefaults()
    {
        var manifest = ManifestTestText.Parse("version: 1\nfiles:\n  - name: app.json\n");

        Assert.Null(manifest.Source);
        Assert.Null(manifest.KmsKeyIds);
        Assert.Null(manifest.Dir);
        var file = Assert.Single(manifest.Files);
        Assert.Equal(File("app.json", "app.json", 0x100, false, false, null, 3, 5), file);
    }

    [Fact]
    public void Parse_WhenFilesEmpty_Accepts()
    {
        Assert.Empty(ManifestTestText.Parse("version: 1\nfiles: []\n").Files);
    }

    [Fact]
    public void Parse_Always_HashesTheRawBytes()
    {
        var bytes = Encoding.UTF8.GetBytes(Full);

        var manifest = ManifestParser.Parse(bytes, "m.yaml");

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), manifest.Sha256Hex);
        Assert.Matches("^[0-9a-f]{64}$", manifest.Sha256Hex);
    }

    [Fact]
    public void Parse_WhenUtf8ByteOrderMark_Accepts()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("version: 1\nfiles: []\n")).ToArray();

        Assert.Equal(1, ManifestParser.Parse(bytes, "bom.yaml").Version);
    }

    [Theory]
    [InlineData("\"0400\"", 0x100)]
    [InlineData("'0400'", 0x100)]
    [InlineData("0400", 0x100)]
    [InlineData("400", 0x100)]
    [InlineData("0644", 0x1A4)]
    [InlineData("755", 0x1ED)]
    [InlineData("0777", 0x1FF)]
    [InlineData("000", 0)]
    public void Parse_WhenModeGiven_ReadsOctal(string yamlMode, int expected)
    {
        var manifest = ManifestTestText.Parse($"version: 1\nfiles:\n  - name: a\n    mode: {yamlMode}\n");

        Assert.Equal(expected, Assert.Single(manifest.Files).Mode.Bits);
    }

    [Theory]
    [InlineData("foo////bar", "foo/bar")]
    [InlineData("foo//bar//baz.txt", "foo/bar/baz.txt")]
    [InlineData("a.b/.c/d..e", "a.b/.c/d..e")]
    [InlineData("sub/..x", "sub/..x")]
    public void Parse_WhenPathHasEmptySegments_Normalizes(string path, string expected)
    {
        var manifest = ManifestTestText.Parse($"version: 1\nfiles:\n  - name: a\n    path: \"{path}\"\n");

        Assert.Equal(expected, Assert.Single(manifest.Files).Path.Value);
    }

    [Fact]
    public void Parse_WhenQuotedBooleanLikeNames_KeepsText()
    {
        var manifest = ManifestTestText.Parse("version: 1\nfiles:\n  - name: \"true\"\n  - name: '123'\n");

        Assert.Equal(["true", "123"], manifest.Files.Select(f => f.Name.Value));
    }

    [Fact]
    public void Parse_WhenSiblingDirectoriesShareAPrefix_Accepts()
    {
        var manifest = ManifestTestText.Parse("version: 1\nfiles:\n  - name: tls\n    path: tls-old\n  - name: tls/key.pem\n  - name: tlsx/a\n");

        Assert.Equal(["tls-old", "tls/key.pem", "tlsx/a"], manifest.Files.Select(f => f.Path.Value));
    }

    [Fact]
    public void Parse_WhenCommentsAndFlowStyle_Accepts()
    {
        var manifest = ManifestTestText.Parse("# configs\nversion: 1 # always 1\nfiles: [{name: a, optional: true}, {name: b}]\n");

        Assert.Equal([true, false], manifest.Files.Select(f => f.Optional));
    }

    private static ManifestFile File(string name, string path, int mode, bool optional, bool env, long? minGeneration, int line, int column) =>
        new(ConfigName.Parse(name), RelativePath.Parse(path, "path"), FilePermissions.FromBits(mode), optional, env, minGeneration, line, column);
}
