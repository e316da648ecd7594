using System.Text;
using System.Text.Json;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Status;
using SecretAgent.Core.Watch;

namespace SecretAgent.Core.Tests.Status;

/// <summary>Events in, status JSON out: counts, what is served, staleness against the clock, completeness.</summary>
[Trait("Category", "Unit")]
public sealed class WatchStatusTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualClock clock = new(Start);
    private readonly RecordingSink sink = new();

    [Fact]
    public void RoundCompleted_WritesCountsAndServedGenerationPerConfig()
    {
        var status = New();
        status.Decrypted("db.json");
        status.Applied("db.json", 3, "v3", Start);
        status.Polled("db.json", PollOutcome.Unchanged);
        status.Polled("db.json", PollOutcome.Unchanged);
        status.Polled("db.json", PollOutcome.Failed, ErrorKind.Unavailable);

        status.RoundCompleted(Start);

        using var json = JsonDocument.Parse(Assert.Single(sink.Writes));
        var db = Config(json, "db.json");
        Assert.Equal(3, db.GetProperty("generation").GetInt64());
        Assert.Equal("v3", db.GetProperty("versionId").GetString());
        Assert.Equal(2, db.GetProperty("polls").GetProperty("unchanged").GetInt64());
        Assert.Equal(1, db.GetProperty("polls").GetProperty("failed").GetInt64());
        Assert.Equal(1, db.GetProperty("errors").GetProperty("unavailable").GetInt64());
        Assert.Equal("failed", db.GetProperty("lastOutcome").GetString());
        Assert.Equal("unavailable", db.GetProperty("lastError").GetString());
        Assert.Equal(1, db.GetProperty("decrypts").GetInt64());
        Assert.Equal(1, db.GetProperty("changesApplied").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("rounds").GetInt64());
    }

    [Fact]
    public void Staleness_RunsFromTheLastSuccess_AndFailuresDoNotReset()
    {
        var status = New();
        status.Applied("db.json", 1, "v1", Start);
        clock.Advance(TimeSpan.FromSeconds(30));
        status.Polled("db.json", PollOutcome.Unchanged);
        clock.Advance(TimeSpan.FromSeconds(45));
        status.Polled("db.json", PollOutcome.Failed, ErrorKind.Unavailable);
        status.Polled("db.json", PollOutcome.Refused, ErrorKind.Integrity);

        var db = status.Snapshot().Configs.Single(c => c.Name == "db.json");

        Assert.Equal(TimeSpan.FromSeconds(45), db.Staleness);
        Assert.Equal(Start.AddSeconds(30), db.LastSuccess);
    }

    [Fact]
    public void Staleness_BeforeAnySuccess_RunsFromTheStart()
    {
        var status = New();
        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.All(status.Snapshot().Configs, c => Assert.Equal(TimeSpan.FromMinutes(2), c.Staleness));
    }

    [Fact]
    public void Complete_OnlyWhenEveryRequiredConfigIsServed()
    {
        var status = New();
        status.Applied("db.json", 1, "v1", Start);
        Assert.True(status.Snapshot().Complete);

        var incomplete = New(new TrackedConfig("tls.key", Required: true));
        incomplete.Applied("db.json", 1, "v1", Start);
        Assert.False(incomplete.Snapshot().Complete);
    }

    [Fact]
    public void OptionalConfigAbsentAndNeverServed_IsCurrent_ButADeletedServedOneGoesStale()
    {
        var status = New();
        status.Applied("db.json", 1, "v1", Start);
        clock.Advance(TimeSpan.FromSeconds(10));
        status.Polled("extra.json", PollOutcome.Missing);
        status.Polled("db.json", PollOutcome.Missing);

        var snapshot = status.Snapshot();

        Assert.Equal(TimeSpan.Zero, snapshot.Configs.Single(c => c.Name == "extra.json").Staleness);
        Assert.Equal(TimeSpan.FromSeconds(10), snapshot.Configs.Single(c => c.Name == "db.json").Staleness);
    }

    [Fact]
    public void RoundCompleted_WhenTheSinkFails_LogsAndDoesNotThrow()
    {
        var log = new RecordingLog();
        var status = new WatchStatus([new TrackedConfig("db.json", true)], clock, new RecordingSink(fail: true), log);

        status.RoundCompleted(Start);

        Assert.Contains(log.Events, e => e.Level == "warning" && e.Message.Contains("status file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_FromManyThreads_AreAllCounted()
    {
        var status = New();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                status.Polled("db.json", PollOutcome.Unchanged);
                status.Decrypted("db.json");
            }
        })));

        var db = status.Snapshot().Configs.Single(c => c.Name == "db.json");
        Assert.Equal(8000, db.Polls[PollOutcome.Unchanged]);
        Assert.Equal(8000, db.Decrypts);
    }

    [Fact]
    public void StatusFile_RoundTripsThroughTheReader_AndHoldsNoValue()
    {
        var status = New();
        status.Applied("db.json", 7, "v7", Start);
        status.RoundCompleted(Start);
        var bytes = Assert.Single(sink.Writes);

        var read = StatusDocument.Read(bytes, "status");

        Assert.True(read.Complete);
        Assert.Equal(Start, read.StartedAt);
        var db = read.Configs.Single(c => c.Name == "db.json");
        Assert.Equal(7, db.Generation);
        Assert.Equal(Start, db.LastSuccess);
        Assert.DoesNotContain("password", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void StatusFile_WhenNotOurs_IsOneIntegrityError()
    {
        var error = Assert.Throws<SecretAgentException>(() => StatusDocument.Read("{\"version\":1}"u8.ToArray(), "/run/secrets/..status.json"));

        Assert.Equal(ErrorKind.Integrity, error.Kind);
        Assert.Contains("/run/secrets/..status.json", error.Message, StringComparison.Ordinal);
    }

    private static JsonElement Config(JsonDocument json, string name) =>
        json.RootElement.GetProperty("configs").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private WatchStatus New(params TrackedConfig[] more) =>
        new([new TrackedConfig("db.json", true), new TrackedConfig("extra.json", false), .. more], clock, sink);
}
