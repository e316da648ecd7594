using System.Diagnostics;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// Runs the real secret-agent binary with an empty manifest and a local store, so `run` reaches the launch step
/// whatever the agent does first. Captures stdout and stderr; <see cref="Scratch"/> is a private directory for
/// marker files. Dispose kills the process if it is still running and removes every directory it made.
/// </summary>
internal sealed class AgentProcess : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Process process;
    private readonly Task<string> stdout;
    private readonly Task<string> stderr;
    private readonly string root;
    private readonly string secretDir;

    private AgentProcess(Process process, string root, string secretDir)
    {
        this.process = process;
        this.root = root;
        this.secretDir = secretDir;
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The pid of the started process (the agent, or the wrapper when one is given).</summary>
    public int Pid => process.Id;

    /// <summary>A directory the test and the app can both use; the app finds it in $SCRATCH.</summary>
    public string Scratch => Path.Combine(root, "scratch");

    public string StandardOutput => stdout.Result;

    public string StandardError => stderr.Result;

    /// <summary>
    /// Starts <c>secret-agent ARGS</c>, or <c>WRAPPER... secret-agent ARGS</c> (for unshare, env, sh -c).
    /// </summary>
    public static AgentProcess Start(IEnumerable<string> args, IEnumerable<string>? wrapper = null)
    {
        var root = Directory.CreateTempSubdirectory("secret-agent-bb-").FullName;
        var secretDir = Directory.CreateDirectory(Path.Combine("/dev/shm", "secret-agent-bb-" + Guid.NewGuid().ToString("N"))).FullName;
        Directory.CreateDirectory(Path.Combine(root, "scratch"));
        Directory.CreateDirectory(Path.Combine(root, "store"));
        var manifest = Path.Combine(root, "secret-agent.yaml");
        File.WriteAllText(manifest, "version: 1\nfiles: []\n");

        var command = (wrapper ?? []).Append(Binaries.Agent).Concat(args).ToList();
        var startInfo = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["SECRET_AGENT_MANIFEST"] = manifest;
        startInfo.Environment["SECRET_AGENT_SOURCE"] = "file://" + Path.Combine(root, "store") + "/";
        startInfo.Environment["SECRET_AGENT_KMS_KEY_ID"] = "file://" + Path.Combine(root, "local.key");
        startInfo.Environment["SECRET_AGENT_DIR"] = secretDir;
        startInfo.Environment["SCRATCH"] = Path.Combine(root, "scratch");

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("agent did not start");
        process.StandardInput.Close();
        return new AgentProcess(process, root, secretDir);
    }

    /// <summary>Starts, waits and returns the exit code.</summary>
    public static int Run(IEnumerable<string> args, out string stdout, out string stderr, IEnumerable<string>? wrapper = null)
    {
        using var agent = Start(args, wrapper);
        var code = agent.WaitForExit();
        stdout = agent.StandardOutput;
        stderr = agent.StandardError;
        return code;
    }

    public int WaitForExit(TimeSpan? timeout = null)
    {
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"agent {Pid} did not exit in time; stderr so far is not available");
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Sends a signal by name (TERM, USR1, ...) with kill(1).</summary>
    public void SendSignal(string name) => ProcessTestSignals.Send(Pid, name);

    /// <summary>Waits until the app has created <paramref name="file"/> in <see cref="Scratch"/>.</summary>
    public void WaitForFile(string file, TimeSpan? timeout = null)
    {
        var path = Path.Combine(Scratch, file);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!File.Exists(path))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"agent exited with {process.ExitCode} before '{file}' appeared; stderr: {stderr.Result}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"'{file}' did not appear");
            }

            Thread.Sleep(20);
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
        Directory.Delete(root, recursive: true);
        Directory.Delete(secretDir, recursive: true);
    }
}
