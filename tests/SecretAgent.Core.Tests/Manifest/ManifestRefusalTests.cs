using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Manifest;

namespace SecretAgent.Core.Tests.Manifest;

[Trait("Category", "Unit")]
public sealed class ManifestRefusalTests
{
    private const string S = ManifestTestText.Sentinel;

    /// <summary>YAML, expected "line:col", a fragment of the cause.</summary>
    public static TheoryData<string, string, string> Refusals => new()
    {
        // faults.md row 20: unknown keys
        { $"version: 1\nfiles: []\nextra: {S}\n", "3:1", "unknown key 'extra'" },
        { $"version: 1\nfiles:\n  - name: a\n    colour: {S}\n", "4:5", "unknown key 'colour'" },
        { $"version: 1\nfiles: []\n{S} key: x\n", "3:1", "unknown key in the manifest" },
        { $"version: 1\nfiles: []\n[a, b]: {S}\n", "3:1", "keys must be plain names" },

        // row 21: duplicate keys and names
        { $"version: 1\nfiles: []\nsource: s3://bucket/{S}/\nsource: s3://bucket/b/\n", "4:1", "duplicate key" },
        { $"version: 1\nfiles:\n  - name: a\n    mode: \"0400\"\n    mode: \"0{S}\"\n", "5:5", "duplicate key" },
        { "version: 1\nfiles:\n  - name: a\n  - name: b\n  - name: a\n", "5:5", "duplicate config name 'a' (first on line 3)" },
        { "version: 1\nfiles:\n  - name: a\n    path: foo/bar\n  - name: b\n    path: foo////bar\n", "5:5", "config 'b' has the same output path as 'a' (line 3)" },
        { "version: 1\nfiles:\n  - name: foo/bar\n  - name: b\n    path: foo//bar\n", "4:5", "same output path as 'foo/bar'" },
        { "version: 1\nfiles:\n  - name: a\n    path: b\n  - name: b\n", "5:5", "same output path as 'a'" },
        { "version: 1\nfiles:\n  - name: tls\n  - name: tls/key.pem\n", "4:5", "config 'tls/key.pem' has an output path inside the output path of 'tls' (line 3)" },
        { "version: 1\nfiles:\n  - name: a/b/c\n  - name: x\n    path: a\n", "3:5", "inside the output path of 'x'" },

        // version
        { "files: []\n", "1:1", "missing 'version'" },
        { "version: 2\nfiles: []\n", "1:10", "'version' must be 1" },
        { "version: \"1\"\nfiles: []\n", "1:10", "'version' must be 1" },
        { "version: 1.0\nfiles: []\n", "1:10", "'version' must be 1" },

        // wrong types and missing keys
        { "version: 1\n", "1:1", "missing 'files'" },
        { "version: 1\nfiles:\n", "2:7", "'files' must be a list" },
        { $"version: 1\nfiles: {S}\n", "2:8", "'files' must be a list" },
        { "version: 1\nfiles: {name: a}\n", "2:8", "'files' must be a list" },
        { $"version: 1\nfiles:\n  - {S}\n", "3:5", "a files entry must be a mapping" },
        { "version: 1\nfiles:\n  - path: a\n", "3:5", "missing 'name'" },
        { "version: 1\nfiles:\n  - name:\n", "3:10", "'name' must not be empty" },
        { "version: 1\nfiles:\n  - name: [a]\n", "3:11", "'name' must be a string" },
        { "version: 1\nfiles:\n  - name: a\n    optional: yes\n", "4:15", "'optional' must be true or false" },
        { "version: 1\nfiles:\n  - name: a\n    optional: \"true\"\n", "4:15", "'optional' must be true or false" },
        { "version: 1\nfiles:\n  - name: a\n    env: 1\n", "4:10", "'env' must be true or false" },
        { "version: 1\nfiles:\n  - name: a\n    minGeneration: -1\n", "4:20", "'minGeneration' must be a whole number" },
        { "version: 1\nfiles:\n  - name: a\n    minGeneration: \"7\"\n", "4:20", "'minGeneration' must be a whole number" },
        { "version: 1\nfiles:\n  - name: a\n    minGeneration: 99999999999999999999\n", "4:20", "'minGeneration' must be a whole number" },
        { $"version: 1\nfiles: []\nkmsKeyIds: alias/{S}\n", "3:12", "'kmsKeyIds' must be a list" },
        { $"version: 1\nfiles: []\nkmsKeyIds: [\"alias/{S} x\"]\n", "3:13", "'kmsKeyIds' entries must be" },
        { $"version: 1\nfiles: []\nsource: http://{S}/\n", "3:9", "'source' must be s3://bucket/prefix/" },
        { $"version: 1\nfiles: []\nsource: [s3://bucket/{S}/]\n", "3:9", "'source' must be a string" },
        { $"version: 1\nfiles: []\ndir: run/{S}\n", "3:6", "'dir' must be an absolute path" },
        { "- name: a\n", "1:1", "the manifest must be a mapping" },

        // modes
        { "version: 1\nfiles:\n  - name: a\n    mode: \"0800\"\n", "4:11", "'mode' must be 3 or 4 octal digits" },
        { "version: 1\nfiles:\n  - name: a\n    mode: 1777\n", "4:11", "no greater than 0777" },
        { "version: 1\nfiles:\n  - name: a\n    mode: 07777\n", "4:11", "'mode' must be" },
        { "version: 1\nfiles:\n  - name: a\n    mode: 40\n", "4:11", "'mode' must be" },
        { "version: 1\nfiles:\n  - name: a\n    mode: 0x1FF\n", "4:11", "'mode' must be" },
        { "version: 1\nfiles:\n  - name: a\n    mode: -400\n", "4:11", "'mode' must be" },
        { "version: 1\nfiles:\n  - name: a\n    mode: [\"0400\"]\n", "4:11", "'mode' must be an octal mode" },

        // names must be canonical
        { "version: 1\nfiles:\n  - name: foo//bar\n", "3:11", "config name must not contain empty segments (write 'foo/bar')" },

        // YAML features a manifest has no use for (faults.md row 19)
        { $"version: 1\nfiles: [\n  {S}\n", "4:1", "invalid YAML" },
        { $"version: 1\nfiles:\n  - name: '{S}\n", "3:11", "invalid YAML" },
        { $"version: 1\nfiles: []\nsource: \"s3://b/{S}\\q\"\n", "3:9", "invalid YAML" },
        { "version: 1\nfiles:\n\t- name: a\n", "3:1", "invalid YAML: while scanning a mapping, found invalid tab as indentation" },
        { "version: 1\n\"version\": 1\nfiles: []\n", "2:1", "invalid YAML: duplicate key" },
        { "version: &v 1\nfiles: []\n", "1:10", "anchors are not supported" },
        { "version: 1\nfiles: []\ndir: &d /run\nsource: *d\n", "3:6", "anchors are not supported" },
        { "version: 1\nfiles: *x\n", "2:8", "aliases are not supported" },
        { "version: !!int 1\nfiles: []\n", "1:10", "tags are not supported" },
        { $"version: 1\nfiles: []\nsource: !secret {S}\n", "3:9", "tags are not supported" },
        { "version: 1\nfiles: []\n---\nversion: 1\nfiles: []\n", "3:1", "exactly one YAML document" },
        { "", "1:1", "manifest is empty" },
        { "# nothing here\n", "1:1", "manifest is empty" },
        { "version: 1\nfiles: [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]\n", "2:", "nesting deeper than" },
    };

    /// <summary>faults.md rows 22-23: bad output paths, refused as 'path' and as a name (the default path).</summary>
    public static TheoryData<string, string> BadPaths => new()
    {
        { "../../etc/passwd", "must not contain a '..' segment" },
        { "a/../b", "must not contain a '..' segment" },
        { "..", "must not contain a '..' segment" },
        { "/abs", "must be relative, not absolute" },
        { "//abs", "must be relative, not absolute" },
        { "..x", "must not start with '..'" },
        { "..data", "must not start with '..'" },
        { "..data/x", "must not start with '..'" },
        { string.Empty, "must not be empty" },
        { "./a", "must not contain a '.' segment" },
        { "a/./b", "must not contain a '.' segment" },
        { "a/", "must name a file" },
        { "a\\\\b", "must not contain a backslash" },
        { "a\\tb", "must not contain control characters" },
        { "a\\x7Fb", "must not contain control characters" },
        { ".secret-agent/receipt.json", "must not start with '.secret-agent'" },
        { ".secret-agent", "must not start with '.secret-agent'" },
        { new string('x', 256), "must not have a segment longer than 255 bytes" },
        { "d/" + new string('é', 128), "must not have a segment longer than 255 bytes" },
        { string.Join('/', Enumerable.Repeat("abcdefg", 512)) + "/x", "must be at most 4096 bytes long" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Parse_WhenInvalid_RefusesWithPosition(string yaml, string location, string cause)
    {
        var error = ManifestTestText.Refuse(yaml);

        Assert.StartsWith($"{ManifestTestText.FileName}:{location}", error.Message, StringComparison.Ordinal);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Manifest, error.ExitCode);
    }

    [Theory]
    [MemberData(nameof(BadPaths))]
    public void Parse_WhenOutputPathInvalid_Refuses(string path, string cause)
    {
        var error = ManifestTestText.Refuse($"version: 1\nfiles:\n  - name: a\n    path: \"{path}\"\n");

        Assert.StartsWith($"{ManifestTestText.FileName}:4:11: 'path' {cause}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadPaths))]
    public void Parse_WhenNameInvalid_Refuses(string name, string cause)
    {
        var error = ManifestTestText.Refuse($"version: 1\nfiles:\n  - name: \"{name}\"\n");

        Assert.StartsWith($"{ManifestTestText.FileName}:3:11: config name {cause}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenPathTooLong_DoesNotEchoIt()
    {
        var path = string.Join('/', Enumerable.Repeat(ManifestTestText.Sentinel, 300));

        ManifestTestText.Refuse($"version: 1\nfiles:\n  - name: a\n    path: {path}\n");
    }

    [Fact]
    public void Parse_WhenNameLongerThanS3Allows_Refuses()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('n', 100), 11));

        var error = ManifestTestText.Refuse($"version: 1\nfiles:\n  - name: {name}\n    path: short\n");

        Assert.Equal($"{ManifestTestText.FileName}:3:11: config name must be at most 1024 bytes long", error.Message);
    }

    [Fact]
    public void Parse_WhenNotUtf8_RefusesAtTheBadByte()
    {
        var bytes = Encoding.UTF8.GetBytes("version: 1\nfiles:\n  - name: ab").Concat(new byte[] { 0xFF, 0x0A }).ToArray();

        var error = Assert.Throws<SecretAgentException>(() => ManifestParser.Parse(bytes, "bad.yaml"));

        Assert.Equal(ErrorKind.Manifest, error.Kind);
        Assert.Equal("bad.yaml:3:13: manifest is not valid UTF-8", error.Message);
    }

    [Fact]
    public void Parse_WhenLargerThanLimit_Refuses()
    {
        var bytes = new byte[ManifestParser.MaxBytes + 1];

        var error = Assert.Throws<SecretAgentException>(() => ManifestParser.Parse(bytes, "big.yaml"));

        Assert.Equal(ErrorKind.Manifest, error.Kind);
        Assert.StartsWith("big.yaml:1:1: ", error.Message, StringComparison.Ordinal);
    }
}
