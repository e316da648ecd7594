using System.Net;
using SecretAgent.Aws;

namespace SecretAgent.Integration.Tests.Aws;

/// <summary>Which CA roots the agent picks, which hosts never go through a proxy, and what AWS_USE_FIPS_ENDPOINT turns on.</summary>
[Trait("Category", "Unit")]
public sealed class NetworkSettingsTests
{
    private const string ExeDir = "/opt/secret-agent/bin/";
    private const string Carrier = "/opt/secret-agent/etc/ssl/certs/ca-certificates.crt";

    [Fact]
    public void Resolve_WhenAwsCaBundleSet_TrustsItAloneWhateverElseExists()
    {
        var trust = TlsTrust.Resolve(Env(("AWS_CA_BUNDLE", "/corp/ca.pem"), ("SSL_CERT_FILE", "/x.pem")), ExeDir, _ => true);

        Assert.Equal(("AWS_CA_BUNDLE", "/corp/ca.pem"), (trust.Origin, trust.Bundle));
    }

    [Theory]
    [InlineData("SSL_CERT_FILE")]
    [InlineData("SSL_CERT_DIR")]
    public void Resolve_WhenSslCertVariableSet_LeavesTheRuntimeStoreWhichReadsIt(string variable)
    {
        var trust = TlsTrust.Resolve(Env((variable, "/corp/certs")), ExeDir, _ => true);

        Assert.Null(trust.Bundle);
    }

    [Theory]
    [InlineData("/etc/ssl/certs/ca-certificates.crt")]
    [InlineData("/etc/pki/tls/certs/ca-bundle.crt")]
    [InlineData("/etc/ssl/cert.pem")]
    public void Resolve_WhenImageHasABundle_TrustsTheImagesBeforeTheCarriers(string path)
    {
        var trust = TlsTrust.Resolve(Env(), ExeDir, p => p == path || p == Carrier);

        Assert.Equal(("image", path), (trust.Origin, trust.Bundle));
    }

    [Fact]
    public void Resolve_WhenImageHasNoBundle_TrustsTheCarriersBesideTheExecutable()
    {
        var trust = TlsTrust.Resolve(Env(), ExeDir, p => p == Carrier);

        Assert.Equal(("carrier", Carrier), (trust.Origin, trust.Bundle));
    }

    [Fact]
    public void Resolve_WhenNoBundleAnywhere_LeavesTheRuntimeStore()
    {
        var trust = TlsTrust.Resolve(Env(), ExeDir, _ => false);

        Assert.Equal(("system", null), (trust.Origin, trust.Bundle));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/api/token", true)]
    [InlineData("http://169.254.170.2/v2/credentials/x", true)]
    [InlineData("http://169.254.170.23/v1/credentials", true)]
    [InlineData("http://[fd00:ec2::254]/latest/api/token", true)]
    [InlineData("http://[fd00:ec2::23]/v1/credentials", true)]
    [InlineData("http://creds.internal:8080/role", true)]
    [InlineData("https://kms.eu-west-1.amazonaws.com/", false)]
    [InlineData("https://bucket.s3.eu-west-1.amazonaws.com/key", false)]
    [InlineData("http://10.0.0.1/", false)]
    public void Bypass_CredentialEndpointsGoDirectEverythingElseAsTheEnvironmentSays(string url, bool direct)
    {
        var inner = new WebProxy("http://proxy.corp:3128");
        var bypass = new CredentialEndpointBypass(inner, ["creds.internal"]);
        var destination = new Uri(url);

        Assert.Equal(direct, bypass.IsBypassed(destination));
        Assert.Equal(direct ? null : new Uri("http://proxy.corp:3128"), bypass.GetProxy(destination));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData(null, false)]
    public void FromEnvironment_UseFipsEndpoint(string? value, bool expected)
    {
        Assert.Equal(expected, AwsSettings.FromEnvironment(Env(("AWS_USE_FIPS_ENDPOINT", value))).UseFipsEndpoint);
        Assert.Equal(expected, AwsSettings.FromEnvironment(Env(("AWS_USE_FIPS_ENDPOINT", value), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"))).UseFipsEndpoint);
    }

    private static Func<string, string?> Env(params (string Name, string? Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
