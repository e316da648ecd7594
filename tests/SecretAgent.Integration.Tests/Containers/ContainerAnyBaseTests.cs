using System.Security.Cryptography;
using System.Text;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// The carrier in any image (issue 9): /opt/secret-agent copied into Debian minbase, a busybox image with no libc at
/// all, and scratch with a static app. In each, the agent fetches from moto (--network host), writes a tmpfs owned
/// for a non-root app (run --user), execs it, and the app runs on its own libc with nothing of the agent's in its
/// environment; `health` works in exec form; docker kill -s HUP and docker stop reach the app, whose exit code the
/// container's is; and the canary published as a secret is in no log, inspect, export, history or image layer. The
/// same on linux/arm64 (issue 10): the arm64 carrier in an arm64 scratch image with an arm64 static busybox, run under
/// qemu-user through binfmt_misc (docs/arm64.md).
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
public sealed class ContainerAnyBaseTests(DockerEngine docker, MotoServer moto) : IDisposable
{
    private const int ProbeTermExitCode = 42;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] AgentVariablePrefixes = ["LD_", "SSL_", "OPENSSL", "SECRET_AGENT_", "AWS_SECRET", "AWS_ACCESS", "AWS_SESSION"];
    private readonly string scratch = Directory.CreateTempSubdirectory("sa-anybase-").FullName;
    private readonly string canary = "CANARY-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Theory]
    [InlineData(AnyBase.Debian)]
    [InlineData(AnyBase.Busybox)]
    [InlineData(AnyBase.Scratch)]
    [InlineData(AnyBase.ScratchArm64)]
    public async Task EntrypointMode_InAnyBase_AppRunsAsItsUserOnItsOwnLibcAndGetsSignals(AnyBase kind)
    {
        var container = await StartProbeAsync(kind);
        var logs = await container.LogsAsync();
        if (kind == AnyBase.ScratchArm64)
        {
            Assert.Equal("arm64", await docker.ImageArchitectureAsync(await docker.ProbeImageAsync(kind)));
        }

        ContainerOutput.AssertContains("probe: uid=1000 gid=1000 groups=1000 2000", logs);
        ContainerOutput.AssertContains($"probe: read canary.txt sha256={Sha256(canary)}", logs);
        AssertOwnLibc(kind, logs);
        AssertNothingOfTheAgentsInherited(logs);

        var health = await container.ExecAsync("/opt/secret-agent/bin/secret-agent", "health");
        Assert.True(health.ExitCode == 0, health.ToString());

        await container.KillAsync("HUP");
        await container.WaitForLogAsync("probe: received HUP", TimeSpan.FromSeconds(20));
        await container.StopAsync(graceSeconds: 20);
        Assert.Equal(ProbeTermExitCode, await container.WaitAsync(TimeSpan.FromSeconds(30)));
        ContainerOutput.AssertContains("probe: received TERM", await container.LogsAsync());

        await AssertCanaryNowhereAsync(container, await docker.ProbeImageAsync(kind));
    }

    [Fact]
    public async Task NonRootAgent_WhenAskedForAnotherUser_RefusesWith77BeforeFetching()
    {
        var options = await ProbeOptionsAsync(AnyBase.Debian) with { User = "3000:3000" };

        var run = (await docker.RunAsync(options)).Run;

        Assert.True(run.ExitCode == 77, run.ToString());
        ContainerOutput.AssertContains("--user 1000:1000 (groups 2000): the agent runs as uid 3000, not root", run.Stderr);
        Assert.DoesNotContain("probe:", run.Stdout, StringComparison.Ordinal);
    }

    private async Task<Container> StartProbeAsync(AnyBase kind)
    {
        var options = await ProbeOptionsAsync(kind);
        return await docker.StartAsync(options, "probe: serving", StartTimeout);
    }

    private async Task<ContainerOptions> ProbeOptionsAsync(AnyBase kind)
    {
        var world = await AdminWorld.CreateAsync(moto);
        world.Put("canary.txt", canary);
        var manifest = Path.Combine(scratch, "secret-agent.yaml");
        await File.WriteAllTextAsync(manifest, "version: 1\nfiles:\n  - name: canary.txt\n");
        string[] app = kind switch
        {
            AnyBase.Debian => ["/bin/sh", "/app/probe.sh"],
            AnyBase.Busybox => ["/bin/sh", "/app/probe.sh", "/bin/busybox"],
            _ => ["/app/busybox", "sh", "/app/probe.sh", "/app/busybox"],
        };
        return new ContainerOptions
        {
            Image = await docker.ProbeImageAsync(kind),
            TmpfsOptions = "mode=0750,uid=0,gid=1000",
            ReadOnlyMounts = new Dictionary<string, string> { [manifest] = "/etc/secret-agent.yaml" },
            Environment = world.Environment().Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!),
            Command = app,
        };
    }

    // The app's own process maps its image's loader and libc (Debian) or none (static busybox), never the carrier's.
    private static void AssertOwnLibc(AnyBase kind, string logs)
    {
        var maps = Reported(logs, "probe: maps ");
        Assert.True(maps.Count > 0, $"the app printed no mapped file:\n{logs}");
        Assert.DoesNotContain(maps, m => m.Contains("/opt/secret-agent", StringComparison.Ordinal));
        if (kind == AnyBase.Debian)
        {
            Assert.Contains(maps, m => m.EndsWith("/usr/lib/x86_64-linux-gnu/libc.so.6", StringComparison.Ordinal));
        }
        else
        {
            Assert.DoesNotContain(maps, m => m.Contains("libc", StringComparison.Ordinal));
        }
    }

    private static void AssertNothingOfTheAgentsInherited(string logs)
    {
        var names = Reported(logs, "probe: env ");
        Assert.Contains("AWS_REGION", names);
        Assert.DoesNotContain(names, n => AgentVariablePrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)));
    }

    // What the probe printed after PREFIX on each line (the engine's log lines start with a timestamp).
    private static List<string> Reported(string logs, string prefix) =>
        [.. logs.Split('\n').Where(l => l.Contains(prefix, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..].TrimEnd('\r'))];

    private async Task AssertCanaryNowhereAsync(Container container, string image)
    {
        var value = Encoding.UTF8.GetBytes(canary);
        AssertAbsent(Encoding.UTF8.GetBytes(await container.LogsAsync()), value, "docker logs");
        AssertAbsent(Encoding.UTF8.GetBytes(await container.InspectJsonAsync()), value, "docker inspect");
        AssertAbsent(await container.ExportAsync(), value, "docker export of the stopped container");
        AssertAbsent(await docker.ImageHistoryJsonAsync(image), value, "docker history");
        AssertAbsent(await docker.SaveImageAsync(image), value, "docker save (every layer)");
    }

    private static void AssertAbsent(byte[] haystack, byte[] value, string where) =>
        Assert.True(haystack.AsSpan().IndexOf(value) < 0, $"the canary secret appears in {where}");

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
