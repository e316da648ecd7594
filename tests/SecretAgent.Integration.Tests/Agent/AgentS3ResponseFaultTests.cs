using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// S3 answers moto won't give, injected by the fault proxy in front of it, through the real agent: redirects, a
/// Content-Length that lies, oversized headers. Each ends in its documented exit code with one clear line, nothing
/// written, and never 70 or "cannot reach the endpoint" (issue defect 10).
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentS3ResponseFaultTests : IDisposable
{
    private const string Sentinel = "CANARY-s3-response-5b1e";
    private const string Name = OneConfigRun.Name;
    private readonly MotoServer moto;
    private readonly OneConfigRun run = new("s3fault");

    public AgentS3ResponseFaultTests(MotoServer moto)
    {
        this.moto = moto;
    }

    public void Dispose() => run.Dispose();

    [Fact]
    public async Task Run_WhenS3PermanentlyRedirects_Exits64NamingTheBucketAndItsRegion()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.S3("GET", Name), FaultAction.S3Redirect(301, world.Bucket, "eu-west-2"));

        var result = Agent(world, proxy);

        AssertFailed(result, 64, $"bucket {world.Bucket} is in region eu-west-2", "set AWS_REGION=eu-west-2");
    }

    [Fact]
    public async Task Run_WhenS3TemporarilyRedirects_Exits69NamingTheBucketAndItsRegion()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.S3("GET", Name), FaultAction.S3Redirect(307, world.Bucket, "eu-west-2"));

        // Transient: the start retries it until its deadline, which then names it as the cause.
        var result = run.RunWith(world, new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_S3"] = proxy.Endpoint.ToString() }, ["--timeout", "2"]);

        AssertFailed(result, 69, $"S3 temporarily redirected bucket {world.Bucket} to region eu-west-2");
    }

    [Fact]
    public async Task Run_WhenContentLengthIsShorterThanTheBody_Exits65AsTruncated()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.S3("GET", Name), FaultAction.ShortContentLength(10));

        var result = Agent(world, proxy);

        AssertFailed(result, 65, $"config '{Name}': ");
    }

    [Fact]
    public async Task Run_WhenBodyEndsBeforeContentLength_Exits65AsTruncated()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.S3("GET", Name), FaultAction.CutBody(10));

        var result = Agent(world, proxy);

        AssertFailed(result, 65, "(truncated)");
    }

    [Fact]
    public async Task Run_WhenResponseHeadersAreOversized_Exits69AsBadResponse()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.S3("GET", Name), FaultAction.HugeHeaders(256 * 1024));

        var result = Agent(world, proxy);

        AssertFailed(result, 69, "S3 unavailable: bad response from the endpoint (response headers over the client's limit)");
        Assert.DoesNotContain("cannot reach", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ThroughThePassThroughProxy_Delivers()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);

        var result = Agent(world, proxy, "cat", run.ConfigPath);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Sentinel, result.Stdout);
        Assert.True(proxy.Count(Requests.S3("GET", Name)) >= 1, "the agent's GET did not go through the proxy");
    }

    private void AssertFailed(CommandResult result, int exitCode, params string[] expected)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}\n{result}");
        var line = Assert.Single(result.ErrorLines);
        foreach (var text in expected)
        {
            Assert.True(line.Contains(text, StringComparison.Ordinal), $"expected '{text}' in the error line\n{result}");
        }

        Assert.DoesNotContain(Sentinel, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(run.ConfigPath), "a config was written despite the failure");
    }

    private CommandResult Agent(AdminWorld world, FaultProxy proxy, params string[] command) =>
        run.Run(world, new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_S3"] = proxy.Endpoint.ToString() }, command);
}
