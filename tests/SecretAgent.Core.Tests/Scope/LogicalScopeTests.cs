using System.Text;
using SecretAgent.Cli;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Storage;
using SecretAgent.Local;
using SecretAgent.Publishing;
using SecretAgent.Tests.Infrastructure;

namespace SecretAgent.Core.Tests.Scope;

/// <summary>
/// A logical scope binds objects to a name that a bucket and its replica share, instead of to one bucket's URI; the
/// binding check itself stays the one in <see cref="EnvelopeReader.Inspect"/>.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LogicalScopeTests : IDisposable
{
    private const string Name = "database.json";
    private const string Sentinel = "CANARY-scope-51c0";
    private readonly string dir = Directory.CreateTempSubdirectory("sa-scope-").FullName;
    private readonly LocalKeyService keys = new();
    private readonly string keyId;

    public LogicalScopeTests()
    {
        var keyPath = Path.Combine(dir, "demo.key");
        LocalKeyFile.Create(keyPath);
        keyId = "file://" + keyPath;
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void WithScope_WhenNotNamed_ScopeIsTheUri()
    {
        var source = SourceUri.Parse("s3://primary-bucket/prod").WithScope(null, "--scope");

        Assert.Equal("s3://primary-bucket/prod/", source.Scope);
        Assert.Equal(source.Location, source.Scope);
        Assert.False(source.HasLogicalScope);
    }

    [Fact]
    public void WithScope_WhenNamed_ScopeIsTheNameAndLocationStays()
    {
        var source = SourceUri.Parse("s3://replica-bucket/prod/").WithScope("payments-prod", "--scope");

        Assert.Equal("payments-prod", source.Scope);
        Assert.Equal("s3://replica-bucket/prod/", source.Location);
        Assert.Equal("s3://replica-bucket/prod/", source.ToString());
        Assert.Equal("prod/a.json", source.ObjectKey("a.json"));
    }

    [Theory]
    [InlineData("pay ments")]
    [InlineData("pay*")]
    [InlineData("${aws:username}")]
    [InlineData("a\u200Bb")]
    [InlineData("x\n")]
    public void WithScope_WhenNotAScopeName_RefusesAsUsageNamingTheSetting(string name)
    {
        var error = Assert.Throws<SecretAgentException>(() => SourceUri.Parse("s3://b-bucket/").WithScope(name, "--scope or SECRET_AGENT_SCOPE"));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("--scope or SECRET_AGENT_SCOPE", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void WithScope_WhenLongerThanTheLimit_RefusesAsUsage()
    {
        var error = Assert.Throws<SecretAgentException>(() => SourceUri.Parse("s3://b-bucket/").WithScope(new string('a', SourceUri.MaxScopeLength + 1), "--scope"));

        Assert.Equal(ErrorKind.Usage, error.Kind);
    }

    [Theory]
    [InlineData(null, "env-scope", "env-scope")]
    [InlineData("flag-scope", "env-scope", "flag-scope")]
    [InlineData("", "", "s3://flag-bucket/")]
    [InlineData(null, null, "s3://flag-bucket/")]
    public void Resolve_Scope_FlagThenEnvironmentThenTheUri(string? flag, string? environment, string expected)
    {
        var settings = SettingsResolver.Resolve(
            new SettingsOverrides("s3://flag-bucket/", "k", null) { Scope = flag },
            name => name == SettingsCatalog.Scope.Variable ? environment : null,
            ManifestDefaults.None);

        Assert.Equal(expected, settings.SourceUri.Scope);
    }

    [Fact]
    public async Task Open_WhenReplicaSharesTheScope_DecryptsTheCopiedObject()
    {
        var (primary, replica) = Stores("payments-prod", "payments-prod");
        await CopyToReplicaAsync(primary, replica);

        using var opened = await OpenAsync(replica);

        Assert.Equal(Sentinel, Encoding.UTF8.GetString(opened.Plaintext));
        Assert.Equal("payments-prod", opened.Envelope.Scope);
    }

    [Theory]
    [InlineData("payments-prod", "payments-staging")]
    [InlineData("payments-prod", null)]
    [InlineData(null, "payments-prod")]
    public async Task Open_WhenReplicaNamesAnotherScope_RefusesBeforeDecrypting(string? published, string? expected)
    {
        var (primary, replica) = Stores(published, expected);
        await CopyToReplicaAsync(primary, replica);

        var error = await Assert.ThrowsAsync<SecretAgentException>(() => OpenAsync(replica));

        Assert.Equal(ErrorKind.Integrity, error.Kind);
        Assert.Contains($"bound to scope {primary.Source.Scope}, not {replica.Source.Scope}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WhenNoScopeNamedAnywhere_ReadsTodaysUriScopedObjects()
    {
        var (primary, _) = Stores(null, null);
        await Sealing.PublishAsync(primary, Name, Encoding.UTF8.GetBytes(Sentinel), keyId, keys);

        using var opened = await OpenAsync(primary);

        Assert.Equal(primary.Source.Location, opened.Envelope.Scope);
    }

    private (FileObjectStore Primary, FileObjectStore Replica) Stores(string? primaryScope, string? replicaScope) => (
        new FileObjectStore(SourceUri.Parse($"file://{dir}/primary/").WithScope(primaryScope, "--scope")),
        new FileObjectStore(SourceUri.Parse($"file://{dir}/replica/").WithScope(replicaScope, "--scope")));

    // What S3 replication (or CopyObject) does: the same body and metadata under the same key in another bucket.
    private async Task CopyToReplicaAsync(FileObjectStore primary, FileObjectStore replica)
    {
        await Sealing.PublishAsync(primary, Name, Encoding.UTF8.GetBytes(Sentinel), keyId, keys);
        var original = (await primary.GetAsync(new GetRequest(Name, 1 << 20), default)).Fetched!;
        await replica.PutAsync(Name, original.Body, original.Info.Metadata, null, default);
    }

    private async Task<OpenedObject> OpenAsync(FileObjectStore store)
    {
        var request = new GetRequest(store.Source.ObjectKey(Name), 1 << 20);
        var (_, opened) = await EnvelopeReader.FetchAndOpenAsync(store, request, new ExpectedBinding(Name, store.Source.Scope), [keyId], keys, default);
        return opened;
    }
}
