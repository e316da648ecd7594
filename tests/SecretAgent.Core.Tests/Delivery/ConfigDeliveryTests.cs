using System.Text;
using System.Text.Json;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Processes;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;
using SecretAgent.Publishing;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Tests.Delivery;

/// <summary>The delivery use case over fakes: what it promises, seen through the seams.</summary>
[Trait("Category", "Unit")]
public sealed class ConfigDeliveryTests : IDisposable
{
    private static readonly SourceUri Source = SourceUri.Parse("s3://configs-bucket/app/");
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeKeyService kms = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private readonly InMemoryObjectReader reader = new(Source);
    private readonly RecordingKeyUnwrapper keys;
    private readonly FakeSecretsTarget target = new();
    private readonly RecordingLog log = new();
    private readonly FakeAppLauncher launcher = new();
    private readonly RecordingPlaintext plaintext = new();

    public ConfigDeliveryTests() => keys = new RecordingKeyUnwrapper(kms);

    public void Dispose() => target.Dispose();

    [Fact]
    public async Task Delivers_every_config_and_the_receipt_in_one_publish()
    {
        await PutAsync("app.yaml", "db: prod");
        await PutAsync("app.env", "TOKEN=abc");

        var result = await ConfigDelivery.DeliverAsync(Request(File("app.yaml"), File("app.env", env: true)), Seams(), default);

        Assert.Equal(2, result.Count);
        Assert.Equal(1, target.Publishes);
        Assert.Equal(["app.yaml", "app.env", Receipt.RelativePath], target.Current.Keys);
        Assert.Equal("db: prod", Encoding.UTF8.GetString(target.Current["app.yaml"]));
        Assert.Equal(new KeyValuePair<string, string>("TOKEN", "abc"), Assert.Single(result.Environment));
    }

    [Fact]
    public async Task Optional_config_that_is_missing_is_skipped_with_a_warning()
    {
        await PutAsync("app.yaml", "db: prod");

        var result = await ConfigDelivery.DeliverAsync(Request(File("app.yaml"), File("extra.yaml", optional: true)), Seams(), default);

        Assert.Equal(1, result.Count);
        Assert.Equal(["app.yaml", Receipt.RelativePath], target.Current.Keys);
        Assert.Contains(log.Events, e => e.Level == "warning" && e.Message == "optional config not found; skipped");
    }

    [Fact]
    public async Task First_failure_cancels_the_rest_and_nothing_is_published()
    {
        await PutAsync("slow.yaml", "slow");
        var slowCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.BeforeGet = async (key, ct) =>
        {
            if (key.EndsWith("slow.yaml", StringComparison.Ordinal))
            {
                using var registration = ct.Register(slowCancelled.SetResult);
                await Task.Delay(Timeout.Infinite, ct);
            }
        };

        var failure = await Assert.ThrowsAsync<SecretAgentException>(() =>
            ConfigDelivery.DeliverAsync(Request(File("slow.yaml"), File("missing.yaml")), Seams(), default));

        Assert.Equal(ErrorKind.NotFound, failure.Kind);
        Assert.Equal("missing.yaml", failure.Config);
        Assert.True(slowCancelled.Task.IsCompleted);
        Assert.Equal(0, target.Publishes);
        Assert.Empty(target.Handed);
    }

    [Fact]
    public async Task Every_plaintext_and_data_key_is_zeroed_after_success()
    {
        await PutAsync("a.yaml", "secret-a");
        await PutAsync("b.yaml", "secret-b");

        await ConfigDelivery.DeliverAsync(Request(File("a.yaml"), File("b.yaml")), Seams(), default);

        Assert.Equal("secret-a", Encoding.UTF8.GetString(target.Current["a.yaml"]));
        AssertPlaintextZeroed(expectedFiles: 2);
        AssertDataKeysZeroed(expected: 2);
    }

    [Fact]
    public async Task Every_plaintext_and_data_key_is_zeroed_when_publishing_fails()
    {
        await PutAsync("a.yaml", "secret-a");
        await PutAsync("b.yaml", "secret-b");
        target.PublishFailure = new SecretAgentException(ErrorKind.Target, "target went away");

        await Assert.ThrowsAsync<SecretAgentException>(() => ConfigDelivery.DeliverAsync(Request(File("a.yaml"), File("b.yaml")), Seams(), default));

        AssertPlaintextZeroed(expectedFiles: 2);
        AssertDataKeysZeroed(expected: 2);
    }

    [Fact]
    public async Task Plaintext_and_data_keys_are_zeroed_when_a_later_config_fails()
    {
        await PutAsync("a.yaml", "secret-a");
        await PutAsync("b.yaml", "secret-b");
        var firstUnwrapped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.BeforeGet = async (key, ct) =>
        {
            // b.yaml fails only once a.yaml has been decrypted: a decrypted config must be zeroed on the failure.
            if (key.EndsWith("b.yaml", StringComparison.Ordinal))
            {
                await firstUnwrapped.Task.WaitAsync(ct);
                throw new SecretAgentException(ErrorKind.AccessDenied, "access denied to b.yaml");
            }
        };
        var seams = Seams() with { Keys = new AfterDecrypt(keys, firstUnwrapped) };

        await Assert.ThrowsAsync<SecretAgentException>(() => ConfigDelivery.DeliverAsync(Request(File("a.yaml"), File("b.yaml")), seams, default));

        AssertDataKeysZeroed(expected: 1);
        AssertDecryptedBuffersZeroed(expected: 1);
        Assert.Equal(0, target.Publishes);
    }

    [Fact]
    public async Task Cancellation_before_publish_leaves_the_old_set_and_zeroes_plaintext_and_keys()
    {
        await PutAsync("a.yaml", "new-secret");
        target.Publish([new MaterializedFile(RelativePath.Parse("a.yaml", "path"), "old"u8.ToArray(), FilePermissions.FromBits(0b100_000_000))], null);
        using var cancellation = new CancellationTokenSource();
        keys.BeforeDecrypt = async _ => await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ConfigDelivery.DeliverAsync(Request(File("a.yaml")), Seams(), cancellation.Token));

        Assert.Equal(1, target.Publishes);
        Assert.Equal("old", Encoding.UTF8.GetString(target.Current["a.yaml"]));
        AssertDataKeysZeroed(expected: 1);
        Assert.All(plaintext.Buffers, b => Assert.True(b.AsSpan().IndexOfAnyExcept((byte)0) < 0, "a decrypted buffer was not zeroed"));
    }

    [Fact]
    public async Task Passed_deadline_is_a_one_line_unavailable_error()
    {
        await PutAsync("a.yaml", "secret-a");
        reader.BeforeGet = (_, ct) => Task.Delay(Timeout.Infinite, ct);
        var seams = Seams() with { Clock = new FixedClock(Now, timersFireAtOnce: true) };

        var failure = await Assert.ThrowsAsync<SecretAgentException>(() => ConfigDelivery.DeliverAsync(Request(File("a.yaml")), seams, default));

        Assert.Equal(ErrorKind.Unavailable, failure.Kind);
        Assert.Equal("deadline of 30s passed while fetching configs (S3 or KMS slow or unreachable); nothing was written", failure.Message);
        Assert.Equal(0, target.Publishes);
    }

    [Fact]
    public async Task Passed_deadline_takes_the_adapters_explanation_when_it_has_one()
    {
        await PutAsync("a.yaml", "secret-a");
        reader.BeforeGet = (_, ct) => Task.Delay(Timeout.Infinite, ct);
        var pending = new SecretAgentException(ErrorKind.NoCredentials, "credentials still pending");
        var seams = Seams() with { Clock = new FixedClock(Now, timersFireAtOnce: true), DeadlineExplanation = () => pending };

        var failure = await Assert.ThrowsAsync<SecretAgentException>(() => ConfigDelivery.DeliverAsync(Request(File("a.yaml")), seams, default));

        Assert.Same(pending, failure);
    }

    [Fact]
    public async Task Json_log_has_one_object_per_event_and_no_value()
    {
        await PutAsync("a.yaml", "secret-value-canary");
        using var output = new StringWriter();
        var seams = Seams() with { Log = new StderrLog("secret-agent", json: true, output) };

        await ConfigDelivery.DeliverAsync(Request(File("a.yaml")), seams, default);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain("secret-value-canary", output.ToString(), StringComparison.Ordinal);
        using var delivered = JsonDocument.Parse(lines[0]);
        Assert.Equal("info", delivered.RootElement.GetProperty("level").GetString());
        Assert.Equal("secret-agent", delivered.RootElement.GetProperty("program").GetString());
        Assert.Equal("delivered", delivered.RootElement.GetProperty("msg").GetString());
        Assert.Equal("a.yaml", delivered.RootElement.GetProperty("config").GetString());
        Assert.Equal(1, delivered.RootElement.GetProperty("generation").GetInt64());
        using var written = JsonDocument.Parse(lines[1]);
        Assert.Equal("configs written", written.RootElement.GetProperty("msg").GetString());
        Assert.Equal(1, written.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Run_starts_the_app_with_the_env_file_variables_and_without_agent_settings()
    {
        await PutAsync("app.env", "TOKEN=abc");
        launcher.Outcome = _ => 7;
        var seams = Seams() with { Environment = new Dictionary<string, string> { ["PATH"] = "/bin", ["SECRET_AGENT_SOURCE"] = Source.Scope } };

        var status = await ConfigDelivery.RunAsync(new RunRequest(Request(File("app.env", env: true)), ["app", "--serve"], false), seams, default);

        Assert.Equal(7, status);
        Assert.Equal("app", launcher.Launched!.Command);
        Assert.Equal(["--serve"], launcher.Launched.Arguments);
        Assert.Equal("abc", launcher.Launched.Environment["TOKEN"]);
        Assert.False(launcher.Launched.Environment.ContainsKey("SECRET_AGENT_SOURCE"));
        Assert.Equal(0, target.Clears);
    }

    [Theory]
    [InlineData(ErrorKind.CommandNotFound)]
    [InlineData(ErrorKind.NotExecutable)]
    public async Task App_that_never_ran_clears_the_target(ErrorKind kind)
    {
        await PutAsync("a.yaml", "secret-a");
        launcher.Outcome = _ => throw new SecretAgentException(kind, "app: cannot start");

        await Assert.ThrowsAsync<SecretAgentException>(() => ConfigDelivery.RunAsync(new RunRequest(Request(File("a.yaml")), ["app"], false), Seams(), default));

        Assert.Equal(1, target.Publishes);
        Assert.Equal(1, target.Clears);
        Assert.Empty(target.Current);
    }

    [Fact]
    public async Task Signal_before_the_hand_off_clears_the_target()
    {
        await PutAsync("a.yaml", "secret-a");
        launcher.Outcome = _ => throw CancelledBySignalException.BeforeStart(15);

        await Assert.ThrowsAsync<CancelledBySignalException>(() => ConfigDelivery.RunAsync(new RunRequest(Request(File("a.yaml")), ["app"], false), Seams(), default));

        Assert.Equal(1, target.Clears);
    }

    [Fact]
    public async Task Transient_failures_at_start_are_retried_with_jittered_backoff_until_delivered()
    {
        await PutAsync("a.yaml", "secret-a");
        var clock = new ManualClock(Now);
        var failures = 0;
        reader.BeforeGet = (_, _) => ++failures <= 3 ? throw new SecretAgentException(ErrorKind.Unavailable, "S3 unavailable: SlowDown after retries") : Task.CompletedTask;
        var delivery = ConfigDelivery.DeliverAsync(Request(File("a.yaml")), Seams() with { Clock = clock, Random = () => 0.0 }, default);

        await clock.WaitForTimerAsync(); // the deadline
        foreach (var seconds in new[] { 0.5, 1, 2 })
        {
            await clock.WaitForTimerAsync();
            Assert.False(delivery.IsCompleted);
            clock.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromTicks(1));
            Assert.Equal(0, target.Publishes); // not before its backoff has passed
            clock.Advance(TimeSpan.FromTicks(1));
        }

        Assert.Equal(1, (await delivery).Count);
        Assert.Equal(4, failures); // three failed attempts and the one that delivered
        Assert.Equal("secret-a", Encoding.UTF8.GetString(target.Current["a.yaml"]));
        Assert.Equal(3, log.Events.Count(e => e.Level == "warning" && e.Message == "transient failure; retrying until the deadline"));
    }

    [Fact]
    public async Task Transient_failures_past_the_deadline_end_with_the_deadlines_error()
    {
        await PutAsync("a.yaml", "secret-a");
        var clock = new ManualClock(Now);
        var attempts = 0;
        reader.BeforeGet = (_, _) => ++attempts > 0 ? throw new SecretAgentException(ErrorKind.Unavailable, "KMS unavailable: ThrottlingException after retries") : Task.CompletedTask;
        var delivery = ConfigDelivery.DeliverAsync(Request(File("a.yaml")), Seams() with { Clock = clock, Random = () => 0.99 }, default);

        await clock.WaitForTimerAsync(); // the deadline
        foreach (var seconds in new[] { 1, 2, 4, 8, 16 })
        {
            await clock.WaitForTimerAsync();
            clock.Advance(TimeSpan.FromSeconds(seconds * 0.995)); // the fifth passes the deadline (30.845 s)
        }

        var failure = await Assert.ThrowsAsync<SecretAgentException>(() => delivery);
        Assert.Equal("deadline of 30s passed while fetching configs (config 'a.yaml': KMS unavailable: ThrottlingException after retries); nothing was written", failure.Message);
        Assert.Equal(5, attempts); // at 0, 0.995, 2.985, 6.965 and 14.925 s
        Assert.Equal(0, target.Publishes);
    }

    [Theory]
    [InlineData(ErrorKind.AccessDenied)]
    [InlineData(ErrorKind.Integrity)]
    [InlineData(ErrorKind.NotFound)]
    public async Task Refusals_at_start_are_never_retried(ErrorKind kind)
    {
        await PutAsync("a.yaml", "secret-a");
        var attempts = 0;
        reader.BeforeGet = (_, _) => ++attempts > 0 ? throw new SecretAgentException(kind, "refused") : Task.CompletedTask;

        var failure = await Assert.ThrowsAsync<SecretAgentException>(() => ConfigDelivery.DeliverAsync(Request(File("a.yaml")), Seams() with { Clock = new ManualClock(Now) }, default));

        Assert.Equal(kind, failure.Kind);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_lasting_unavailable_failure_fails_the_start_at_once()
    {
        await PutAsync("a.yaml", "secret-a");
        var attempts = 0;
        reader.BeforeGet = (_, _) => ++attempts > 0 ? throw new SecretAgentException(ErrorKind.Unavailable, "S3 unavailable: TLS certificate not trusted") { Lasting = true } : Task.CompletedTask;

        var failure = await Assert.ThrowsAsync<SecretAgentException>(() => ConfigDelivery.DeliverAsync(Request(File("a.yaml")), Seams() with { Clock = new ManualClock(Now) }, default));

        Assert.Equal("config 'a.yaml': S3 unavailable: TLS certificate not trusted", failure.Message);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_throttled_config_is_retried_alone()
    {
        await PutAsync("a.yaml", "secret-a");
        await PutAsync("b.yaml", "secret-b");
        var clock = new ManualClock(Now);
        var gets = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        reader.BeforeGet = (key, _) => gets.AddOrUpdate(key, 1, (_, n) => n + 1) <= 2 && key.EndsWith("b.yaml", StringComparison.Ordinal)
            ? throw new SecretAgentException(ErrorKind.Unavailable, "KMS unavailable: ThrottlingException after retries")
            : Task.CompletedTask;
        var delivery = ConfigDelivery.DeliverAsync(Request(File("a.yaml"), File("b.yaml")), Seams() with { Clock = clock, Random = () => 0.5 }, default);

        await clock.WaitForTimerAsync(); // the deadline
        for (var i = 0; i < 2; i++)
        {
            await clock.WaitForTimerAsync();
            clock.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(2, (await delivery).Count);
        Assert.Equal(1, gets[Source.ObjectKey("a.yaml")]);
        Assert.Equal(3, gets[Source.ObjectKey("b.yaml")]);
        Assert.Equal(1, target.Publishes);
    }

    private static ManifestFile File(string name, bool optional = false, bool env = false) =>
        new(ConfigName.Parse(name), RelativePath.Parse(name, "path"), FilePermissions.FromBits(0b100_000_000), optional, env, null, 1, 1);

    private static DeliveryRequest Request(params ManifestFile[] files) =>
        new(files, new string('0', 64), Source, [FakeKeyService.DefaultKeyId], GetRequest.DefaultMaxBytes, null, 30);

    private DeliverySeams Seams() =>
        new(reader, keys, target, launcher, new FixedClock(Now), log, new Dictionary<string, string>()) { PlaintextAllocator = plaintext.Allocate };

    private async Task PutAsync(string name, string content)
    {
        var context = EncryptionContext.ForConfig(name, Source.Scope, 1);
        var sealedObject = await EnvelopeWriter.SealAsync(Encoding.UTF8.GetBytes(content), context, FakeKeyService.DefaultKeyId, EnvelopeFormat.V3, kms, default);
        reader.Put(name, sealedObject.Body, sealedObject.Metadata);
    }

    private void AssertPlaintextZeroed(int expectedFiles)
    {
        var configs = target.Handed.Where(f => f.RelativePath != Receipt.RelativePath).ToList();
        Assert.Equal(expectedFiles, configs.Count);
        Assert.All(configs, f => Assert.True(f.Content.Span.IndexOfAnyExcept((byte)0) < 0, $"{f.RelativePath} was not zeroed"));
        AssertDecryptedBuffersZeroed(expectedFiles);
    }

    // Every buffer decryption asked for, whether or not it reached the target.
    private void AssertDecryptedBuffersZeroed(int expected)
    {
        Assert.Equal(expected, plaintext.Buffers.Count);
        Assert.All(plaintext.Buffers, b => Assert.True(b.AsSpan().IndexOfAnyExcept((byte)0) < 0, "a decrypted buffer was not zeroed"));
    }

    private void AssertDataKeysZeroed(int expected)
    {
        Assert.Equal(expected, keys.HandedOut.Count);
        Assert.All(keys.HandedOut, k => Assert.True(k.Plaintext.IndexOfAnyExcept((byte)0) < 0, "a data key was not zeroed"));
    }

    /// <summary>Completes <paramref name="unwrapped"/> once the first data key has been handed out.</summary>
    private sealed class AfterDecrypt(IKeyUnwrapper inner, TaskCompletionSource unwrapped) : IKeyUnwrapper
    {
        public async Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken)
        {
            var key = await inner.DecryptAsync(encryptedKey, keyId, context, cancellationToken);
            unwrapped.TrySetResult();
            return key;
        }
    }
}
