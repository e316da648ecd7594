using System.Diagnostics;
using SecretAgent.Local;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// The start-path rows of ../shared/docs/faults.md through the real binary: each fault gives one clear line, its
/// documented exit code, nothing half-written and no value in the output.
/// </summary>
[Trait("Arch", "Emulated")]
public sealed class AgentFaultTests : IDisposable
{
    private const string Sentinel = "CANARY-fault-51aa";
    private readonly LocalWorld world = new();

    public void Dispose() => world.Dispose();

    [Theory]
    [InlineData("version: 1\nfiles:\n  - name: a\n    colour: red\n", "unknown")]
    [InlineData("version: 1\nfiles:\n  - name: a\n  - name: a\n", "duplicate")]
    [InlineData("version: 1\nfiles:\n  - name: ../../etc/passwd\n", "..")]
    [InlineData("version: 1\nfiles:\n  - name: a\n    path: /etc/passwd\n", "absolute")]
    [InlineData("version: 1\nfiles:\n  - name: a\n    mode: \"0999\"\n", "mode")]
    [InlineData("version: 1\nfiles: [\n", "")]
    public void Run_WhenManifestInvalid_Exits78BeforeAnyNetworkWithLineAndColumn(string yaml, string cause)
    {
        world.WriteManifest(yaml);
        var environment = world.Environment();
        environment["SECRET_AGENT_SOURCE"] = "s3://bucket-that-is-never-contacted/app/";
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9";

        var result = world.Agent(environment, "run", "--", "true");

        Assert.Equal(78, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Matches(@"secret-agent\.yaml:\d+:\d+: ", line);
        Assert.Contains(cause, line, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Directory.GetFileSystemEntries(world.Target));
    }

    [Theory]
    [InlineData("run", "--supervize", "--", "echo", "started")]
    [InlineData("run", "echo", "started")]
    [InlineData("fetch", "--bogus")]
    [InlineData("bogus")]
    public void Agent_WhenCommandLineInvalid_Exits64WithOneLineAndStartsNothing(params string[] args)
    {
        var result = world.Agent(args);

        Assert.Equal(64, result.ExitCode);
        Assert.StartsWith("secret-agent: error: ", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.DoesNotContain("started", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenRequiredConfigMissing_Exits66AndWritesNothing()
    {
        await world.PublishAsync("present.json", Sentinel);
        world.WriteManifest("version: 1\nfiles:\n  - name: present.json\n  - name: absent.json\n");

        var result = world.Agent("run", "--", "true");

        Assert.Equal(66, result.ExitCode);
        Assert.Contains("config 'absent.json'", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(["..lock"], Directory.GetFileSystemEntries(world.Target).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Run_WhenOptionalConfigMissing_StartsWithoutIt()
    {
        await world.PublishAsync("present.json", Sentinel);
        world.WriteManifest("version: 1\nfiles:\n  - name: present.json\n  - name: absent.json\n    optional: true\n");

        var result = world.Agent("run", "--", "true");

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(world.Target, "present.json")));
        Assert.False(File.Exists(Path.Combine(world.Target, "absent.json")));
    }

    [Theory]
    [InlineData("body")]
    [InlineData("metadata")]
    public async Task Run_WhenObjectTampered_Exits65AndKeepsPreviousSet(string part)
    {
        await world.PublishAsync("db.json", "first");
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        Assert.Equal(0, world.Agent("fetch").ExitCode);
        await world.PublishAsync("db.json", Sentinel);
        Tamper(Path.Combine(world.ObjectDir("db.json"), "00000002." + (part == "body" ? "body" : "json")));

        var result = world.Agent("run", "--", "true");

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("config 'db.json'", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.Equal("first", File.ReadAllText(Path.Combine(world.Target, "db.json")));
    }

    [Fact]
    public async Task Run_WhenObjectSwappedFromAnotherName_Exits65()
    {
        await world.PublishAsync("api.json", Sentinel);
        await world.PublishAsync("db.json", "db");
        foreach (var file in Directory.GetFiles(world.ObjectDir("api.json")))
        {
            File.Copy(file, Path.Combine(world.ObjectDir("db.json"), Path.GetFileName(file)), overwrite: true);
        }

        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");

        var result = world.Agent("run", "--", "true");

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("bound to config 'api.json'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenGenerationBelowManifestFloor_Exits65AsRollback()
    {
        await world.PublishAsync("db.json", "one");
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n    minGeneration: 2\n");

        var result = world.Agent("run", "--", "true");

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("rollback", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenKeyNotInAllowlist_Exits65()
    {
        await world.PublishAsync("db.json", Sentinel);
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        var otherKey = Path.Combine(world.Root, "other.key");
        Local.LocalKeyFile.Create(otherKey);
        var environment = world.Environment();
        environment["SECRET_AGENT_KMS_KEY_ID"] = "file://" + otherKey;

        var result = world.Agent(environment, "run", "--", "true");

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("other than", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenTargetNotMemoryBacked_Exits73UnlessAllowDisk()
    {
        await world.PublishAsync("db.json", Sentinel);
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        var diskDir = Directory.CreateDirectory(Path.Combine(world.Root, "disk-target")).FullName;
        var environment = world.Environment();
        environment["SECRET_AGENT_DIR"] = diskDir;

        var refused = world.Agent(environment, "run", "--", "true");
        var writtenWhenRefused = File.Exists(Path.Combine(diskDir, "db.json"));
        var allowed = world.Agent(environment, "run", "--allow-disk", "--", "true");

        Assert.Equal(73, refused.ExitCode);
        Assert.Contains("tmpfs", refused.Stderr, StringComparison.Ordinal);
        Assert.False(writtenWhenRefused);
        Assert.Equal(0, allowed.ExitCode);
        Assert.True(File.Exists(Path.Combine(diskDir, "db.json")));
    }

    [Fact]
    public void Run_WhenTargetMissing_Exits73WithoutCreatingIt()
    {
        var environment = world.Environment();
        environment["SECRET_AGENT_DIR"] = world.Target + "-missing";

        var result = world.Agent(environment, "run", "--", "true");

        Assert.Equal(73, result.ExitCode);
        Assert.False(Directory.Exists(world.Target + "-missing"));
    }

    [Fact]
    public async Task Run_WhenSymlinkPlantedAtConfigName_RefusesAndLeavesOutsideFileAlone()
    {
        await world.PublishAsync("db.json", Sentinel);
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        var outside = Path.Combine(world.Root, "outside.txt");
        File.WriteAllText(outside, "untouched");
        File.CreateSymbolicLink(Path.Combine(world.Target, "db.json"), outside);

        var result = world.Agent("run", "--", "true");

        Assert.Equal(73, result.ExitCode);
        Assert.Equal("untouched", File.ReadAllText(outside));
    }

    [Theory]
    [InlineData("/nonexistent/app", 127)]
    [InlineData("/etc/hostname", 126)]
    public async Task Run_WhenAppCannotBeExecuted_ExitsShellCodeAndRemovesSecrets(string command, int code)
    {
        await world.PublishAsync("db.json", Sentinel);
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");

        var exec = world.Agent("run", "--", command);
        var supervise = world.Agent("run", "--supervise", "--", command);

        Assert.Equal(code, exec.ExitCode);
        Assert.Equal(code, supervise.ExitCode);
        Assert.Single(exec.ErrorLines);
        Assert.False(File.Exists(Path.Combine(world.Target, "db.json")));
        Assert.Empty(Directory.GetDirectories(world.Target));
    }

    public static TheoryData<string, string, int> ExecFailures
    {
        get
        {
            var data = new TheoryData<string, string, int>();
            foreach (var mode in new[] { "exec", "supervise", "group" })
            {
                data.Add(mode, "not-elf", 126);
                data.Add(mode, "missing-interpreter", 127);
            }

            return data;
        }
    }

    // Files that pass the pre-flight check (they exist and are executable) but fail in execve itself (defect 6):
    // every launch mode, process-group mode's re-entered binary included, removes the files it wrote.
    [Theory]
    [MemberData(nameof(ExecFailures))]
    public async Task Run_WhenExecveFails_EveryModeExitsShellCodeAndRemovesSecrets(string mode, string app, int code)
    {
        await world.PublishAsync("db.json", Sentinel);
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        var command = Path.Combine(world.Root, app);
        File.WriteAllBytes(command, app == "not-elf" ? [0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0] : "#!/nonexistent/interpreter\n"u8.ToArray());
        File.SetUnixFileMode(command, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        string[] flags = mode switch { "exec" => [], "supervise" => ["--supervise"], _ => ["--supervise", "--process-group"] };

        var result = world.Agent(["run", .. flags, "--", command]);

        Assert.True(result.ExitCode == code, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains($"'{command}'", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Equal(["..lock"], Directory.GetFileSystemEntries(world.Target).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Run_WhenTargetReadOnly_Exits73BeforeFetching()
    {
        await world.PublishAsync("db.json", Sentinel);
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
        var mountPoint = Directory.CreateDirectory(Path.Combine(world.Root, "ro")).FullName;
        Mount($"-t tmpfs -o ro,size=1m tmpfs {mountPoint}");
        try
        {
            var environment = world.Environment();
            environment["SECRET_AGENT_DIR"] = mountPoint;

            var result = world.Agent(environment, "run", "--", "true");

            Assert.Equal(73, result.ExitCode);
            Assert.Contains("read-only", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Mount($"-l {mountPoint}", "umount");
        }
    }

    [Fact]
    public async Task Run_WhenTargetFull_Exits73KeepsOldSetAndLeavesNoStaging()
    {
        var mountPoint = Directory.CreateDirectory(Path.Combine(world.Root, "small")).FullName;
        Mount($"-t tmpfs -o size=64k tmpfs {mountPoint}");
        try
        {
            var environment = world.Environment();
            environment["SECRET_AGENT_DIR"] = mountPoint;
            await world.PublishAsync("db.json", "small");
            world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n");
            Assert.Equal(0, world.Agent(environment, "fetch").ExitCode);
            await world.PublishAsync("db.json", new byte[200 * 1024]);

            var result = world.Agent(environment, "fetch");

            Assert.Equal(73, result.ExitCode);
            Assert.Equal("small", File.ReadAllText(Path.Combine(mountPoint, "db.json")));
            Assert.Single(Directory.GetDirectories(mountPoint, "..2*"));
        }
        finally
        {
            Mount($"-l {mountPoint}", "umount");
        }
    }

    private static void Tamper(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var i = path.EndsWith(".json", StringComparison.Ordinal) ? Array.IndexOf(bytes, (byte)'x') + 7 : bytes.Length / 2;
        bytes[i] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    private static void Mount(string arguments, string tool = "mount")
    {
        using var process = Process.Start(new ProcessStartInfo(tool) { Arguments = arguments, RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {arguments} failed (tests run as root, as CI does): {process.StandardError.ReadToEnd()}");
    }
}
