using System.Collections.Concurrent;
using System.Text;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Notify;
using SecretAgent.Core.Processes;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;
using SecretAgent.Core.Watch;
using SecretAgent.Publishing;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Tests.Watch;

/// <summary>The watch loop over fakes: each round's promises seen through the seams (rounds driven by the test).</summary>
[Trait("Category", "Unit")]
public sealed class ConfigWatcherTests : IDisposable
{
    private static readonly SourceUri Source = SourceUri.Parse("s3://configs-bucket/app/");

    private readonly FakeKeyService kms = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private readonly InMemoryObjectReader reader = new(Source);
    private readonly RecordingKeyUnwrapper keys;
    private readonly FakeSecretsTarget target = new();
    private readonly RecordingLog log = new();
    private readonly RecordingObserver observer = new();
    private readonly CountingNotifier notifier = new();
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private ConfigWatcher? watcher;

    public ConfigWatcherTests() => keys = new RecordingKeyUnwrapper(kms);

    public void Dispose()
    {
        watcher?.Dispose();
        target.Dispose();
    }

    [Fact]
    public async Task Start_delivers_every_config_in_one_publish_and_reports_it_applied()
    {
        await PutAsync("a.yaml", "alpha", 1);
        await PutAsync("b.yaml", "beta", 1);

        await StartAsync(File("a.yaml"), File("b.yaml"));

        Assert.Equal(1, target.Publishes);
        Assert.Equal("alpha", Text("a.yaml"));
        Assert.Equal(["a.yaml", "b.yaml"], observer.Applied.Select(a => a.Config));
        Assert.Equal(0, notifier.Count);
    }

    [Fact]
    public async Task Unchanged_poll_makes_no_unwrap_call_no_publish_and_no_notification()
    {
        await PutAsync("a.yaml", "alpha", 1);
        await StartAsync(File("a.yaml"));
        var unwrapsAtStart = keys.HandedOut.Count;

        await watcher!.PollRoundAsync(default);
        await watcher.PollRoundAsync(default);

        Assert.Equal(unwrapsAtStart, keys.HandedOut.Count);
        Assert.Equal(2, reader.NotModifiedAnswers);
        Assert.Equal(1, target.Publishes);
        Assert.Equal(0, notifier.Count);
        Assert.Equal([PollOutcome.Unchanged, PollOutcome.Unchanged], observer.Outcomes("a.yaml"));
        Assert.Equal(2, observer.Rounds);
    }

    [Fact]
    public async Task Changes_of_one_round_are_swapped_in_with_one_publish_and_one_notification()
    {
        await PutAsync("a.yaml", "alpha", 1);
        await PutAsync("b.yaml", "beta", 1);
        await PutAsync("c.yaml", "gamma", 1);
        await StartAsync(File("a.yaml"), File("b.yaml"), File("c.yaml"));

        await PutAsync("a.yaml", "alpha-2", 2);
        await PutAsync("b.yaml", "beta-2", 2);
        await watcher!.PollRoundAsync(default);

        Assert.Equal(2, target.Publishes);
        Assert.Equal(1, notifier.Count);
        Assert.Equal(("alpha-2", "beta-2", "gamma"), (Text("a.yaml"), Text("b.yaml"), Text("c.yaml")));
        Assert.Equal(PollOutcome.Changed, observer.Outcomes("a.yaml").Single());
        Assert.Equal(PollOutcome.Unchanged, observer.Outcomes("c.yaml").Single());
        Assert.Contains(observer.Applied, a => a is { Config: "b.yaml", Generation: 2 });
    }

    [Fact]
    public async Task A_lower_generation_is_refused_and_its_etag_remembered_so_it_is_not_decrypted_again()
    {
        await PutAsync("a.yaml", "alpha-5", 5);
        await StartAsync(File("a.yaml"));
        var unwrapsAtStart = keys.HandedOut.Count;

        await PutAsync("a.yaml", "alpha-old", 4);
        await watcher!.PollRoundAsync(default);
        await watcher.PollRoundAsync(default);

        Assert.Equal("alpha-5", Text("a.yaml"));
        Assert.Equal(1, target.Publishes);
        Assert.Equal(unwrapsAtStart, keys.HandedOut.Count);
        Assert.Equal([PollOutcome.Refused, PollOutcome.Refused], observer.Outcomes("a.yaml"));
        Assert.Single(log.Events, e => e.Message.StartsWith("new version refused", StringComparison.Ordinal));

        await PutAsync("a.yaml", "alpha-6", 6);
        await watcher.PollRoundAsync(default);
        Assert.Equal("alpha-6", Text("a.yaml"));
    }

    [Fact]
    public async Task Floor_from_the_deployment_refuses_a_generation_below_it_at_start()
    {
        await PutAsync("a.yaml", "alpha-3", 3);

        var failure = await Assert.ThrowsAsync<SecretAgentException>(() => StartAsync(new Dictionary<string, long> { ["a.yaml"] = 4 }, File("a.yaml")));

        Assert.Equal(ErrorKind.Integrity, failure.Kind);
        Assert.Equal(0, target.Publishes);
    }

    [Fact]
    public async Task Same_content_under_a_new_version_is_no_swap_and_no_notification()
    {
        await PutAsync("a.yaml", "alpha", 1);
        await StartAsync(File("a.yaml"));

        await PutAsync("a.yaml", "alpha", 2);
        await watcher!.PollRoundAsync(default);

        Assert.Equal(1, target.Publishes);
        Assert.Equal(0, notifier.Count);
        Assert.Equal(PollOutcome.SameContent, observer.Outcomes("a.yaml").Single());
        Assert.Contains(observer.Applied, a => a is { Config: "a.yaml", Generation: 2 });

        await watcher.PollRoundAsync(default);
        Assert.Equal(PollOutcome.Unchanged, observer.Outcomes("a.yaml").Last());
    }

    [Fact]
    public async Task A_failing_config_keeps_its_file_backs_off_alone_and_does_not_hold_back_the_others()
    {
        await PutAsync("a.yaml", "alpha", 1);
        await PutAsync("b.yaml", "beta", 1);
        await StartAsync(File("a.yaml"), File("b.yaml"));
        reader.BeforeGet = (key, _) => key.EndsWith("a.yaml", StringComparison.Ordinal)
            ? throw new SecretAgentException(ErrorKind.Unavailable, "S3 down")
            : Task.CompletedTask;

        await PutAsync("b.yaml", "beta-2", 2);
        await watcher!.PollRoundAsync(default);
        var getsAfterFailure = reader.Gets;
        await watcher.PollRoundAsync(default);

        Assert.Equal(("alpha", "beta-2"), (Text("a.yaml"), Text("b.yaml")));
        Assert.Equal([PollOutcome.Failed], observer.Outcomes("a.yaml"));
        Assert.Equal(ErrorKind.Unavailable, observer.Failures.Single());
        Assert.Equal(getsAfterFailure + 1, reader.Gets); // only b.yaml: a.yaml is backing off

        reader.BeforeGet = null;
        clock.Advance(watcher.Interval * 2);
        await watcher.PollRoundAsync(default);
        Assert.Equal(PollOutcome.Unchanged, observer.Outcomes("a.yaml").Last());
    }

    [Fact]
    public async Task A_deleted_object_keeps_its_last_good_file_and_an_optional_one_that_appears_is_delivered()
    {
        await PutAsync("a.yaml", "alpha", 1);
        await StartAsync(File("a.yaml"), File("extra.yaml", optional: true));

        reader.Remove("a.yaml");
        await PutAsync("extra.yaml", "extra", 1);
        await watcher!.PollRoundAsync(default);

        Assert.Equal(("alpha", "extra"), (Text("a.yaml"), Text("extra.yaml")));
        Assert.Equal(PollOutcome.Missing, observer.Outcomes("a.yaml").Single());
        Assert.Equal(PollOutcome.Changed, observer.Outcomes("extra.yaml").Single());
    }

    [Fact]
    public async Task Adopted_set_is_served_without_a_fetch_and_its_generation_is_the_floor()
    {
        await PutAsync("a.yaml", "alpha-7", 7);
        var entry = new ReceiptEntry("a.yaml", "a.yaml", Source.ObjectKey("a.yaml"), "v7", "\"etag-live\"", 7, "V3", FakeKeyService.DefaultKeyId, "00", 5, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        var adopted = new AdoptedSet([entry], new Dictionary<string, byte[]> { ["a.yaml"] = Encoding.UTF8.GetBytes("alpha-7") });
        reader.BeforeGet = (_, _) => throw new SecretAgentException(ErrorKind.Unavailable, "S3 down");

        await StartAsync(adopted, new Dictionary<string, long>(), [File("a.yaml")]);
        await watcher!.PollRoundAsync(default);

        Assert.Equal(0, target.Publishes);
        Assert.Equal(7, observer.Applied.Single().Generation);
        Assert.Equal(PollOutcome.Failed, observer.Outcomes("a.yaml").Single());

        reader.BeforeGet = null;
        await PutAsync("a.yaml", "alpha-6", 6);
        clock.Advance(TimeSpan.FromMinutes(5));
        await watcher.PollRoundAsync(default);
        Assert.Equal(PollOutcome.Refused, observer.Outcomes("a.yaml").Last());
        Assert.Equal(0, target.Publishes);
    }

    [Fact]
    public async Task Past_max_stale_the_round_throws_unavailable_and_the_set_stays()
    {
        await PutAsync("a.yaml", "alpha", 1);
        await StartAsync(File("a.yaml"));
        reader.BeforeGet = (_, _) => throw new SecretAgentException(ErrorKind.Unavailable, "S3 down");

        await watcher!.PollRoundAsync(default);
        clock.Advance(TimeSpan.FromMinutes(3));
        var failure = await Assert.ThrowsAsync<SecretAgentException>(() => watcher.PollRoundAsync(default));

        Assert.Equal(ErrorKind.Unavailable, failure.Kind);
        Assert.Equal("a.yaml", failure.Config);
        Assert.Equal("alpha", Text("a.yaml"));
    }

    [Fact]
    public async Task Replaced_plaintext_is_zeroed_and_dispose_zeroes_the_live_set()
    {
        var plaintext = new RecordingPlaintext();
        await PutAsync("a.yaml", "alpha", 1);
        await StartAsync(File("a.yaml"), allocate: plaintext.Allocate);
        await PutAsync("a.yaml", "alpha-2", 2);
        await watcher!.PollRoundAsync(default);

        Assert.True(plaintext.Buffers[0].All(b => b == 0), "the replaced version was not zeroed");
        Assert.False(plaintext.Buffers[1].All(b => b == 0), "the live version was zeroed while live");
        watcher.Dispose();
        watcher = null;
        Assert.All(plaintext.Buffers, b => Assert.True(b.All(x => x == 0), "a buffer was not zeroed at stop"));
    }

    [Fact]
    public void Interval_is_jittered_within_ten_percent_from_the_random_seam()
    {
        Assert.Equal(TimeSpan.FromSeconds(27), NewWatcher(0.0).Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), NewWatcher(0.5).Interval);
        Assert.Equal(TimeSpan.FromSeconds(31.5), NewWatcher(0.75).Interval);
    }

    [Fact]
    public async Task Refresh_wakes_the_wait_before_the_interval_passes()
    {
        await PutAsync("a.yaml", "alpha", 1);
        await StartAsync(File("a.yaml"));
        using var stop = new CancellationTokenSource();
        var watching = watcher!.WatchAsync(stop.Token);

        watcher.RequestRefresh();
        await observer.WaitForRoundsAsync(1).WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await watching.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(PollOutcome.Unchanged, observer.Outcomes("a.yaml").First());
    }

    [Fact]
    public async Task After_a_rotation_to_a_new_key_the_key_that_last_worked_is_tried_first()
    {
        const string NewKey = "arn:aws:kms:us-east-1:111122223333:key/new-key";
        string[] allowed = [FakeKeyService.DefaultKeyId, NewKey];
        await PutAsync("a.yaml", "alpha-1", 1);
        watcher = new ConfigWatcher(new WatchRequest(Request([File("a.yaml")]) with { AllowedKeyIds = allowed }, TimeSpan.FromSeconds(30), null, new Dictionary<string, long>()), Seams(null, 0.5));
        await watcher.StartAsync(default);
        Assert.Equal(1, kms.DecryptCalls);

        // The rotation: the old key, first in the list, is refused once, then the new one works.
        await PutAsync("a.yaml", "alpha-2", 2, NewKey);
        await watcher.PollRoundAsync(default);
        Assert.Equal(3, kms.DecryptCalls);

        // From then on the new key is tried first: one Decrypt per change, not two.
        await PutAsync("a.yaml", "alpha-3", 3, NewKey);
        await watcher.PollRoundAsync(default);
        Assert.Equal(4, kms.DecryptCalls);
        Assert.Equal("alpha-3", Text("a.yaml"));
    }

    [Fact]
    public void Last_worked_first_moves_only_a_listed_key_to_the_front_and_keeps_the_rest_in_order()
    {
        string[] allowed = ["a", "b", "c"];
        Assert.Equal(["c", "a", "b"], KeyAttempts.LastWorkedFirst(allowed, "c"));
        Assert.Same(allowed, KeyAttempts.LastWorkedFirst(allowed, "a"));
        Assert.Same(allowed, KeyAttempts.LastWorkedFirst(allowed, null));
        Assert.Same(allowed, KeyAttempts.LastWorkedFirst(allowed, "removed-from-the-list"));
    }

    private ConfigWatcher NewWatcher(double random) =>
        new(new WatchRequest(Request([]), TimeSpan.FromSeconds(30), null, new Dictionary<string, long>()), Seams(null, random));

    private Task StartAsync(params ManifestFile[] files) => StartAsync(new Dictionary<string, long>(), files);

    private Task StartAsync(IReadOnlyDictionary<string, long> floors, params ManifestFile[] files) => StartAsync(null, floors, files);

    private Task StartAsync(ManifestFile file, PlaintextAllocator allocate) => StartAsync(null, new Dictionary<string, long>(), [file], allocate);

    private async Task StartAsync(AdoptedSet? adopted, IReadOnlyDictionary<string, long> floors, ManifestFile[] files, PlaintextAllocator? allocate = null)
    {
        var seams = Seams(adopted, 0.5);
        if (allocate is not null)
        {
            seams = seams with { Delivery = seams.Delivery with { PlaintextAllocator = allocate } };
        }

        watcher = new ConfigWatcher(new WatchRequest(Request(files), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), floors), seams);
        await watcher.StartAsync(default);
    }

    private WatchSeams Seams(AdoptedSet? adopted, double random) =>
        new(new DeliverySeams(reader, keys, target, new FakeAppLauncher(), clock, log, new Dictionary<string, string>()), observer, notifier)
        {
            Adopted = adopted,
            Random = () => random,
        };

    private static ManifestFile File(string name, bool optional = false) =>
        new(ConfigName.Parse(name), RelativePath.Parse(name, "path"), FilePermissions.FromBits(0b110_100_000), optional, false, null, 1, 1);

    private static DeliveryRequest Request(ManifestFile[] files) =>
        new(files, "sha", Source, [FakeKeyService.DefaultKeyId], GetRequest.DefaultMaxBytes, null, 30);

    private string Text(string path) => Encoding.UTF8.GetString(target.Current[path]);

    private async Task PutAsync(string name, string content, long generation, string keyId = FakeKeyService.DefaultKeyId)
    {
        var context = EncryptionContext.ForConfig(name, Source.Scope, generation);
        var sealedObject = await EnvelopeWriter.SealAsync(Encoding.UTF8.GetBytes(content), context, keyId, EnvelopeFormat.V3, kms, default);
        reader.Put(name, sealedObject.Body, sealedObject.Metadata);
    }

    private sealed class RecordingObserver : IWatchObserver
    {
        private readonly ConcurrentQueue<(string Config, PollOutcome Outcome)> polls = new();
        private readonly ConcurrentQueue<TaskCompletionSource> roundWaiters = new();
        private int rounds;

        public ConcurrentQueue<(string Config, long Generation)> Applied { get; } = new();

        public ConcurrentQueue<ErrorKind> Failures { get; } = new();

        public int Rounds => rounds;

        public List<PollOutcome> Outcomes(string config) => polls.Where(p => p.Config == config).Select(p => p.Outcome).ToList();

        public Task WaitForRoundsAsync(int count)
        {
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            roundWaiters.Enqueue(waiter);
            if (Volatile.Read(ref rounds) >= count)
            {
                waiter.TrySetResult();
            }

            return waiter.Task;
        }

        public void Polled(string config, PollOutcome outcome, ErrorKind? failure = null)
        {
            polls.Enqueue((config, outcome));
            if (failure is { } kind && outcome == PollOutcome.Failed)
            {
                Failures.Enqueue(kind);
            }
        }

        public void Decrypted(string config)
        {
        }

        void IWatchObserver.Applied(string config, long generation, string? versionId, DateTimeOffset at) => Applied.Enqueue((config, generation));

        public void RoundCompleted(DateTimeOffset at)
        {
            Interlocked.Increment(ref rounds);
            foreach (var waiter in roundWaiters)
            {
                waiter.TrySetResult();
            }
        }
    }

    private sealed class CountingNotifier : IChangeNotifier
    {
        private int count;

        public int Count => count;

        public Task NotifyAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref count);
            return Task.CompletedTask;
        }
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
