using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Manifest;
using ManifestModel = SecretAgent.Core.Manifest.Manifest;

namespace SecretAgent.Core.Tests.Manifest;

/// <summary>Parses YAML text as "test.yaml" and captures manifest errors.</summary>
internal static class ManifestTestText
{
    public const string FileName = "test.yaml";

    /// <summary>Planted in values that must never reach an error message.</summary>
    public const string Sentinel = "S3NT1NEL-hunter2";

    public static ManifestModel Parse(string yaml) => ManifestParser.Parse(Encoding.UTF8.GetBytes(yaml), FileName);

    public static SecretAgentException Refuse(string yaml)
    {
        var error = Assert.Throws<SecretAgentException>(() => Parse(yaml));
        Assert.Equal(ErrorKind.Manifest, error.Kind);
        Assert.DoesNotContain(Sentinel, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }
}
