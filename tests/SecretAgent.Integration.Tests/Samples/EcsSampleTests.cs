using System.Text.Json.Nodes;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Samples;

/// <summary>
/// samples/ecs: each task definition registers through the ECS API (the aws CLI validates it against the API's
/// shapes, moto stores it) and what ECS stored holds what the form needs: exec-form health checks on the agent,
/// the tmpfs, and for the sidecar pidMode task, a task-scoped tmpfs docker volume, read-only in the app, HEALTHY.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class EcsSampleTests(MotoServer moto)
{
    private static readonly string[] Health = ["CMD", "/opt/secret-agent/bin/secret-agent", "health"];

    [Theory]
    [InlineData("entrypoint.json", new[] { "/opt/secret-agent/bin/secret-agent", "run", "--" })]
    [InlineData("supervise-watch.json", new[] { "/opt/secret-agent/bin/secret-agent", "run", "--supervise", "--watch", "--on-change", "signal:HUP", "--" })]
    public void AppContainerForms_RegisterWithTheAgentAsEntrypointOverATmpfs(string file, string[] entryPoint)
    {
        var stored = Register(file);
        var app = Assert.Single(stored["containerDefinitions"]!.AsArray())!;

        Assert.Equal(entryPoint, SampleFiles.Strings(app["entryPoint"]));
        Assert.Equal("/usr/local/bin/sample-service", SampleFiles.Strings(app["command"])[0]);
        Assert.Equal(Health, SampleFiles.Strings(app["healthCheck"]!["command"]));
        var tmpfs = Assert.Single(app["linuxParameters"]!["tmpfs"]!.AsArray())!;
        Assert.Equal("/run/secrets", tmpfs["containerPath"]!.GetValue<string>());
        Assert.Equal("/run/secrets", Variable(app, "SECRET_AGENT_DIR"));
        AssertNonRootReadOnly(app);
    }

    [Fact]
    public void SidecarOnEc2_SharesPidsAndATaskScopedTmpfsVolume_AndTheAppWaitsForHealthy()
    {
        var stored = Register("sidecar-ec2.json");

        Assert.Equal("task", stored["pidMode"]!.GetValue<string>());
        var volume = SampleFiles.Named(stored["volumes"], "secrets")["dockerVolumeConfiguration"]!;
        Assert.Equal(("task", "local", "tmpfs", "tmpfs"), (Text(volume["scope"]), Text(volume["driver"]), Text(volume["driverOpts"]!["type"]), Text(volume["driverOpts"]!["device"])));

        var agent = SampleFiles.Named(stored["containerDefinitions"], "secret-agent");
        Assert.Equal(Health, SampleFiles.Strings(agent["healthCheck"]!["command"]));
        Assert.Equal("watch", SampleFiles.Strings(agent["command"])[0]);
        Assert.False(SampleFiles.Named(agent["mountPoints"], "secrets", "sourceVolume")["readOnly"]!.GetValue<bool>());

        var app = SampleFiles.Named(stored["containerDefinitions"], "app");
        Assert.True(SampleFiles.Named(app["mountPoints"], "secrets", "sourceVolume")["readOnly"]!.GetValue<bool>());
        var dependsOn = Assert.Single(app["dependsOn"]!.AsArray())!;
        Assert.Equal(("secret-agent", "HEALTHY"), (Text(dependsOn["containerName"]), Text(dependsOn["condition"])));
        AssertNonRootReadOnly(agent);
        AssertNonRootReadOnly(app);
    }

    private JsonNode Register(string file)
    {
        var path = SampleFiles.Path("ecs", file);
        var registered = AwsCli.Run(moto, "ecs", "register-task-definition", "--cli-input-json", "file://" + path)["taskDefinition"]!;
        var family = SampleFiles.Json(path)["family"]!.GetValue<string>();
        Assert.Equal(family, Text(registered["family"]));
        return AwsCli.Run(moto, "ecs", "describe-task-definition", "--task-definition", Text(registered["taskDefinitionArn"]))["taskDefinition"]!;
    }

    private static void AssertNonRootReadOnly(JsonNode container)
    {
        Assert.True(container["readonlyRootFilesystem"]!.GetValue<bool>());
        Assert.DoesNotMatch("^0(:|$)|^root", Text(container["user"]));
    }

    private static string Variable(JsonNode container, string name) => Text(SampleFiles.Named(container["environment"], name)["value"]);

    private static string Text(JsonNode? node) => node!.GetValue<string>();
}
