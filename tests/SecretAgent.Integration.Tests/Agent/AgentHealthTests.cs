using SecretAgent.Core.Status;
using SecretAgent.Core.Watch;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// <c>secret-agent health</c> through the real binary, as an exec-form probe runs it: the set after a fetch, a file
/// gone, a stale status under --max-stale, no target. One line, exit 0 or 1.
/// </summary>
public sealed class AgentHealthTests : IDisposable
{
    private const string Sentinel = "CANARY-health-71fe";
    private readonly LocalWorld world = new();

    public void Dispose() => world.Dispose();

    [Fact]
    public async Task Health_AfterFetch_IsHealthy()
    {
        await FetchAsync();

        var result = world.Agent("health");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"ok: 2 files in {world.Target}\n", result.Stdout);
        Assert.DoesNotContain(Sentinel, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_WhenAFileIsRemoved_IsUnhealthyNamingIt()
    {
        await FetchAsync();
        File.Delete(Path.Combine(world.Target, "tls.key"));

        var result = world.Agent("health");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"secret-agent: unhealthy: target {world.Target} is incomplete: tls.key is missing\n", result.Stderr);
    }

    [Fact]
    public void Health_WhenTheTargetIsMissing_IsUnhealthy()
    {
        var missing = Path.Combine(world.Root, "no-such-target");

        var result = world.Agent("health", "--dir", missing);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"target {missing} does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Health_WhenNothingWasDelivered_IsUnhealthy()
    {
        var result = world.Agent("health");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("holds no delivered set", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_WithAStaleStatusFile_IsUnhealthyOnlyUnderMaxStale()
    {
        await FetchAsync();
        WriteStatus(lastSuccess: DateTimeOffset.UtcNow.AddHours(-1), complete: true);

        var unbounded = world.Agent("health");
        var bounded = world.Agent("health", "--max-stale", "5m");
        var byVariable = world.Agent(new Dictionary<string, string?> { ["SECRET_AGENT_MAX_STALE"] = "300" }, "health");

        Assert.True(unbounded.ExitCode == 0, unbounded.ToString());
        Assert.Equal(1, bounded.ExitCode);
        Assert.Contains("config 'db.json' stale: last success 3", bounded.Stderr, StringComparison.Ordinal);
        Assert.Contains("over --max-stale 300 s", bounded.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, byVariable.ExitCode);
    }

    [Fact]
    public async Task Health_WithAFreshStatusFile_IsHealthyUnderMaxStale()
    {
        await FetchAsync();
        WriteStatus(lastSuccess: DateTimeOffset.UtcNow, complete: true);

        var result = world.Agent("health", "--max-stale", "5m");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("status written", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_WhenTheWatcherHasNotServedARequiredConfig_IsUnhealthy()
    {
        await FetchAsync();
        WriteStatus(lastSuccess: DateTimeOffset.UtcNow, complete: false);

        var result = world.Agent("health");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("set incomplete: config 'tls.key' not delivered yet", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_WhenTheStatusFileIsNotOurs_IsUnhealthyInOneLine()
    {
        await FetchAsync();
        File.WriteAllText(Path.Combine(world.Target, StatusDocument.FileName), "{not json");

        var result = world.Agent("health");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not a secret-agent status file", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("5x")]
    [InlineData("721h")]
    public void Health_WithABadMaxStale_IsAUsageError(string value)
    {
        var result = world.Agent("health", "--max-stale", value);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--max-stale must be", result.Stderr, StringComparison.Ordinal);
    }

    private async Task FetchAsync()
    {
        await world.PublishAsync("db.json", Sentinel);
        await world.PublishAsync("tls.key", Sentinel + "-key");
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n  - name: tls.key\n");
        var fetch = world.Agent("fetch");
        Assert.True(fetch.ExitCode == 0, fetch.ToString());
    }

    // What a watcher would have written, through the same observer and document code.
    private void WriteStatus(DateTimeOffset lastSuccess, bool complete)
    {
        var status = new WatchStatus([new TrackedConfig("db.json", true), new TrackedConfig("tls.key", true)], new FixedClock(lastSuccess));
        status.Applied("db.json", 1, "v1", lastSuccess);
        if (complete)
        {
            status.Applied("tls.key", 1, "v1", lastSuccess);
        }

        status.Polled("db.json", PollOutcome.Unchanged);
        File.WriteAllBytes(Path.Combine(world.Target, StatusDocument.FileName), StatusDocument.Write(status.Snapshot()));
    }
}
