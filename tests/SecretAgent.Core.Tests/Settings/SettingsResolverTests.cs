using SecretAgent.Cli;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Tests.Settings;

[Trait("Category", "Unit")]
public sealed class SettingsResolverTests
{
    private static readonly ManifestDefaults WithDefaults = new("s3://manifest-bucket/m/", ["alias/manifest", "alias/manifest", "alias/second"], "/manifest/dir");

    private static readonly ManifestDefaults WithoutDefaults = ManifestDefaults.None;

    /// <summary>flag, environment, manifest (null = the manifest without defaults), expected source.</summary>
    public static TheoryData<string?, string?, bool, string> SourceCases => new()
    {
        { "s3://flag-bucket/f/", "s3://env-bucket/e/", true, "s3://flag-bucket/f/" },
        { null, "s3://env-bucket/e/", true, "s3://env-bucket/e/" },
        { string.Empty, "s3://env-bucket/e/", true, "s3://env-bucket/e/" },
        { null, null, true, "s3://manifest-bucket/m/" },
        { null, string.Empty, true, "s3://manifest-bucket/m/" },
        { "file:///srv/configs/", null, false, "file:///srv/configs/" },
    };

    [Theory]
    [MemberData(nameof(SourceCases))]
    public void Resolve_Source_FlagThenEnvironmentThenManifest(string? flag, string? environment, bool manifestDefaults, string expected)
    {
        var settings = SettingsResolver.Resolve(
            new SettingsOverrides(flag, "k", null),
            Environment(SettingsCatalog.Source.Variable!, environment),
            manifestDefaults ? WithDefaults : WithoutDefaults);

        Assert.Equal(expected, settings.Source);
        Assert.Equal(expected, settings.SourceUri.Scope);
    }

    [Theory]
    [InlineData("a, b ,a,,", "x", new[] { "a", "b" })]
    [InlineData(" , ", "x,y", new[] { "x", "y" })]
    [InlineData(null, "file:///keys/k1, alias/y", new[] { "file:///keys/k1", "alias/y" })]
    [InlineData(null, null, new[] { "alias/manifest", "alias/second" })]
    [InlineData("", ",", new[] { "alias/manifest", "alias/second" })]
    public void Resolve_KeyIds_FlagThenEnvironmentThenManifest_CleanedInOrder(string? flag, string? environment, string[] expected)
    {
        var settings = SettingsResolver.Resolve(
            new SettingsOverrides(null, flag, null),
            Environment(SettingsCatalog.KmsKeyIds.Variable!, environment),
            WithDefaults);

        Assert.Equal(expected, settings.KmsKeyIds);
    }

    [Theory]
    [InlineData("/flag", "/env", true, "/flag")]
    [InlineData(null, "/env", true, "/env")]
    [InlineData("", "", true, "/manifest/dir")]
    [InlineData(null, null, false, "/run/secrets")]
    public void Resolve_Dir_FlagThenEnvironmentThenManifestThenDefault(string? flag, string? environment, bool manifestDefaults, string expected)
    {
        var settings = SettingsResolver.Resolve(
            new SettingsOverrides("s3://bucket/p/", "k", flag),
            Environment(SettingsCatalog.Dir.Variable!, environment),
            manifestDefaults ? WithDefaults : WithoutDefaults);

        Assert.Equal(expected, settings.Dir);
    }

    [Theory]
    [InlineData(null, "k", null, "--source or SECRET_AGENT_SOURCE")]
    [InlineData("", "k", null, "--source or SECRET_AGENT_SOURCE")]
    [InlineData("s3://bucket/", null, null, "--kms-key-id or SECRET_AGENT_KMS_KEY_ID")]
    [InlineData("s3://bucket/", " , ", null, "--kms-key-id or SECRET_AGENT_KMS_KEY_ID")]
    [InlineData("s3://bucket/", "k", "relative/dir", "--dir, SECRET_AGENT_DIR")]
    [InlineData("http://bucket/", "k", null, "not an s3:// or file:// URI")]
    public void Resolve_WhenMissingOrInvalid_RefusesAsUsageNamingTheSetting(string? source, string? keyIds, string? dir, string expected)
    {
        var error = Assert.Throws<SecretAgentException>(() =>
            SettingsResolver.Resolve(new SettingsOverrides(source, keyIds, dir), _ => null, WithoutDefaults));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ReadsOnlyItsOwnVariables()
    {
        var asked = new List<string>();

        SettingsResolver.Resolve(new SettingsOverrides("s3://bucket/", "k", "/d"), name => { asked.Add(name); return null; }, WithoutDefaults);

        Assert.NotEmpty(asked);
        Assert.All(asked, name => Assert.StartsWith(SettingsCatalog.VariablePrefix, name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/flag.yaml", "/env.yaml", "/flag.yaml")]
    [InlineData(null, "/env.yaml", "/env.yaml")]
    [InlineData("", "", "/etc/secret-agent.yaml")]
    [InlineData(null, null, "/etc/secret-agent.yaml")]
    public void ManifestPath_FlagThenEnvironmentThenDefault(string? flag, string? environment, string expected)
    {
        Assert.Equal(expected, SettingsResolver.ManifestPath(flag, Environment(SettingsCatalog.Manifest.Variable!, environment)));
    }

    [Fact]
    public void Names_AreTheDocumentedOnes()
    {
        Assert.Equal(
            ["SECRET_AGENT_SOURCE", "SECRET_AGENT_KMS_KEY_ID", "SECRET_AGENT_DIR", "SECRET_AGENT_MANIFEST"],
            [SettingsCatalog.Source.Variable!, SettingsCatalog.KmsKeyIds.Variable!, SettingsCatalog.Dir.Variable!, SettingsCatalog.Manifest.Variable!]);
        Assert.Equal("/etc/secret-agent.yaml", SettingsCatalog.DefaultManifestPath);
        Assert.Equal("/run/secrets", SettingsCatalog.DefaultDir);
    }

    private static Func<string, string?> Environment(string name, string? value) =>
        asked => asked == name ? value : null;
}
