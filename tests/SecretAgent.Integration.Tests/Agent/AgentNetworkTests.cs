using System.Security.Cryptography;
using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// The real agent on networks that are not the open internet: an endpoint behind a corporate CA (a TLS front with a
/// CA the test makes, in front of moto), a forward proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), VPC endpoint URLs per
/// service, and FIPS endpoints (seen as the host the agent asks a refusing proxy to tunnel to; nothing leaves).
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentNetworkTests : IDisposable
{
    private const string Name = "database.json";
    private const string Sentinel = "CANARY-network-3e8d";
    private readonly MotoServer moto;
    private readonly string target = Path.Combine("/dev/shm", "sa-net-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string manifest;
    private readonly TestCertificateAuthority ca = new();

    public AgentNetworkTests(MotoServer moto)
    {
        this.moto = moto;
        Directory.CreateDirectory(target);
        manifest = Path.Combine(Directory.CreateTempSubdirectory("sa-net-manifest-").FullName, "secret-agent.yaml");
        File.WriteAllText(manifest, $"version: 1\nfiles:\n  - name: {Name}\n");
    }

    public void Dispose()
    {
        ca.Dispose();
        Directory.Delete(target, recursive: true);
        Directory.Delete(Path.GetDirectoryName(manifest)!, recursive: true);
    }

    [Fact]
    public async Task Run_WhenEndpointBehindCorporateCaNamedByAwsCaBundle_DeliversAndAppGetsOnlyWhatItWasGiven()
    {
        using var world = await PublishedAsync();
        using var front = new TlsFront(ca.ServerCertificate, moto.Endpoint);

        var result = Agent(world, new() { ["AWS_ENDPOINT_URL"] = front.Endpoint.ToString(), ["AWS_CA_BUNDLE"] = ca.BundlePath }, "run", "--", "sh", "-c", $"sha256sum '{target}/{Name}'; env | grep -E '^(SSL_CERT_|AWS_CA_BUNDLE)' || true");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith(Hex(Sentinel), result.Stdout, StringComparison.Ordinal);
        Assert.True(front.Handshakes > 0, "the agent did not come through the TLS front");

        // The user's variable stays (the app's own SDK needs the same CA); the agent set nothing for OpenSSL.
        Assert.Contains($"AWS_CA_BUNDLE={ca.BundlePath}\n", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("SSL_CERT_", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_WhenCorporateCaGivenBySslCertFile_Delivers()
    {
        using var world = await PublishedAsync();
        using var front = new TlsFront(ca.ServerCertificate, moto.Endpoint);

        var result = Agent(world, new() { ["AWS_ENDPOINT_URL"] = front.Endpoint.ToString(), ["SSL_CERT_FILE"] = ca.BundlePath }, "fetch");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Sentinel, File.ReadAllText(Path.Combine(target, Name)));
    }

    [Fact]
    public async Task Fetch_WhenCorporateCaNotGiven_FailsOneLineNamingConfigAndUntrustedCertificate()
    {
        using var world = await PublishedAsync();
        using var front = new TlsFront(ca.ServerCertificate, moto.Endpoint);

        var result = Agent(world, new() { ["AWS_ENDPOINT_URL"] = front.Endpoint.ToString() }, "fetch");

        Assert.Equal(ExitCodes.Unavailable, result.ExitCode);
        var error = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("error:", StringComparison.Ordinal));
        Assert.Contains($"config '{Name}'", error, StringComparison.Ordinal);
        Assert.Contains("TLS certificate not trusted", error, StringComparison.Ordinal);
        Assert.True(front.Connections > 0, "the agent never tried the TLS front");
        Assert.False(File.Exists(Path.Combine(target, Name)));
    }

    [Fact]
    public async Task Fetch_WhenAwsCaBundleUnreadable_FailsAsUsageBeforeAnyRequest()
    {
        using var world = await PublishedAsync();
        using var front = new TlsFront(ca.ServerCertificate, moto.Endpoint);

        var result = Agent(world, new() { ["AWS_ENDPOINT_URL"] = front.Endpoint.ToString(), ["AWS_CA_BUNDLE"] = "/nonexistent/ca.pem" }, "fetch");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("CA bundle /nonexistent/ca.pem (AWS_CA_BUNDLE) cannot be used", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, front.Connections);
    }

    [Fact]
    public async Task Fetch_WhenHttpProxySet_S3AndKmsGoThroughIt()
    {
        using var world = await PublishedAsync();
        using var proxy = new ForwardProxy(refuse: false);

        var result = Agent(world, new() { ["HTTP_PROXY"] = proxy.Endpoint.ToString(), ["NO_PROXY"] = null }, "fetch");

        Assert.True(result.ExitCode == 0, result.ToString());
        var motoBase = moto.Endpoint.ToString().TrimEnd('/');
        Assert.Contains(proxy.Targets, t => t.StartsWith($"GET {motoBase}/{world.Bucket}/prod/{Name}", StringComparison.Ordinal));
        Assert.Contains(proxy.Targets, t => t == $"POST {motoBase}/");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fetch_WhenProxyRefusesTheFipsEndpoint_AsksForTheFipsHostAndSaysTheProxyRefused(bool s3ByEndpointUrl)
    {
        using var world = await PublishedAsync();
        using var proxy = new ForwardProxy(refuse: true);

        // S3 by its VPC endpoint URL, reached directly through NO_PROXY (then KMS is the first to go out), or by its
        // regional FIPS endpoint like KMS; either way through the proxy, which refuses the tunnel.
        var result = Agent(
            world,
            new()
            {
                ["AWS_ENDPOINT_URL"] = null,
                ["AWS_ENDPOINT_URL_S3"] = s3ByEndpointUrl ? moto.Endpoint.ToString() : null,
                ["AWS_USE_FIPS_ENDPOINT"] = "true",
                ["HTTPS_PROXY"] = proxy.Endpoint.ToString(),
                ["NO_PROXY"] = "127.0.0.1",
            },
            "fetch");

        Assert.True(result.ExitCode == ExitCodes.Unavailable, result.ToString());
        var fipsHost = s3ByEndpointUrl ? $"kms-fips.{MotoServer.Region}.amazonaws.com" : $"{world.Bucket}.s3-fips.{MotoServer.Region}.amazonaws.com";
        Assert.Contains($"CONNECT {fipsHost}:443", proxy.Targets);
        Assert.DoesNotContain(proxy.Targets, t => t.Contains("127.0.0.1", StringComparison.Ordinal));
        Assert.Contains($"config '{Name}': {(s3ByEndpointUrl ? "KMS" : "S3")} unavailable: the proxy refused the connection", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<AdminWorld> PublishedAsync()
    {
        var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        return world;
    }

    private CommandResult Agent(AdminWorld world, Dictionary<string, string?> overrides, params string[] args)
    {
        var environment = world.Environment();
        environment["SECRET_AGENT_MANIFEST"] = manifest;
        environment["SECRET_AGENT_DIR"] = target;
        foreach (var variable in new[] { "AWS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy", "no_proxy", "NO_PROXY" })
        {
            environment[variable] = null;
        }

        foreach (var (key, value) in overrides)
        {
            environment[key] = value;
        }

        return CommandRunner.Run(Binaries.Agent, args, environment);
    }

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
