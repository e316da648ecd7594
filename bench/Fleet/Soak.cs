using System.Diagnostics;

namespace SecretAgent.Bench.Fleet;

/// <summary>
/// A bounded soak: sidecars at a 1 s interval through a proxy that fails a share of all requests (500s and dropped
/// connections), a rotation half-way; the process's live heap (after a full GC), working set, descriptors and threads
/// sampled after a warm-up and at the end. Leaks show as growth; a stuck sidecar shows as a missed rotation.
/// </summary>
internal sealed class Soak(FleetWorld world, ProxyProcess faults, FleetOptions options)
{
    public async Task<Dictionary<string, object>> RunAsync()
    {
        var dirs = world.Dirs("soak", options.SoakAgents);
        var agents = dirs.Select(d => new Sidecar(world, d, TimeSpan.FromSeconds(1))).ToList();
        using var starting = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Task.WhenAll(agents.Select(a => a.StartAsync(starting.Token)));
        using var stop = new CancellationTokenSource();
        var loops = agents.Select(a => a.WatchAsync(stop.Token)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(5));
        var start = Sample();
        await faults.ResetAsync();
        await Task.Delay(TimeSpan.FromSeconds(options.SoakSeconds / 2.0));
        await world.PublishAsync("fleet.json");
        await Task.Delay(TimeSpan.FromSeconds(options.SoakSeconds / 2.0));
        var end = Sample();
        var counts = await faults.CountsAsync();
        var updated = agents.Count(a => a.Updated);
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        agents.ForEach(a => a.Dispose());
        FleetWorld.Clean(dirs);
        return new Dictionary<string, object>
        {
            ["agents"] = agents.Count,
            ["seconds"] = options.SoakSeconds,
            ["fault_rate"] = options.FaultRate,
            ["faults"] = counts.Faults,
            ["requests"] = counts.S3 + counts.Kms,
            ["updated"] = updated,
            ["heap_mib_start"] = start.HeapMiB,
            ["heap_mib_end"] = end.HeapMiB,
            ["ws_mib_start"] = start.WorkingSetMiB,
            ["ws_mib_end"] = end.WorkingSetMiB,
            ["fds_start"] = start.Fds,
            ["fds_end"] = end.Fds,
            ["threads_start"] = start.Threads,
            ["threads_end"] = end.Threads,
        };
    }

    private static (double HeapMiB, double WorkingSetMiB, int Fds, int Threads) Sample()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(true) / 1048576.0, Environment.WorkingSet / 1048576.0, Directory.GetFiles("/proc/self/fd").Length, self.Threads.Count);
    }
}
