using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Policy;
using SecretAgent.Core.Storage;
using SecretAgent.Publishing;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;
using ManifestModel = SecretAgent.Core.Manifest.Manifest;

namespace SecretAgent.Core.Tests.Policy;

/// <summary>
/// The policies' conditions checked against the requests the code really makes (moto enforces actions and resources,
/// never conditions, so these are the conditions' only test): the agent's delivery and online check run over a
/// recording reader and key unwrapper, and every S3 key, KMS key id and encryption-context entry they send must be
/// one the app role's policy allows; the admin's context must satisfy the IT role's scope condition.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PolicyMatchesRequestsTests : IDisposable
{
    private const string KeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string Alias = "alias/payments";

    // The context entries no policy conditions on, and why: the generation changes with every publish (the agent
    // checks it against its floor itself), and the CEK algorithm is the S3 Encryption Client's own binding.
    private static readonly string[] Unconditioned = [EncryptionContext.GenerationKey, EncryptionContext.CekAlgKey];

    private readonly FakeKeyService kms = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private readonly FakeSecretsTarget target = new();

    public void Dispose() => target.Dispose();

    private const string BareKeyId = "0987dcba-09fe-87dc-65ba-ab0987654321";

    // Each source form (prefix, logical scope over a replica, bucket root) with each key id form the agent pins.
    public static TheoryData<string, string?, string> Sources => new()
    {
        { "s3://config-bucket/payments/prod/", null, KeyArn },
        { "s3://replica-bucket/payments/prod/", "payments-prod", Alias },
        { "s3://config-bucket/", null, BareKeyId },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Delivery_RequestsOnlyObjectsAndKeysTheAppPolicyGrants_AndNeverLists(string location, string? scope, string keyId)
    {
        var source = SourceUri.Parse(location).WithScope(scope, "--scope");
        var reader = new RecordingReader(new InMemoryObjectReader(source));
        var keys = new RecordingUnwrapper(kms);
        var files = await PublishAsync(reader.Inner, source, keyId, "database.json", "tls/server.key", "odd*name?.txt");
        using var policy = JsonDocument.Parse(IamPolicyBuilder.Build(Manifest(files), source, [keyId]));

        await ConfigDelivery.DeliverAsync(Request(source, files, [keyId]), Seams(reader, keys), default);
        await OnlineCheck.CheckAsync(files, reader, new RecordingLog(), default);

        Assert.Empty(reader.Lists);
        Assert.Equal(files.Count * 2, reader.ObjectKeys.Count);
        Assert.All(reader.ObjectKeys, key => AssertGrantsObject(policy, source, key));
        Assert.NotEmpty(keys.Calls);
        Assert.All(keys.Calls, call => AssertGrantsDecrypt(policy, call.KeyId, call.Context));
    }

    [Fact]
    public void ListBucketCondition_NamesExactlyTheObjectKeysTheAgentGets()
    {
        var source = SourceUri.Parse("s3://config-bucket/payments/prod/");
        var files = Files("database.json", "extra.yaml");
        using var policy = JsonDocument.Parse(IamPolicyBuilder.Build(Manifest(files), source, [KeyArn]));

        // S3 answers a GET of a missing key with 404 only to a caller that may list it; the agent asks for the full
        // key, so s3:prefix is that key, and StringEquals grants listing nothing else.
        var prefixes = Strings(Statement(policy, "ListConfigObjects").GetProperty("Condition").GetProperty("StringEquals").GetProperty("s3:prefix"));
        Assert.Equal(files.Select(f => source.ObjectKey(f.Name)), prefixes);
    }

    [Fact]
    public void EncryptionContextKeys_AreEachConditionedByThePolicies_OrDeliberatelyNot()
    {
        var context = EncryptionContext.ForConfig("database.json", "s3://config-bucket/payments/prod/", 7).With(EncryptionContext.CekAlgKey, "AES/GCM/NoPadding");
        var source = SourceUri.Parse("s3://config-bucket/payments/prod/");
        using var app = JsonDocument.Parse(IamPolicyBuilder.Build(Manifest(Files("database.json")), source, [KeyArn]));
        using var admin = JsonDocument.Parse(AdminPolicyBuilder.Build(source, KeyArn, []));

        // A new context entry, or a renamed one, fails here until the policies (or this list) take it into account.
        Assert.Equal(context.Keys.Except(Unconditioned).Order(StringComparer.Ordinal), ContextKeys(Statement(app, "DecryptConfigKeys")));
        Assert.Equal([EncryptionContext.ScopeKey], ContextKeys(Statement(admin, "EncryptConfigKey")));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task AdminContext_SatisfiesTheItPolicysScopeCondition(string location, string? scope, string keyId)
    {
        var source = SourceUri.Parse(location).WithScope(scope, "--scope");
        using var admin = JsonDocument.Parse(AdminPolicyBuilder.Build(source, keyId, [keyId == Alias ? KeyArn : Alias]));
        await PublishAsync(new InMemoryObjectReader(source), source, keyId, "database.json");

        var sent = kms.LastGenerated!;
        Assert.Equal(keyId, sent.KeyId);
        foreach (var sid in new[] { keyId == Alias ? "EncryptConfigKeyByAlias" : "EncryptConfigKey", keyId == Alias ? "DecryptEarlierKeys" : "DecryptEarlierKeysByAlias" })
        {
            AssertContextSatisfies(Statement(admin, sid), sent.Context);
        }
    }

    private static void AssertGrantsObject(JsonDocument policy, SourceUri source, string key)
    {
        Assert.Contains($"arn:aws:s3:::{source.Bucket}/{PolicyText.InResource(key)}", Strings(Statement(policy, "ReadConfigObjects").GetProperty("Resource")));
        Assert.Contains(PolicyText.InCondition(key), Strings(Statement(policy, "ListConfigObjects").GetProperty("Condition").GetProperty("StringEquals").GetProperty("s3:prefix")));
    }

    private static void AssertGrantsDecrypt(JsonDocument policy, string keyId, EncryptionContext context)
    {
        var reference = KmsKeyReference.Classify(keyId);
        var statement = reference.Kind == KmsKeyKind.Alias ? Statement(policy, "DecryptConfigKeysByAlias") : Statement(policy, "DecryptConfigKeys");
        Assert.Equal(["kms:Decrypt"], Strings(statement.GetProperty("Action")));
        if (reference.Kind == KmsKeyKind.Alias)
        {
            Assert.Contains(keyId, Strings(statement.GetProperty("Condition").GetProperty("ForAnyValue:StringEquals").GetProperty("kms:ResourceAliases")));
        }
        else
        {
            Assert.Contains(reference.Value, Strings(statement.GetProperty("Resource")));
        }

        AssertContextSatisfies(statement, context);
    }

    // Every kms:EncryptionContext:K condition must hold the value the code sent under K (values are written with
    // IAM's ${$} escape, so compare in that form).
    private static void AssertContextSatisfies(JsonElement statement, EncryptionContext context)
    {
        var conditioned = statement.GetProperty("Condition").GetProperty("StringEquals").EnumerateObject()
            .Where(p => p.Name.StartsWith("kms:EncryptionContext:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(conditioned);
        foreach (var condition in conditioned)
        {
            var key = condition.Name["kms:EncryptionContext:".Length..];
            Assert.True(context.TryGetValue(key, out var value), $"the code sends no {key} but the policy requires it");
            Assert.Contains(PolicyText.InCondition(value), Strings(condition.Value));
        }
    }

    private static List<string> ContextKeys(JsonElement statement) =>
        statement.GetProperty("Condition").GetProperty("StringEquals").EnumerateObject()
            .Select(p => p.Name).Where(n => n.StartsWith("kms:EncryptionContext:", StringComparison.Ordinal))
            .Select(n => n["kms:EncryptionContext:".Length..]).Order(StringComparer.Ordinal).ToList();

    // The context is built as ConfigPublisher builds it (EncryptionContext.ForConfig with the store's scope).
    private async Task<IReadOnlyList<ManifestFile>> PublishAsync(InMemoryObjectReader reader, SourceUri source, string keyId, params string[] names)
    {
        foreach (var name in names)
        {
            var context = EncryptionContext.ForConfig(name, source.Scope, 1);
            var sealedObject = await EnvelopeWriter.SealAsync(Encoding.UTF8.GetBytes("value of " + name), context, keyId, EnvelopeFormat.V3, kms, default);
            reader.Put(name, sealedObject.Body, sealedObject.Metadata);
        }

        return Files(names);
    }

    private static IReadOnlyList<ManifestFile> Files(params string[] names) =>
        Core.Manifest.ManifestParser.Parse(
            Encoding.UTF8.GetBytes("version: 1\nfiles:\n" + string.Concat(names.Select((n, i) => $"  - name: \"{n}\"\n    path: file{i}\n"))),
            "policy.yaml").Files;

    private static ManifestModel Manifest(IReadOnlyList<ManifestFile> files) =>
        Core.Manifest.ManifestParser.Parse(
            Encoding.UTF8.GetBytes("version: 1\nfiles:\n" + string.Concat(files.Select((f, i) => $"  - name: \"{f.Name.Value}\"\n    path: file{i}\n"))),
            "policy.yaml");

    private static DeliveryRequest Request(SourceUri source, IReadOnlyList<ManifestFile> files, IReadOnlyList<string> keyIds) =>
        new(files, new string('0', 64), source, keyIds, GetRequest.DefaultMaxBytes, null, 30);

    private DeliverySeams Seams(IObjectReader reader, IKeyUnwrapper keys) =>
        new(reader, keys, target, new FakeAppLauncher(), new FixedClock(DateTimeOffset.UnixEpoch), new RecordingLog(), new Dictionary<string, string>());

    private static JsonElement Statement(JsonDocument policy, string sid) =>
        policy.RootElement.GetProperty("Statement").EnumerateArray().Single(s => s.GetProperty("Sid").GetString() == sid);

    private static List<string> Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(e => e.GetString()!).ToList() : [element.GetString()!];

    /// <summary>Records the object keys asked for (GET and HEAD) and any listing.</summary>
    private sealed class RecordingReader(InMemoryObjectReader inner) : IObjectReader
    {
        public InMemoryObjectReader Inner { get; } = inner;

        public ConcurrentQueue<string> ObjectKeys { get; } = new();

        public ConcurrentQueue<string> Lists { get; } = new();

        public SourceUri Source => Inner.Source;

        public Task<FetchResult> GetAsync(GetRequest request, CancellationToken cancellationToken)
        {
            ObjectKeys.Enqueue(request.Key);
            return Inner.GetAsync(request, cancellationToken);
        }

        public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken)
        {
            ObjectKeys.Enqueue(key);
            return Inner.HeadAsync(key, cancellationToken);
        }

        public Task<IReadOnlyList<ObjectInfo>> ListAsync(CancellationToken cancellationToken)
        {
            Lists.Enqueue("list");
            return Inner.ListAsync(cancellationToken);
        }

        public Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(string key, CancellationToken cancellationToken)
        {
            Lists.Enqueue("list-versions " + key);
            return Inner.ListVersionsAsync(key, cancellationToken);
        }
    }

    /// <summary>Records the key id and context of every unwrap, then answers as the fake KMS does.</summary>
    private sealed class RecordingUnwrapper(IKeyUnwrapper inner) : IKeyUnwrapper
    {
        public ConcurrentQueue<(string KeyId, EncryptionContext Context)> Calls { get; } = new();

        public Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken)
        {
            Calls.Enqueue((keyId, context));
            return inner.DecryptAsync(encryptedKey, keyId, context, cancellationToken);
        }
    }
}
