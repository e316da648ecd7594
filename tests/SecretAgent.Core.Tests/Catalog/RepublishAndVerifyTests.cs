using System.Text;
using SecretAgent.Core.Catalog;
using SecretAgent.Core.Storage;
using SecretAgent.Local;
using SecretAgent.Publishing;
using SecretAgent.Tests.Infrastructure;

namespace SecretAgent.Core.Tests.Catalog;

/// <summary>
/// rollback, rotate and verify over the local store with two local keys: the generation only goes up, a rotation
/// keeps the plaintext and moves the key, and verify flags an out-of-order generation and a key outside the allowlist.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RepublishAndVerifyTests : IDisposable
{
    private const string Name = "db.json";
    private readonly string dir = Directory.CreateTempSubdirectory("sa-republish-").FullName;
    private readonly LocalKeyService keys = new();
    private readonly string oldKey;
    private readonly string newKey;
    private readonly FileObjectStore store;

    public RepublishAndVerifyTests()
    {
        oldKey = CreateKey("old.key");
        newKey = CreateKey("new.key");
        store = new FileObjectStore(SourceUri.Parse($"file://{dir}/store/"));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Rollback_ToAGeneration_PublishesItsPlaintextAboveTheWholeHistory()
    {
        await PutAsync("one");
        await PutAsync("two");

        var result = await new ConfigRepublisher(store, keys).RollbackAsync(ConfigName.Parse(Name), "1", oldKey, [], default);

        Assert.Equal(3, result.Published.Generation);
        Assert.Equal(1, result.FromGeneration);
        Assert.Equal("one", await GetAsync([oldKey]));
        Assert.All(await VerifyAsync([oldKey]), c => Assert.Null(c.Finding));
    }

    [Fact]
    public async Task Rotate_ToANewKey_KeepsThePlaintextAndOnlyVerifiesWithBothKeysAllowed()
    {
        await PutAsync("one");

        var result = await new ConfigRepublisher(store, keys).RotateAsync(ConfigName.Parse(Name), newKey, [oldKey], default);

        Assert.Equal(2, result.Published.Generation);
        Assert.Equal("one", await GetAsync([newKey]));
        Assert.All(await VerifyAsync([newKey, oldKey]), c => Assert.Null(c.Finding));
        var onlyNew = await VerifyAsync([newKey]);
        Assert.Equal(1, Assert.Single(onlyNew, c => c.Finding is not null).Generation);
    }

    [Fact]
    public async Task Verify_WhenAGenuineOldGenerationIsTheLatest_FlagsOnlyThatVersion()
    {
        await PutAsync("one");
        await PutAsync("two");
        var restored = await Sealing.PublishAsync(store, Name, "one"u8.ToArray(), oldKey, keys, generation: 1);

        var checks = await VerifyAsync([oldKey]);

        var flagged = Assert.Single(checks, c => c.Finding is not null);
        Assert.Equal(restored.VersionId, flagged.VersionId);
        Assert.True(flagged.IsLatest);
        Assert.StartsWith("generation 1 is not above generation 2 of the earlier version ", flagged.Finding, StringComparison.Ordinal);
    }

    private string CreateKey(string file)
    {
        var path = Path.Combine(dir, file);
        LocalKeyFile.Create(path);
        return "file://" + path;
    }

    private Task<PublishResult> PutAsync(string content) =>
        new ConfigPublisher(store, keys).PublishAsync(ConfigName.Parse(Name), Encoding.UTF8.GetBytes(content), oldKey, Core.Format.EnvelopeFormat.V3, default);

    private async Task<string> GetAsync(IReadOnlyList<string> allowed)
    {
        using var opened = await new ConfigCatalog(store, keys).GetAsync(ConfigName.Parse(Name), null, allowed, default);
        return Encoding.UTF8.GetString(opened.Plaintext);
    }

    private Task<IReadOnlyList<VersionCheck>> VerifyAsync(IReadOnlyList<string> allowed) => new ConfigVerifier(store, keys).VerifyAsync(allowed, default);
}
