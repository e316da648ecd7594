using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SecretAgent.Aws;
using SecretAgent.Core.Format;
using SecretAgent.Core.Storage;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// One <c>secret-agent watch</c> through the real binary for the sidecar tests: a manifest naming
/// <paramref name="names"/>, a target (on /dev/shm, or a directory the test mounted), S3 and KMS behind a
/// <see cref="FaultProxy"/>, publishing in-process (fast: the tests publish many versions), stderr drained from the
/// start (a watch under faults logs every round; an undrained pipe would block it), and the status file read back.
/// </summary>
internal sealed class WatchRun : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly List<Process> agents = [];
    private readonly List<Task<string>> stderrs = [];
    private readonly string manifestDirectory;
    private readonly bool ownsTarget;

    public WatchRun(AdminWorld world, string[] names, string? target = null)
    {
        World = world;
        Proxy = new FaultProxy(world.Moto.Endpoint);
        ownsTarget = target is null;
        Target = target ?? Path.Combine("/dev/shm", "sa-watcht8-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Target);
        manifestDirectory = Directory.CreateTempSubdirectory("sa-watcht8-manifest-").FullName;
        ManifestPath = Path.Combine(manifestDirectory, "secret-agent.yaml");
        File.WriteAllText(ManifestPath, "version: 1\nfiles:\n" + string.Concat(names.Select(n => $"  - name: {n}\n")));
    }

    public AdminWorld World { get; }

    public FaultProxy Proxy { get; }

    public string Target { get; }

    public string ManifestPath { get; }

    public string StatusPath => Path.Combine(Target, "..status.json");

    public string PathOf(string name) => Path.Combine(Target, name);

    /// <summary>Publishes a new version in-process (the admin tool's own publisher), returning its generation.</summary>
    public async Task<PublishResult> PublishAsync(string name, string content)
    {
        var publisher = new ConfigPublisher(World.Store(), new KmsKeyService(World.Moto.Clients()));
        return await publisher.PublishAsync(ConfigName.Parse(name), Encoding.UTF8.GetBytes(content), World.KeyAlias, EnvelopeFormat.V3, default);
    }

    public Process Start(IReadOnlyDictionary<string, string?>? overrides, params string[] flags)
    {
        var environment = World.Environment();
        environment["AWS_ENDPOINT_URL_S3"] = Proxy.Endpoint.ToString();
        environment["AWS_ENDPOINT_URL_KMS"] = Proxy.Endpoint.ToString();
        environment["SECRET_AGENT_MANIFEST"] = ManifestPath;
        environment["SECRET_AGENT_DIR"] = Target;
        foreach (var (variable, value) in overrides ?? new Dictionary<string, string?>())
        {
            environment[variable] = value;
        }

        var agent = CommandRunner.Start(Binaries.Agent, ["watch", .. flags], environment);
        agents.Add(agent);
        stderrs.Add(agent.StandardError.ReadToEndAsync());
        return agent;
    }

    public Process Start(params string[] flags) => Start(null, flags);

    /// <summary>Runs <c>secret-agent health --dir TARGET</c> with <paramref name="flags"/>.</summary>
    public CommandResult Health(params string[] flags) =>
        CommandRunner.Run(Binaries.Agent, ["health", "--dir", Target, .. flags], World.Environment());

    /// <summary>The status file's config entry (null before the first round).</summary>
    public JsonElement? Status(string name)
    {
        if (!File.Exists(StatusPath))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(StatusPath));
        return document.RootElement.GetProperty("configs").EnumerateArray().First(c => c.GetProperty("name").GetString() == name).Clone();
    }

    /// <summary>Rounds the watcher has completed, from the status file (0 before the first).</summary>
    public long Rounds()
    {
        if (!File.Exists(StatusPath))
        {
            return 0;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(StatusPath));
        return document.RootElement.GetProperty("rounds").GetInt64();
    }

    public string Read(string name) => File.ReadAllText(PathOf(name));

    public bool Holds(string name, string expected) => File.Exists(PathOf(name)) && Read(name) == expected;

    /// <summary>Where <c>..data</c> points now.</summary>
    public string? DataLink() => new FileInfo(Path.Combine(Target, "..data")).LinkTarget;

    // Files and status have no event to wait on; poll with a generous deadline, failing early if the agent died.
    public async Task WaitUntilAsync(Process agent, Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!Safely(condition))
        {
            if (agent.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"agent exited {agent.ExitCode} before {what}: {await StderrOf(agent)}");
            }

            if (deadline.Elapsed > Deadline)
            {
                throw new Xunit.Sdk.XunitException($"no {what} within {Deadline}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>TERM, exit 0 expected; returns the agent's stderr.</summary>
    public async Task<string> StopAsync(Process agent)
    {
        ProcessTestSignals.Send(agent.Id, "TERM");
        await agent.WaitForExitAsync().WaitAsync(Deadline);
        var text = await StderrOf(agent);
        Assert.True(agent.ExitCode == 0, $"exit {agent.ExitCode}: {text}");
        return text;
    }

    public Task<string> StderrOf(Process agent) => stderrs[agents.IndexOf(agent)];

    public void Dispose()
    {
        foreach (var agent in agents)
        {
            if (!agent.HasExited)
            {
                agent.Kill();
                agent.WaitForExit();
            }

            agent.Dispose();
        }

        Proxy.Dispose();
        if (ownsTarget)
        {
            Directory.Delete(Target, recursive: true);
        }

        Directory.Delete(manifestDirectory, recursive: true);
    }

    // A status or config file read while the agent renames over it may be gone for an instant.
    private static bool Safely(Func<bool> condition)
    {
        try
        {
            return condition();
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return false;
        }
    }
}
