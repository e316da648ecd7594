using System.Text;
using System.Text.Json.Nodes;
using SecretAgent.Core.Manifest;

namespace SecretAgent.Integration.Tests.Samples;

/// <summary>
/// samples/kubernetes: there is no cluster here, so the manifests are parsed and held to what each form needs,
/// property by property: a native sidecar that gates the app on `secret-agent health`, a memory-backed volume with a
/// size limit, read-only where the app mounts it, non-root and read-only roots, the group that reads 0440 files.
/// </summary>
public sealed class KubernetesSampleTests
{
    private const string Agent = "/opt/secret-agent/bin/secret-agent";

    [Fact]
    public void Sidecar_IsANativeSidecarWhoseStartupProbeExecsHealth()
    {
        var spec = PodSpec("sidecar.yaml");
        var agent = Assert.Single(spec["initContainers"]!.AsArray())!;

        Assert.Equal("Always", Text(agent["restartPolicy"]));
        Assert.Equal([Agent, "health"], SampleFiles.Strings(agent["startupProbe"]!["exec"]!["command"]));
        Assert.Equal(Agent, Text(agent["command"]![0]));
        Assert.Equal("watch", Text(agent["args"]![0]));
        Assert.Equal(["--notify-process", "sample-service", "--notify-signal", "HUP"], SampleFiles.Strings(agent["args"]).Skip(3));
    }

    [Fact]
    public void Sidecar_SharesTheProcessNamespace_AndTheAppMountsTheMemoryVolumeReadOnly()
    {
        var spec = PodSpec("sidecar.yaml");

        Assert.Equal("true", Text(spec["shareProcessNamespace"]));
        AssertMemoryVolume(spec);
        var agentMount = SampleFiles.Named(spec["initContainers"]![0]!["volumeMounts"], "secrets");
        Assert.Null(agentMount["readOnly"]);
        var appMount = SampleFiles.Named(SampleFiles.Named(spec["containers"], "app")["volumeMounts"], "secrets");
        Assert.Equal(("/run/secrets", "true"), (Text(appMount["mountPath"]), Text(appMount["readOnly"])));
    }

    [Theory]
    [InlineData("sidecar.yaml")]
    [InlineData("entrypoint.yaml")]
    public void EveryContainer_RunsAsNonRootWithAReadOnlyRootAndTheReadingGroup(string file)
    {
        var spec = PodSpec(file);
        var security = spec["securityContext"]!;

        Assert.Equal("true", Text(security["runAsNonRoot"]));
        Assert.Equal(Text(security["runAsGroup"]), Text(security["fsGroup"]));
        Assert.NotEqual("0", Text(security["runAsUser"]));
        var containers = spec["containers"]!.AsArray().Concat(spec["initContainers"]?.AsArray() ?? []).ToList();
        Assert.NotEmpty(containers);
        foreach (var container in containers)
        {
            Assert.Equal("true", Text(container!["securityContext"]!["readOnlyRootFilesystem"]));
            Assert.Equal("false", Text(container["securityContext"]!["allowPrivilegeEscalation"]));
        }

        Assert.Equal("secret-agent-sample", Text(spec["serviceAccountName"]));
    }

    [Fact]
    public void Sidecar_DeliversTheServiceManifest_WithFiles0440_FromAConfigMapReadableByTheGroupOnly()
    {
        var documents = SampleFiles.YamlDocuments(SampleFiles.Path("kubernetes", "sidecar.yaml"));
        var configMap = Assert.Single(documents, d => Text(d["kind"]) == "ConfigMap");
        var text = Text(configMap["data"]!["secret-agent.yaml"]);
        var fromImage = File.ReadAllText(SampleFiles.Path("service", "secret-agent.yaml"));

        var manifest = ManifestParser.Parse(Encoding.UTF8.GetBytes(text), "configmap");
        Assert.Equal(Convert.ToInt32("440", 8), Assert.Single(manifest.Files).Mode.Bits);
        Assert.EndsWith(text, fromImage, StringComparison.Ordinal);
        var volume = SampleFiles.Named(PodSpec("sidecar.yaml")["volumes"], "manifest");
        Assert.Equal("0440", Text(volume["configMap"]!["defaultMode"]));
    }

    [Fact]
    public void ServiceAccount_IsAnnotatedForIrsa()
    {
        var account = Assert.Single(SampleFiles.YamlDocuments(SampleFiles.Path("kubernetes", "sidecar.yaml")), d => Text(d["kind"]) == "ServiceAccount");

        Assert.StartsWith("arn:aws:iam::", Text(account["metadata"]!["annotations"]!["eks.amazonaws.com/role-arn"]), StringComparison.Ordinal);
        Assert.Equal("false", Text(account["automountServiceAccountToken"]));
    }

    [Fact]
    public void Entrypoint_RunsTheServiceThroughTheAgent_IntoAMemoryVolume()
    {
        var spec = PodSpec("entrypoint.yaml");
        var app = Assert.Single(spec["containers"]!.AsArray())!;

        Assert.Null(spec["initContainers"]);
        Assert.Equal([Agent, "run", "--"], SampleFiles.Strings(app["command"]));
        Assert.Equal("/usr/local/bin/sample-service", Text(app["args"]![0]));
        AssertMemoryVolume(spec);
        Assert.Equal("/run/secrets", Text(SampleFiles.Named(app["volumeMounts"], "secrets")["mountPath"]));
    }

    private static void AssertMemoryVolume(JsonNode spec)
    {
        var emptyDir = SampleFiles.Named(spec["volumes"], "secrets")["emptyDir"]!;
        Assert.Equal("Memory", Text(emptyDir["medium"]));
        Assert.False(string.IsNullOrEmpty(emptyDir["sizeLimit"]?.GetValue<string>()), "a memory-backed emptyDir needs a sizeLimit");
    }

    private static JsonNode PodSpec(string file)
    {
        var deployment = Assert.Single(SampleFiles.YamlDocuments(SampleFiles.Path("kubernetes", file)), d => Text(d["kind"]) == "Deployment");
        return deployment["spec"]!["template"]!["spec"]!;
    }

    private static string Text(JsonNode? node) => node!.GetValue<string>();
}
