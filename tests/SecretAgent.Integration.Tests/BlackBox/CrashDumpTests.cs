using System.Diagnostics;
using System.Globalization;

namespace SecretAgent.Integration.Tests.BlackBox;

/// <summary>
/// Defect 5 (faults.md row 45): a crash must not leave the plaintext or the AWS secret in a file. Each shipped binary
/// is killed by SIGSEGV or SIGABRT while it holds a secret, with every runtime dump setting on (full dump into a
/// directory of the test's) and the kernel allowed to write a core file (ulimit -c unlimited, the working directory
/// being that same directory, which a relative core_pattern such as the default "core" writes into). Nothing may
/// appear there. (SIGBUS and SIGILL stand in for a fault in native code: a SIGSEGV or SIGFPE sent with kill(2) is
/// not a fault, and NativeAOT's fault handler ignores it.) NativeAOT has no createdump for the runtime settings to start, and PR_SET_DUMPABLE 0 makes the
/// kernel skip the core whatever core_pattern or fs.suid_dumpable say; the second test checks that flag from outside.
/// </summary>
public sealed class CrashDumpTests : IDisposable
{
    private const string Canary = "crash-dump-canary-7f3a91c2";

    private readonly string dumps = Directory.CreateTempSubdirectory("sa-dumps-").FullName;
    private readonly string root = Directory.CreateTempSubdirectory("sa-crash-").FullName;
    private readonly string target = Path.Combine("/dev/shm", "sa-crash-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly BlackHoleEndpoint blackHole = new();

    public CrashDumpTests()
    {
        // An unprivileged binary must be able to write here, or a missing dump would prove nothing.
        File.SetUnixFileMode(dumps, (UnixFileMode)0x1FF);
        File.SetUnixFileMode(root, (UnixFileMode)0x1FF);
        Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, (UnixFileMode)0x1FF);
    }

    public static TheoryData<string, string> ToolsAndSignals => new()
    {
        { "agent", "ABRT" },
        { "agent", "BUS" },
        { "agent", "ILL" },
        { "admin", "ABRT" },
        { "admin", "BUS" },
        { "admin", "ILL" },
    };

    public void Dispose()
    {
        blackHole.Dispose();
        Directory.Delete(dumps, recursive: true);
        Directory.Delete(root, recursive: true);
        Directory.Delete(target, recursive: true);
    }

    [Theory]
    [MemberData(nameof(ToolsAndSignals))]
    public async Task KilledWhileHoldingASecret_LeavesNoDumpAndNoCore(string tool, string signal)
    {
        using var process = StartHoldingSecret(tool, ["/bin/sh", "-c", "ulimit -c unlimited && exec \"$0\" \"$@\""]);
        var output = process.StandardError.ReadToEndAsync();

        ProcessTestSignals.Send(process.Id, signal);

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), $"{tool} did not die of SIG{signal}");
        Assert.Equal(128 + SignalNumber(signal), process.ExitCode);
        var left = Directory.GetFileSystemEntries(dumps).Select(Path.GetFileName);
        Assert.True(!left.Any(), $"{tool} left {string.Join(", ", left)} after SIG{signal}");
        Assert.DoesNotContain(Canary, await output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("admin")]
    public void WhileHoldingASecret_IsNotDumpable(string tool)
    {
        // The kernel hands a process's /proc files to root when it is not dumpable; that is only visible for a
        // process that is not root itself, so run it as nobody (needs root to switch, as in CI).
        Assert.True(Environment.UserName == "root", "this test runs the binary as nobody and needs root (CI runs as root)");
        using var process = StartHoldingSecret(tool, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
        try
        {
            var status = File.ReadAllLines($"/proc/{process.Id}/status");
            Assert.Contains(status, line => line.StartsWith("Uid:\t65534\t", StringComparison.Ordinal));
            Assert.Equal(0, OwnerOf($"/proc/{process.Id}/status"));
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    // Starts TOOL so that it holds a secret when this returns: the agent mid-fetch with the AWS secret key in memory,
    // the admin tool with a plaintext config read from stdin (which stays open, so it waits for more).
    private Process StartHoldingSecret(string tool, string[] wrapper)
    {
        var (binary, args, environment) = tool == "agent" ? AgentFetch() : AdminPut();
        var info = new ProcessStartInfo(wrapper[0])
        {
            WorkingDirectory = dumps,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in wrapper.Skip(1).Append(binary).Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment.Concat(DumpSettings()))
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {binary}");
        if (tool == "agent")
        {
            blackHole.WaitForConnection(TimeSpan.FromSeconds(30));
        }
        else
        {
            process.StandardInput.Write("{\"password\": \"" + Canary + "\"}\n");
            process.StandardInput.Flush();
            WaitUntilReadingStdinAgain(process.Id, TimeSpan.FromSeconds(30));
        }

        return process;
    }

    private (string Binary, string[] Args, Dictionary<string, string?> Environment) AgentFetch()
    {
        var manifest = Path.Combine(root, "secret-agent.yaml");
        File.WriteAllText(manifest, "version: 1\nfiles:\n  - name: db.json\n");
        return (Binaries.Agent, ["fetch", "--timeout", "120"], new()
        {
            ["SECRET_AGENT_MANIFEST"] = manifest,
            ["SECRET_AGENT_DIR"] = target,
            ["SECRET_AGENT_SOURCE"] = "s3://hung-bucket/app/",
            ["SECRET_AGENT_KMS_KEY_ID"] = "alias/app",
            ["AWS_ENDPOINT_URL"] = blackHole.Endpoint.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "AKIACRASHTEST",
            ["AWS_SECRET_ACCESS_KEY"] = Canary,
            ["AWS_REGION"] = "us-east-1",
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials",
            ["AWS_CONFIG_FILE"] = "/nonexistent/config",
        });
    }

    private (string Binary, string[] Args, Dictionary<string, string?> Environment) AdminPut()
    {
        // A key file and a store the unprivileged run can use too.
        var keys = Path.Combine(root, "keys");
        Directory.CreateDirectory(keys);
        File.SetUnixFileMode(keys, (UnixFileMode)0x1FF);
        var key = Path.Combine(keys, "demo.key");
        File.WriteAllText(key, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        return (Binaries.Admin, ["put", "db.json", "-"], new()
        {
            ["SECRET_AGENT_SOURCE"] = $"file://{root}/store/",
            ["SECRET_AGENT_KMS_KEY_ID"] = "file://" + key,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        });
    }

    // Every runtime setting that asks for a dump on a crash, at its most revealing (type 4 = full heap).
    private IEnumerable<KeyValuePair<string, string?>> DumpSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["DbgEnableMiniDump"] = "1",
            ["DbgMiniDumpType"] = "4",
            ["DbgMiniDumpName"] = Path.Combine(dumps, "dump.%p"),
            ["CreateDumpDiagnostics"] = "1",
            ["CreateDumpVerboseDiagnostics"] = "1",
            ["EnableCrashReport"] = "1",
            ["EnableDiagnostics"] = "1",
        };
        return settings.SelectMany(s => new[]
        {
            KeyValuePair.Create("DOTNET_" + s.Key, s.Value),
            KeyValuePair.Create("COMPlus_" + s.Key, s.Value),
        });
    }

    // A thread blocked in read() on the stdin pipe (the runtime reads a dup of fd 0) after the canary went into the
    // pipe means the tool has consumed it.
    private static void WaitUntilReadingStdinAgain(int pid, TimeSpan timeout)
    {
        var stdin = LinkTarget($"/proc/{pid}/fd/0");
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var call = TryRead(Path.Combine(task, "syscall")).Split(' ');
                if (call is ["0", var fd, ..] && LinkTarget($"/proc/{pid}/fd/{Convert.ToInt32(fd, 16)}") == stdin)
                {
                    return;
                }
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException($"process {pid} never blocked reading stdin");
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static int OwnerOf(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true })!;
        var owner = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return int.Parse(owner, CultureInfo.InvariantCulture);
    }

    private static int SignalNumber(string signal) => signal switch
    {
        "ABRT" => 6,
        "BUS" => 7,
        "ILL" => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(signal)),
    };
}
