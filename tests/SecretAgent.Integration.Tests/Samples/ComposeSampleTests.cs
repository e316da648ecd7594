using System.Text.Json.Nodes;

namespace SecretAgent.Integration.Tests.Samples;

/// <summary>
/// samples/compose/docker-compose.yml, parsed and held to both forms: the agent as the app's entrypoint over a tmpfs;
/// and the sidecar over a tmpfs-backed named volume, read-only in the app, a shared PID namespace, an exec-form health
/// check the app waits on.
/// </summary>
public sealed class ComposeSampleTests
{
    private static readonly string[] Health = ["CMD", "/opt/secret-agent/bin/secret-agent", "health"];

    private static readonly JsonNode Compose = SampleFiles.Yaml(SampleFiles.Path("compose", "docker-compose.yml"));

    [Fact]
    public void Entrypoint_UsesTheImagesAgentEntrypointOverATmpfs()
    {
        var service = Service("entrypoint");

        Assert.Null(service["entrypoint"]);
        Assert.Contains(SampleFiles.Strings(service["tmpfs"]), t => t.StartsWith("/run/secrets:", StringComparison.Ordinal));
        Assert.Equal(Health, SampleFiles.Strings(service["healthcheck"]!["test"]));
        Assert.Equal("true", Text(service["read_only"]));
    }

    [Fact]
    public void Sidecar_SharesATmpfsVolumeReadOnlyAndItsPids_AndTheAppWaitsForHealthy()
    {
        var volume = Compose["volumes"]!["secrets"]!;
        Assert.Equal(("local", "tmpfs", "tmpfs"), (Text(volume["driver"]), Text(volume["driver_opts"]!["type"]), Text(volume["driver_opts"]!["device"])));

        var agent = Service("agent");
        Assert.Equal("watch", SampleFiles.Strings(agent["command"])[0]);
        Assert.Equal(["secrets:/run/secrets"], SampleFiles.Strings(agent["volumes"]));
        Assert.Equal(Health, SampleFiles.Strings(agent["healthcheck"]!["test"]));

        var app = Service("app");
        Assert.Equal(["secrets:/run/secrets:ro"], SampleFiles.Strings(app["volumes"]));
        Assert.Equal("service:agent", Text(app["pid"]));
        Assert.Equal("service_healthy", Text(app["depends_on"]!["agent"]!["condition"]));
        Assert.Equal("/usr/local/bin/sample-service", SampleFiles.Strings(app["entrypoint"])[0]);
    }

    [Theory]
    [InlineData("entrypoint")]
    [InlineData("agent")]
    [InlineData("app")]
    public void EveryService_RunsAsTheAppUserWithAReadOnlyRoot(string name)
    {
        var service = Service(name);

        Assert.Equal("10001:10001", Text(service["user"]));
        Assert.Equal("true", Text(service["read_only"]));
    }

    private static JsonNode Service(string name) => Compose["services"]![name]!;

    private static string Text(JsonNode? node) => node!.GetValue<string>();
}
