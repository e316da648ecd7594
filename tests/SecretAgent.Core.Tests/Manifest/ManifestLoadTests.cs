using SecretAgent.Cli;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Manifest;

namespace SecretAgent.Core.Tests.Manifest;

[Trait("Category", "Unit")]
public sealed class ManifestLoadTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("manifest-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Load_WhenFileExists_ParsesAndNamesTheFile()
    {
        var path = Path.Combine(directory, "secret-agent.yaml");
        File.WriteAllText(path, "version: 1\nfiles:\n  - name: a\n");

        var manifest = SecretAgent.Core.Manifest.ManifestParser.Load(path);

        Assert.Equal(path, manifest.FileName);
        Assert.Equal("a", Assert.Single(manifest.Files).Name);
    }

    [Fact]
    public void Load_WhenErrorInFile_NamesThePath()
    {
        var path = Path.Combine(directory, "secret-agent.yaml");
        File.WriteAllText(path, "version: 2\nfiles: []\n");

        var error = Assert.Throws<SecretAgentException>(() => ManifestParser.Load(path));

        Assert.Equal($"{path}:1:10: 'version' must be 1", error.Message);
    }

    [Theory]
    [InlineData("missing.yaml")]
    [InlineData("no-such-dir/secret-agent.yaml")]
    public void Load_WhenMissing_SaysHowToPointAtIt(string relative)
    {
        var path = Path.Combine(directory, relative);

        var error = Assert.Throws<SecretAgentException>(() => SettingsResolver.WithManifestHint(() => ManifestParser.Load(path)));

        Assert.Equal(ErrorKind.Manifest, error.Kind);
        Assert.Equal($"manifest {path} not found; set SECRET_AGENT_MANIFEST or --manifest", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad\0path")]
    public void Load_WhenPathInvalid_RefusesAsManifestError(string path)
    {
        var error = Assert.Throws<SecretAgentException>(() => SettingsResolver.WithManifestHint(() => ManifestParser.Load(path)));

        Assert.Equal(ErrorKind.Manifest, error.Kind);
        Assert.EndsWith("is not a valid path; set SECRET_AGENT_MANIFEST or --manifest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenPathIsADirectory_RefusesAsManifestError()
    {
        var error = Assert.Throws<SecretAgentException>(() => ManifestParser.Load(directory));

        Assert.Equal(ErrorKind.Manifest, error.Kind);
        Assert.StartsWith($"manifest {directory} ", error.Message, StringComparison.Ordinal);
    }
}
