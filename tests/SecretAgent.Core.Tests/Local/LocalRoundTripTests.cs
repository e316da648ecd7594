using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using SecretAgent.Local;
using SecretAgent.Publishing;

namespace SecretAgent.Core.Tests.Local;

[Trait("Category", "Unit")]
public sealed class LocalRoundTripTests : IDisposable
{
    private const string Sentinel = "CANARY-local-7f3a";
    private readonly string dir = Directory.CreateTempSubdirectory("sa-local-").FullName;
    private readonly LocalKeyService keys = new();
    private readonly string keyId;
    private readonly FileObjectStore store;

    public LocalRoundTripTests()
    {
        var keyPath = Path.Combine(dir, "demo.key");
        LocalKeyFile.Create(keyPath);
        keyId = "file://" + keyPath;
        store = new FileObjectStore(SourceUri.Parse($"file://{dir}/store/"));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData(EnvelopeFormat.V2)]
    [InlineData(EnvelopeFormat.V3)]
    public async Task SealPutGetOpen_WhenUntouched_ReturnsPlaintext(EnvelopeFormat format)
    {
        await PublishAsync("tls/server.key", format, generation: 1);

        using var opened = await OpenAsync("tls/server.key", new ExpectedBinding("tls/server.key", store.Source.Scope));

        Assert.Equal(Sentinel, Encoding.UTF8.GetString(opened.Plaintext));
        Assert.Equal(format, opened.Envelope.Format);
        Assert.Equal(1, opened.Envelope.Generation);
        Assert.Equal(keyId, opened.KeyArn);
    }

    [Fact]
    public async Task Open_WhenObjectCopiedToAnotherName_RefusesBeforeDecrypting()
    {
        await PublishAsync("a.json", EnvelopeFormat.V3, generation: 1);
        var original = (await store.GetAsync(new GetRequest("a.json", 1 << 20), default)).Fetched!;
        await store.PutAsync("b.json", original.Body, original.Info.Metadata, null, default);

        var error = await Assert.ThrowsAsync<SecretAgentException>(() => OpenAsync("b.json", new ExpectedBinding("b.json", store.Source.Scope)));

        Assert.Equal(ErrorKind.Integrity, error.Kind);
        Assert.Contains("config 'b.json'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WhenGenerationBelowFloor_RefusesAsRollback()
    {
        await PublishAsync("a.json", EnvelopeFormat.V3, generation: 3);

        var error = await Assert.ThrowsAsync<SecretAgentException>(() => OpenAsync("a.json", new ExpectedBinding("a.json", store.Source.Scope, MinGeneration: 4)));

        Assert.Contains("rollback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WhenKeyIsNotAllowed_RefusesAsWrongKey()
    {
        await PublishAsync("a.json", EnvelopeFormat.V2, generation: 1);
        var otherKey = Path.Combine(dir, "other.key");
        LocalKeyFile.Create(otherKey);
        var stored = (await store.GetAsync(new GetRequest("a.json", 1 << 20), default)).Fetched!;

        var error = await Assert.ThrowsAsync<SecretAgentException>(() =>
            EnvelopeReader.OpenAsync(stored, new ExpectedBinding("a.json", store.Source.Scope), ["file://" + otherKey], keys, default));

        Assert.Equal(ErrorKind.WrongKey, error.Kind);
        Assert.Equal(65, error.ExitCode);
        Assert.Contains("other than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WhenSecondAllowedKeyIsTheRightOne_Decrypts()
    {
        await PublishAsync("a.json", EnvelopeFormat.V3, generation: 1);
        var otherKey = Path.Combine(dir, "other.key");
        LocalKeyFile.Create(otherKey);
        var stored = (await store.GetAsync(new GetRequest("a.json", 1 << 20), default)).Fetched!;

        using var opened = await EnvelopeReader.OpenAsync(stored, new ExpectedBinding("a.json", store.Source.Scope), ["file://" + otherKey, keyId], keys, default);

        Assert.Equal(Sentinel, Encoding.UTF8.GetString(opened.Plaintext));
    }

    [Fact]
    public async Task Put_WhenETagIsStale_ThrowsConflict()
    {
        var first = await PublishAsync("a.json", EnvelopeFormat.V3, generation: 1);
        await store.PutAsync("a.json", new byte[] { 1 }, first.Metadata, first.ETag, default);

        var error = await Assert.ThrowsAsync<SecretAgentException>(() => store.PutAsync("a.json", new byte[] { 2 }, first.Metadata, first.ETag, default));

        Assert.Equal(ErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public async Task Get_WhenOverSizeLimit_RefusesWithoutReading()
    {
        await PublishAsync("a.json", EnvelopeFormat.V3, generation: 1);

        var error = await Assert.ThrowsAsync<SecretAgentException>(() => store.GetAsync(new GetRequest("a.json", 8), default));

        Assert.Equal(ErrorKind.Integrity, error.Kind);
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WhenETagUnchanged_ReportsNotModified()
    {
        var put = await PublishAsync("a.json", EnvelopeFormat.V3, generation: 1);

        var result = await store.GetAsync(new GetRequest("a.json", 1 << 20, IfNoneMatch: put.ETag), default);

        Assert.True(result.IsNotModified);
    }

    [Fact]
    public async Task DeleteThenVersions_KeepsHistoryAndHidesLatest()
    {
        await PublishAsync("a.json", EnvelopeFormat.V3, generation: 1);
        await store.DeleteAsync("a.json", default);

        var versions = await store.ListVersionsAsync("a.json", default);

        Assert.Null(await store.HeadAsync("a.json", default));
        Assert.Equal(2, versions.Count);
        Assert.True(versions[0].IsDeleteMarker);
        Assert.Empty(await store.ListAsync(default));
    }

    private Task<ObjectInfo> PublishAsync(string name, EnvelopeFormat format, long generation) =>
        Sealing.PublishAsync(store, name, Encoding.UTF8.GetBytes(Sentinel), keyId, keys, format, generation);

    private async Task<OpenedObject> OpenAsync(string name, ExpectedBinding expected)
    {
        var stored = (await store.GetAsync(new GetRequest(name, 1 << 20), default)).Fetched!;
        return await EnvelopeReader.OpenAsync(stored, expected, [keyId], keys, default);
    }
}
