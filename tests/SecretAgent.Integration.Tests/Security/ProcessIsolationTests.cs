using System.Text.Json;

namespace SecretAgent.Integration.Tests.Security;

/// <summary>
/// The app (or anything else running as the app's user) cannot read the agent's process, while the agent holds the
/// delivered set beside it (`run --supervise`). The agent and its app run as nobody; the app is a probe that tries,
/// against its parent the agent: /proc/PID/environ, /proc/PID/mem, ptrace attach, and a .NET diagnostics socket
/// (/tmp/dotnet-diagnostic-PID-*, the IPC dotnet-dump and dotnet-trace use). The same probe against a plain process
/// of the same user (its own `sleep` child) succeeds, so a refusal is the agent's doing (PR_SET_DUMPABLE 0 makes
/// /proc/PID/{environ,mem} root's and refuses a same-uid ptrace), not the probe's.
/// A NativeAOT agent (CI's SECRET_AGENT_BIN) has no diagnostics IPC at all, so it runs with DOTNET_EnableDiagnostics=1
/// (the hostile setting); the JIT build of a developer's machine has the IPC and relies on the image's
/// DOTNET_EnableDiagnostics=0, so it runs with that.
/// </summary>
public sealed class ProcessIsolationTests : IDisposable
{
    private const int Nobody = 65534;
    private const string Canary = "CANARY-isolation-5d0c";

    private const string Probe = """
        import ctypes, glob, json, os, subprocess, sys

        def try_read(path):
            try:
                with open(path, "rb") as f:
                    f.read(16)
                return "read"
            except OSError as e:
                return "refused:" + str(e.errno)

        def try_mem(pid):
            try:
                with open("/proc/%d/mem" % pid, "rb") as f:
                    return "opened"
            except OSError as e:
                return "refused:" + str(e.errno)

        libc = ctypes.CDLL(None, use_errno=True)
        def try_ptrace(pid):
            # PTRACE_ATTACH = 16, PTRACE_DETACH = 17
            if libc.ptrace(16, pid, None, None) == 0:
                os.waitpid(pid, 0)
                libc.ptrace(17, pid, None, None)
                return "attached"
            return "refused:" + str(ctypes.get_errno())

        def probe(pid):
            return {"environ": try_read("/proc/%d/environ" % pid), "mem": try_mem(pid), "ptrace": try_ptrace(pid),
                    "diagnostics": sorted(glob.glob("/tmp/dotnet-diagnostic-%d-*" % pid))}

        control = subprocess.Popen(["sleep", "60"])
        result = {"uid": os.getuid(), "agent": probe(os.getppid()), "control": probe(control.pid)}
        control.kill()
        print(json.dumps(result))
        """;

    private readonly LocalWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task SupervisedApp_AsTheAppsUser_CannotReadTheAgentsProcess()
    {
        Assert.True(Environment.UserName == "root", "this test runs the agent and its app as nobody and needs root (CI runs as root)");
        await world.PublishAsync("db.env", $"DB_PASSWORD={Canary}\n");
        world.WriteManifest("version: 1\nfiles:\n  - name: db.env\n    env: true\n");
        var probe = Path.Combine(world.Root, "probe.py");
        File.WriteAllText(probe, Probe);
        OpenToNobody();

        var result = CommandRunner.Run(
            "setpriv",
            ["--reuid=" + Nobody, "--regid=" + Nobody, "--clear-groups", "--", Binaries.Agent, "run", "--supervise", "--", "/usr/bin/python3", probe],
            Variables(),
            TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = JsonDocument.Parse(result.Stdout);
        var root = report.RootElement;
        Assert.Equal(Nobody, root.GetProperty("uid").GetInt32());
        var agent = root.GetProperty("agent");
        var control = root.GetProperty("control");
        Assert.Equal("read", control.GetProperty("environ").GetString());
        Assert.Equal("attached", control.GetProperty("ptrace").GetString());
        Assert.Equal("refused:13", agent.GetProperty("environ").GetString());
        Assert.Equal("refused:13", agent.GetProperty("mem").GetString());
        Assert.Equal("refused:1", agent.GetProperty("ptrace").GetString());
        Assert.Empty(agent.GetProperty("diagnostics").EnumerateArray());
        Assert.DoesNotContain(Canary, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Variables()
    {
        var environment = world.Environment();
        environment["DOTNET_EnableDiagnostics"] = IsNativeAot(Binaries.Agent) ? "1" : "0";
        environment["DOTNET_DbgEnableMiniDump"] = "1";
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        environment["PATH"] = "/usr/bin:/bin";
        return environment;
    }

    // A NativeAOT executable stands alone; a JIT build's apphost has its assembly beside it.
    private static bool IsNativeAot(string binary) => !File.Exists(binary + ".dll");

    // The world is root's; the agent running as nobody must read the store, the key and the manifest and own the target.
    private void OpenToNobody()
    {
        foreach (var dir in Directory.EnumerateDirectories(world.Root, "*", SearchOption.AllDirectories).Append(world.Root))
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0x1ED); // 0755
        }

        foreach (var file in Directory.EnumerateFiles(world.Root, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, (UnixFileMode)0x1A4); // 0644
        }

        var chown = CommandRunner.Run("chown", [$"{Nobody}:{Nobody}", world.Target], new Dictionary<string, string?>());
        Assert.True(chown.ExitCode == 0, chown.ToString());
    }
}
