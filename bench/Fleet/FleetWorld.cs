using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.Runtime;
using SecretAgent.Aws;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Manifest;
using SecretAgent.Core.Processes;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;
using SecretAgent.Core.Watch;

namespace SecretAgent.Bench.Fleet;

/// <summary>
/// Builds agents the way AgentComposition does (S3ObjectReader, KmsKeyUnwrapper, SecretsTarget, ConfigDelivery or
/// ConfigWatcher), except that each agent gets its own <see cref="AwsClients"/> (its own SDK clients, connections
/// and retry state), and runs whole fleets of them. An agent whose start fails is restarted the way kubelet restarts
/// a crashed container: after 10 s, doubling, at most 5 min.
/// </summary>
internal sealed class FleetWorld(FleetOptions options, Uri kmsEndpoint, Uri s3Endpoint)
{
    private static readonly byte[] ManifestYaml = "version: 1\nfiles:\n  - name: fleet.json\n"u8.ToArray();
    private readonly Manifest manifest = ManifestParser.Parse(ManifestYaml, "fleet.yaml");

    public int ConfigsPerAgent => manifest.Files.Count;

    /// <summary>A new generation of <paramref name="name"/> through secret-agent-admin put, straight to moto.</summary>
    public async Task PublishAsync(string name)
    {
        var plain = Path.Combine(options.Dir, "plain-" + name);
        await File.WriteAllTextAsync(plain, $"{{\"value\": \"{Convert.ToBase64String(Guid.NewGuid().ToByteArray())}\"}}");
        var info = new ProcessStartInfo(options.Admin, ["put", name, plain]) { UseShellExecute = false, RedirectStandardOutput = true };
        info.Environment["AWS_ENDPOINT_URL"] = options.Moto;
        info.Environment["SECRET_AGENT_SOURCE"] = "s3://bench/fleet/";
        using var admin = Process.Start(info) ?? throw new InvalidOperationException("could not start secret-agent-admin");
        await admin.StandardOutput.ReadToEndAsync();
        await admin.WaitForExitAsync();
        File.Delete(plain);
        if (admin.ExitCode != 0)
        {
            throw new InvalidOperationException($"secret-agent-admin put {name} exited {admin.ExitCode}");
        }
    }

    /// <summary>A deploy: <paramref name="n"/> agents start at once; each is ready when its set is published.</summary>
    public async Task<PhaseResult> StartAsync(int n, ProxyProcess quota)
    {
        await quota.ResetAsync();
        var dirs = Dirs($"start-{n}", n);
        var clock = Stopwatch.StartNew();
        var restarts = 0;
        var bound = TimeSpan.FromSeconds((2.0 * n * ConfigsPerAgent / options.KmsRate) + 10);
        using var giveUp = new CancellationTokenSource(bound * 3);
        var ready = await Task.WhenAll(dirs.Select(async dir =>
        {
            var r = await StartOneAsync(dir, giveUp.Token);
            Interlocked.Add(ref restarts, r.Restarts);
            return r.Ready ? clock.Elapsed : (TimeSpan?)null;
        }));
        var counts = await quota.CountsAsync();
        Clean(dirs);
        return PhaseResult.From(n, ready, bound, restarts, counts);
    }

    /// <summary>A rotation: <paramref name="n"/> sidecars watching; one new generation; each is done when it swapped it in.</summary>
    public async Task<PhaseResult> RotateAsync(int n, ProxyProcess quota)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, n / 200.0));
        var dirs = Dirs($"rotate-{n}", n);
        using var stop = new CancellationTokenSource();
        var agents = dirs.Select(d => new Sidecar(this, d, interval)).ToList();
        using var starting = new CancellationTokenSource(TimeSpan.FromSeconds((3.0 * n / options.KmsRate) + 60));
        await Task.WhenAll(agents.Select(a => a.StartAsync(starting.Token)));
        var loops = agents.Select(a => a.WatchAsync(stop.Token)).ToList();
        await quota.ResetAsync();
        await PublishAsync("fleet.json");
        var clock = Stopwatch.StartNew();
        var bound = (interval * 1.1) + TimeSpan.FromSeconds((2.0 * n * ConfigsPerAgent / options.KmsRate) + 10);
        using var giveUp = new CancellationTokenSource(bound * 3);
        var ready = await Task.WhenAll(agents.Select(async a => await a.WaitForUpdateAsync(giveUp.Token) ? clock.Elapsed : (TimeSpan?)null));
        var counts = await quota.CountsAsync();
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        agents.ForEach(a => a.Dispose());
        Clean(dirs);
        return PhaseResult.From(n, ready, bound, 0, counts);
    }

    /// <summary>One agent process's life: deliver, or crash and be restarted after kubelet's backoff.</summary>
    public async Task<(bool Ready, int Restarts)> StartOneAsync(string dir, CancellationToken giveUp)
    {
        var backoff = TimeSpan.FromSeconds(10);
        for (var restarts = 0; ; restarts++)
        {
            try
            {
                using var clients = NewClients();
                using var target = SecretsTarget.Open(dir, allowDisk: false);
                await ConfigDelivery.DeliverAsync(Request(), Seams(clients, target), giveUp);
                return (true, restarts);
            }
            catch (SecretAgentException) when (!giveUp.IsCancellationRequested)
            {
                await Task.Delay(backoff, giveUp).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromMinutes(5).Ticks));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SecretAgentException)
            {
                return (false, restarts);
            }
        }
    }

    public AwsClients NewClients() => new(new AwsSettings
    {
        Region = "us-east-1",
        S3Endpoint = s3Endpoint,
        KmsEndpoint = kmsEndpoint,
        Credentials = new BasicAWSCredentials("bench", "bench"),
    });

    public DeliveryRequest Request() => new(
        manifest.Files,
        manifest.Sha256Hex,
        SourceUri.Parse("s3://bench/fleet/"),
        ["alias/bench"],
        GetRequest.DefaultMaxBytes,
        null,
        60);

    public static DeliverySeams Seams(AwsClients clients, ISecretsTarget target) => new(
        new S3ObjectReader(SourceUri.Parse("s3://bench/fleet/"), clients),
        new KmsKeyUnwrapper(clients),
        target,
        new AppLauncher(false, new SuperviseOptions(false)),
        TimeProvider.System,
        QuietLog.Instance,
        new Dictionary<string, string>());

    public List<string> Dirs(string phase, int n)
    {
        var dirs = Enumerable.Range(0, n).Select(i => Path.Combine(options.Dir, phase, $"agent-{i}")).ToList();
        dirs.ForEach(d => Directory.CreateDirectory(d));
        return dirs;
    }

    public static void Clean(IEnumerable<string> dirs)
    {
        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in dirs)
        {
            parents.Add(Path.GetDirectoryName(dir)!);
        }

        foreach (var parent in parents)
        {
            Directory.Delete(parent, recursive: true);
        }
    }
}

/// <summary>One sidecar: a ConfigWatcher over its own clients and target; tells when a newer generation went live.</summary>
internal sealed class Sidecar : IWatchObserver, IDisposable
{
    private readonly AwsClients clients;
    private readonly SecretsTarget target;
    private readonly ConfigWatcher watcher;
    private readonly TaskCompletionSource updated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long startGeneration = -1;

    public Sidecar(FleetWorld world, string dir, TimeSpan interval)
    {
        clients = world.NewClients();
        target = SecretsTarget.Open(dir, allowDisk: false);
        var request = new WatchRequest(world.Request(), interval, null, new Dictionary<string, long>());
        watcher = new ConfigWatcher(request, new WatchSeams(FleetWorld.Seams(clients, target), this, NoNotification.Instance));
    }

    public ConcurrentBag<int> Failures { get; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await watcher.StartAsync(cancellationToken);
                return;
            }
            catch (SecretAgentException) when (!cancellationToken.IsCancellationRequested)
            {
                Failures.Add(attempt);
                await Task.Delay(TimeSpan.FromSeconds(1 + Random.Shared.NextDouble()), cancellationToken);
            }
        }
    }

    public Task WatchAsync(CancellationToken cancellationToken) => Task.Run(() => watcher.WatchAsync(cancellationToken), CancellationToken.None);

    public async Task<bool> WaitForUpdateAsync(CancellationToken giveUp)
    {
        try
        {
            await updated.Task.WaitAsync(giveUp);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public bool Updated => updated.Task.IsCompleted;

    public void Polled(string config, PollOutcome outcome, ErrorKind? failure = null)
    {
    }

    public void Decrypted(string config)
    {
    }

    public void Applied(string config, long generation, string? versionId, DateTimeOffset at)
    {
        if (Interlocked.CompareExchange(ref startGeneration, generation, -1) != -1 && generation > Interlocked.Read(ref startGeneration))
        {
            updated.TrySetResult();
        }
    }

    public void RoundCompleted(DateTimeOffset at)
    {
    }

    public void Dispose()
    {
        watcher.Dispose();
        target.Dispose();
        clients.Dispose();
    }
}

/// <summary>Thousands of agents would drown the console; the figures are what matters.</summary>
internal sealed class QuietLog : ILog
{
    public static QuietLog Instance { get; } = new();

    public void Info(string message, params (string Key, object? Value)[] fields)
    {
    }

    public void Warn(string message, params (string Key, object? Value)[] fields)
    {
    }

    public void Fail(string message, params (string Key, object? Value)[] fields)
    {
    }
}
