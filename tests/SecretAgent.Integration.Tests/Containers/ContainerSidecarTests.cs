using System.Security.Cryptography;
using System.Text;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// Sidecar mode as the compose sample runs it: the carrier image runs `watch` as root onto a tmpfs-backed named
/// volume, files owned for the app; the app (busybox, no libc) mounts the volume read-only, shares the watcher's PID
/// namespace (--pid container:), traps HUP and re-reads. Publishing a new version reaches the running app within an
/// interval.
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
public sealed class ContainerSidecarTests(DockerEngine docker, MotoServer moto) : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("sa-sidecar-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task Sidecar_WhenANewVersionIsPublished_AppIsSignalledAndReadsIt()
    {
        var world = await AdminWorld.CreateAsync(moto);
        world.Put("canary.txt", "first-" + Guid.NewGuid().ToString("N"));
        var second = "second-" + Guid.NewGuid().ToString("N");
        var manifest = Path.Combine(scratch, "secret-agent.yaml");
        await File.WriteAllTextAsync(manifest, "version: 1\nfiles:\n  - name: canary.txt\n");
        var volume = await docker.CreateTmpfsVolumeAsync("mode=0750,uid=0,gid=1000");
        var watcher = await docker.StartAsync(new ContainerOptions
        {
            Image = docker.ScratchImage,
            Tmpfs = false,
            User = "0:0",
            Volumes = [$"{volume}:/run/secrets"],
            ReadOnlyMounts = new Dictionary<string, string> { [manifest] = "/etc/secret-agent.yaml" },
            Environment = world.Environment().Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!),
            Command = ["watch", "--interval", "1s", "--owner", "1000:1000", "--notify-process", "sh", "--notify-signal", "HUP"],
        }, "configs written; watching", TimeSpan.FromSeconds(60));
        var health = await watcher.ExecAsync("/opt/secret-agent/bin/secret-agent", "health");
        Assert.True(health.ExitCode == 0, health.ToString());

        var app = await docker.StartAsync(new ContainerOptions
        {
            Image = docker.ProbeImages[AnyBase.Busybox],
            Tmpfs = false,
            User = "1000:1000",
            Volumes = [$"{volume}:/run/secrets:ro"],
            PidContainer = watcher.Id,
            Entrypoint = "/bin/sh",
            Command = ["/app/probe.sh", "/bin/busybox"],
        }, "probe: serving", TimeSpan.FromSeconds(30));
        ContainerOutput.AssertContains("probe: uid=1000 gid=1000", await app.LogsAsync());

        world.Put("canary.txt", second);

        await app.WaitForLogAsync($"probe: read canary.txt sha256={Sha256(second)}", TimeSpan.FromSeconds(30));
        ContainerOutput.AssertContains("probe: received HUP", await app.LogsAsync());
        var logs = await watcher.LogsAsync() + await app.LogsAsync();
        Assert.DoesNotContain(second, logs, StringComparison.Ordinal);
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
