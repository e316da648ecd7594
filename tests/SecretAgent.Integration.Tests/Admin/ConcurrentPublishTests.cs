using SecretAgent.Aws;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Storage;
using SecretAgent.Integration.Tests.Moto;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Admin;

/// <summary>Two publishers of one name: exactly one wins, the other fails with Conflict (exit 75), never a silent overwrite.</summary>
[Collection(UsesMoto.Name)]
public sealed class ConcurrentPublishTests(MotoServer moto)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Publish_WhenBothReadTheSameCurrentState_ExactlyOneWins(bool existing)
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var keys = new KmsKeyService(moto.Clients());
        if (existing)
        {
            await new ConfigPublisher(world.Store(), keys).PublishAsync(ConfigName.Parse("app.yaml"), "v1"u8.ToArray(), world.KeyAlias, EnvelopeFormat.V3, default);
        }

        // Both HEADs happen before either PUT: the race is forced, not hoped for.
        using var store = new HeadBarrierStore(world.Store(), participants: 2);
        var publishers = Enumerable.Range(0, 2).Select(i =>
            new ConfigPublisher(store, keys).PublishAsync(ConfigName.Parse("app.yaml"), System.Text.Encoding.UTF8.GetBytes($"content {i}"), world.KeyAlias, EnvelopeFormat.V3, default));
        var outcomes = await Task.WhenAll(publishers.Select(CaptureAsync));

        var winner = Assert.Single(outcomes, o => o.Result is not null).Result!;
        var loser = Assert.Single(outcomes, o => o.Error is not null).Error!;
        Assert.Equal(existing ? 2 : 1, winner.Generation);
        Assert.Equal(ErrorKind.Conflict, loser.Kind);
        Assert.Equal(75, loser.ExitCode);
        Assert.Equal("config 'app.yaml': config was changed by someone else while publishing; retry", loser.Message);
    }

    [Fact]
    public async Task AdminPut_RacingBinaries_GiveUniqueGenerations_AndCleanConflicts()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put("app.yaml", "v0");
        var inputs = Enumerable.Range(1, 4).Select(i => world.WriteInput($"v{i}", $"in{i}")).ToList();

        var results = await Task.WhenAll(inputs.Select(input => Task.Run(() => world.Admin("put", "app.yaml", input, "--json"))));

        Assert.All(results, r => Assert.True(r.ExitCode is 0 or 75, r.ToString()));
        foreach (var failure in results.Where(r => r.ExitCode == 75))
        {
            AdminAssert.FailedCleanly(failure, 75, "config 'app.yaml': config was changed by someone else while publishing; retry");
        }

        var generations = results.Where(r => r.ExitCode == 0).Select(r => AdminWorld.Json(r).GetProperty("generation").GetInt64()).ToList();
        Assert.NotEmpty(generations);
        Assert.Equal(generations.Count, generations.Distinct().Count());
        var history = AdminWorld.Json(world.Admin("history", "app.yaml", "--json")).GetProperty("versions").EnumerateArray()
            .Select(v => v.GetProperty("generation").GetInt64()).ToList();
        Assert.Equal(history.Count, history.Distinct().Count());
        Assert.Equal(generations.Count + 1, history.Count);
    }

    private static async Task<(PublishResult? Result, SecretAgentException? Error)> CaptureAsync(Task<PublishResult> publish)
    {
        try
        {
            return (await publish, null);
        }
        catch (SecretAgentException ex)
        {
            return (null, ex);
        }
    }

    /// <summary>Holds every HEAD until <c>participants</c> HEADs have arrived; everything else passes through.</summary>
    private sealed class HeadBarrierStore(IObjectStore inner, int participants) : IObjectStore, IDisposable
    {
        private readonly TaskCompletionSource allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SemaphoreSlim putGate = new(1, 1);
        private int arrived;

        public SourceUri Source => inner.Source;

        public void Dispose() => putGate.Dispose();

        public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
        {
            var info = await inner.HeadAsync(key, cancellationToken);
            if (Interlocked.Increment(ref arrived) == participants)
            {
                allArrived.SetResult();
            }

            await allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return info;
        }

        public Task<FetchResult> GetAsync(GetRequest request, CancellationToken cancellationToken) => inner.GetAsync(request, cancellationToken);

        // The PUTs go one after the other: both publishers have read the same state (the race under test), and
        // the conditional write must refuse the second. Two PUTs at the same instant test the store's own atomicity,
        // which S3 guarantees and moto's threaded server does not (it let both through once in CI).
        public async Task<ObjectInfo> PutAsync(string key, ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string> metadata, string? ifMatchETag, CancellationToken cancellationToken)
        {
            await putGate.WaitAsync(cancellationToken);
            try
            {
                return await inner.PutAsync(key, body, metadata, ifMatchETag, cancellationToken);
            }
            finally
            {
                putGate.Release();
            }
        }

        public Task<IReadOnlyList<ObjectInfo>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(string key, CancellationToken cancellationToken) => inner.ListVersionsAsync(key, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    }
}
