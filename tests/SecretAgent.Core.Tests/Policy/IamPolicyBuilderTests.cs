using System.Text;
using System.Text.Json;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Manifest;
using SecretAgent.Core.Policy;
using SecretAgent.Core.Storage;
using ManifestModel = SecretAgent.Core.Manifest.Manifest;

namespace SecretAgent.Core.Tests.Policy;

[Trait("Category", "Unit")]
public sealed class IamPolicyBuilderTests
{
    private const string KeyArn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string BareKeyId = "0987dcba-09fe-87dc-65ba-ab0987654321";
    private const string AliasArn = "arn:aws:kms:eu-west-1:111122223333:alias/other";

    private static readonly ManifestModel Manifest = ManifestParser.Parse(
        Encoding.UTF8.GetBytes("version: 1\nfiles:\n  - name: database.json\n  - name: tls/server.key\n    path: tls/key.pem\n"),
        "policy.yaml");

    private static readonly SourceUri Source = SourceUri.Parse("s3://config-bucket/payments/prod/");

    [Fact]
    public void Build_GrantsGetObjectOnExactlyTheManifestObjects()
    {
        var statement = Statement(Build([KeyArn]), "ReadConfigObjects");

        Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
        Assert.Equal("s3:GetObject", statement.GetProperty("Action").GetString());
        Assert.Equal(
            ["arn:aws:s3:::config-bucket/payments/prod/database.json", "arn:aws:s3:::config-bucket/payments/prod/tls/server.key"],
            Strings(statement.GetProperty("Resource")));
        Assert.False(statement.TryGetProperty("Condition", out _));
    }

    [Fact]
    public void Build_GrantsListBucketOnlyForTheObjectKeys()
    {
        var statement = Statement(Build([KeyArn]), "ListConfigObjects");

        Assert.Equal("s3:ListBucket", statement.GetProperty("Action").GetString());
        Assert.Equal(["arn:aws:s3:::config-bucket"], Strings(statement.GetProperty("Resource")));
        Assert.Equal(
            ["payments/prod/database.json", "payments/prod/tls/server.key"],
            Strings(statement.GetProperty("Condition").GetProperty("StringEquals").GetProperty("s3:prefix")));
    }

    [Fact]
    public void Build_WhenKeyArnsAndIds_GrantsDecryptOnThoseKeysUnderTheContext()
    {
        var statement = Statement(Build([KeyArn, BareKeyId, KeyArn]), "DecryptConfigKeys");

        Assert.Equal("kms:Decrypt", statement.GetProperty("Action").GetString());
        Assert.Equal([KeyArn, $"arn:aws:kms:*:*:key/{BareKeyId}"], Strings(statement.GetProperty("Resource")));
        AssertContextCondition(statement);
        Assert.Equal("StringEquals", Assert.Single(statement.GetProperty("Condition").EnumerateObject()).Name);
    }

    [Fact]
    public void Build_WhenAliases_GrantsDecryptThroughResourceAliases()
    {
        var policy = Build(["alias/payments", AliasArn]);

        var statement = Statement(policy, "DecryptConfigKeysByAlias");
        Assert.Equal(["arn:aws:kms:*:*:key/*"], Strings(statement.GetProperty("Resource")));
        Assert.Equal(
            ["alias/payments", "alias/other"],
            Strings(statement.GetProperty("Condition").GetProperty("ForAnyValue:StringEquals").GetProperty("kms:ResourceAliases")));
        AssertContextCondition(statement);
        Assert.DoesNotContain(StatementIds(policy), sid => sid == "DecryptConfigKeys");
    }

    [Fact]
    public void Build_WhenLocalKeysOnly_GrantsNoKmsAccess()
    {
        var policy = Build(["file:///etc/keys/dev.key"]);

        Assert.Equal(["ReadConfigObjects", "ListConfigObjects"], StatementIds(policy));
        Assert.DoesNotContain("kms:", policy.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Always_IsDeterministicIndentedJsonWithTheIamVersion()
    {
        var first = IamPolicyBuilder.Build(Manifest, Source, [KeyArn, "alias/a"]);
        var second = IamPolicyBuilder.Build(Manifest, Source, [KeyArn, "alias/a"]);

        Assert.Equal(first, second);
        Assert.StartsWith("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n", first, StringComparison.Ordinal);
        Assert.EndsWith("}\n", first, StringComparison.Ordinal);
        Assert.Equal(["ReadConfigObjects", "ListConfigObjects", "DecryptConfigKeys", "DecryptConfigKeysByAlias"], StatementIds(JsonDocument.Parse(first)));
    }

    [Fact]
    public void Build_WhenFileSource_RefusesAsUsage()
    {
        var error = Assert.Throws<SecretAgentException>(() => IamPolicyBuilder.Build(Manifest, SourceUri.Parse("file:///srv/configs/"), [KeyArn]));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("policy applies to s3:// sources", error.Message);
    }

    [Theory]
    [InlineData("arn:aws:s3:::bucket")]
    [InlineData("arn:aws:kms:eu-west-1:111122223333:key/")]
    [InlineData("alias/")]
    [InlineData("not a key")]
    public void Build_WhenKeyIdUnrecognized_RefusesAsUsage(string keyId)
    {
        var error = Assert.Throws<SecretAgentException>(() => IamPolicyBuilder.Build(Manifest, Source, [keyId]));

        Assert.Equal(ErrorKind.Usage, error.Kind);
    }

    [Fact]
    public void Build_WhenNoFiles_RefusesAsUsage()
    {
        var empty = ManifestParser.Parse("version: 1\nfiles: []\n"u8, "empty.yaml");

        var error = Assert.Throws<SecretAgentException>(() => IamPolicyBuilder.Build(empty, Source, [KeyArn]));

        Assert.Equal(ErrorKind.Usage, error.Kind);
    }

    [Fact]
    public void Build_WhenBucketRootSource_UsesBareNamesAsKeys()
    {
        var policy = JsonDocument.Parse(IamPolicyBuilder.Build(Manifest, SourceUri.Parse("s3://config-bucket"), [KeyArn]));

        Assert.Equal(
            ["arn:aws:s3:::config-bucket/database.json", "arn:aws:s3:::config-bucket/tls/server.key"],
            Strings(Statement(policy, "ReadConfigObjects").GetProperty("Resource")));
        Assert.Equal(["s3://config-bucket/"], Strings(Statement(policy, "DecryptConfigKeys").GetProperty("Condition").GetProperty("StringEquals").GetProperty("kms:EncryptionContext:secret-agent:scope")));
    }

    [Fact]
    public void Build_WhenNameHoldsWildcardsOrVariables_WritesThemLiterally()
    {
        var manifest = ManifestParser.Parse("version: 1\nfiles:\n  - name: \"a*b?c${aws:username}\"\n"u8, "odd.yaml");

        var policy = JsonDocument.Parse(IamPolicyBuilder.Build(manifest, Source, [KeyArn]));

        Assert.Equal(
            ["arn:aws:s3:::config-bucket/payments/prod/a${*}b${?}c${$}{aws:username}"],
            Strings(Statement(policy, "ReadConfigObjects").GetProperty("Resource")));
        Assert.Equal(
            ["payments/prod/a*b?c${$}{aws:username}"],
            Strings(Statement(policy, "ListConfigObjects").GetProperty("Condition").GetProperty("StringEquals").GetProperty("s3:prefix")));
        Assert.Equal(
            ["a*b?c${$}{aws:username}"],
            Strings(Statement(policy, "DecryptConfigKeys").GetProperty("Condition").GetProperty("StringEquals").GetProperty("kms:EncryptionContext:secret-agent:name")));
    }

    [Fact]
    public void Build_WhenLogicalScope_PinsTheContextToTheScopeAndReadsTheReplicaBucket()
    {
        var replica = SourceUri.Parse("s3://replica-bucket/payments/prod/").WithScope("payments-prod", "--scope");

        using var policy = JsonDocument.Parse(IamPolicyBuilder.Build(Manifest, replica, [KeyArn]));

        var decrypt = Statement(policy, "DecryptConfigKeys").GetProperty("Condition").GetProperty("StringEquals");
        Assert.Equal(["payments-prod"], Strings(decrypt.GetProperty("kms:EncryptionContext:secret-agent:scope")));
        Assert.Equal(["arn:aws:s3:::replica-bucket"], Strings(Statement(policy, "ListConfigObjects").GetProperty("Resource")));
    }

    // faults.md row 13: StringEquals on the context keys, never ForAllValues, which passes when the context is absent.
    private static void AssertContextCondition(JsonElement statement)
    {
        var condition = statement.GetProperty("Condition");
        var equals = condition.GetProperty("StringEquals");
        Assert.Equal(["s3://config-bucket/payments/prod/"], Strings(equals.GetProperty("kms:EncryptionContext:secret-agent:scope")));
        Assert.Equal(["database.json", "tls/server.key"], Strings(equals.GetProperty("kms:EncryptionContext:secret-agent:name")));
        Assert.DoesNotContain(condition.EnumerateObject(), p => p.Name.StartsWith("ForAllValues", StringComparison.Ordinal));
    }

    private static JsonDocument Build(string[] keyIds) => JsonDocument.Parse(IamPolicyBuilder.Build(Manifest, Source, keyIds));

    private static List<string?> StatementIds(JsonDocument policy) =>
        policy.RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.GetProperty("Sid").GetString()).ToList();

    private static JsonElement Statement(JsonDocument policy, string sid) =>
        Assert.Single(policy.RootElement.GetProperty("Statement").EnumerateArray(), s => s.GetProperty("Sid").GetString() == sid);

    // IAM accepts a string or an array of strings wherever a list is expected.
    private static List<string?> Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(e => e.GetString()).ToList() : [element.GetString()];
}
