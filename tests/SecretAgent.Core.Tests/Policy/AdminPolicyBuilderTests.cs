using System.Text.Json;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Policy;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Tests.Policy;

[Trait("Category", "Unit")]
public sealed class AdminPolicyBuilderTests
{
    private const string KeyArn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string OldKeyArn = "arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321";
    private const string Scope = "s3://config-bucket/payments/prod/";

    private static readonly SourceUri Source = SourceUri.Parse(Scope);

    [Fact]
    public void Build_GrantsTheObjectActionsOfEveryAdminCommand_UnderThePrefixOnly()
    {
        var statement = Statement(Build(), "PublishConfigObjects");

        Assert.Equal(["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"], Strings(statement.GetProperty("Action")));
        Assert.Equal(["arn:aws:s3:::config-bucket/payments/prod/*"], Strings(statement.GetProperty("Resource")));
    }

    [Fact]
    public void Build_ListsAndListsVersionsOnlyUnderThePrefix()
    {
        var statement = Statement(Build(), "ListConfigObjects");

        Assert.Equal(["s3:ListBucket", "s3:ListBucketVersions"], Strings(statement.GetProperty("Action")));
        Assert.Equal(["arn:aws:s3:::config-bucket"], Strings(statement.GetProperty("Resource")));
        Assert.Equal(["payments/prod/*"], Strings(statement.GetProperty("Condition").GetProperty("StringLike").GetProperty("s3:prefix")));
    }

    [Fact]
    public void Build_EncryptsAndDecryptsWithTheKey_OnlyUnderTheSourcesScope()
    {
        var statement = Statement(Build(), "EncryptConfigKey");

        Assert.Equal(["kms:GenerateDataKey", "kms:Decrypt"], Strings(statement.GetProperty("Action")));
        Assert.Equal([KeyArn], Strings(statement.GetProperty("Resource")));
        var condition = Assert.Single(statement.GetProperty("Condition").EnumerateObject());
        Assert.Equal("StringEquals", condition.Name);
        Assert.Equal([Scope], Strings(condition.Value.GetProperty("kms:EncryptionContext:secret-agent:scope")));
    }

    [Fact]
    public void Build_NeverGrantsWhatCouldRewriteHistory()
    {
        var actions = Build().RootElement.GetProperty("Statement").EnumerateArray().SelectMany(s => Strings(s.GetProperty("Action"))).ToList();

        Assert.DoesNotContain("s3:DeleteObjectVersion", actions);
        Assert.DoesNotContain("s3:PutBucketVersioning", actions);
        Assert.DoesNotContain(actions, a => a.Contains('*', StringComparison.Ordinal));
    }

    [Fact]
    public void Build_WhenEarlierKeys_GrantsThemDecryptOnly_AndTheCurrentKeyIsNotRepeated()
    {
        using var policy = Build([OldKeyArn, KeyArn, "alias/old"]);

        var earlier = Statement(policy, "DecryptEarlierKeys");
        Assert.Equal(["kms:Decrypt"], Strings(earlier.GetProperty("Action")));
        Assert.Equal([OldKeyArn], Strings(earlier.GetProperty("Resource")));
        var byAlias = Statement(policy, "DecryptEarlierKeysByAlias");
        Assert.Equal(["alias/old"], Strings(byAlias.GetProperty("Condition").GetProperty("ForAnyValue:StringEquals").GetProperty("kms:ResourceAliases")));
        Assert.Equal([Scope], Strings(byAlias.GetProperty("Condition").GetProperty("StringEquals").GetProperty("kms:EncryptionContext:secret-agent:scope")));
    }

    [Fact]
    public void Build_WithoutEarlierKeys_HasExactlyThreeStatements()
    {
        using var policy = Build();

        Assert.Equal(
            ["PublishConfigObjects", "ListConfigObjects", "EncryptConfigKey"],
            policy.RootElement.GetProperty("Statement").EnumerateArray().Select(s => s.GetProperty("Sid").GetString()));
    }

    [Theory]
    [InlineData("file:///srv/configs/", KeyArn)]
    [InlineData(Scope, "file:///etc/secret-agent/local.key")]
    public void Build_WhenNoIamApplies_IsAUsageError(string source, string keyId)
    {
        var error = Assert.Throws<SecretAgentException>(() => AdminPolicyBuilder.Build(SourceUri.Parse(source), keyId, []));

        Assert.Equal(ErrorKind.Usage, error.Kind);
    }

    private static JsonDocument Build(string[]? earlier = null) => JsonDocument.Parse(AdminPolicyBuilder.Build(Source, KeyArn, earlier ?? []));

    private static JsonElement Statement(JsonDocument policy, string sid) =>
        Assert.Single(policy.RootElement.GetProperty("Statement").EnumerateArray(), s => s.GetProperty("Sid").GetString() == sid);

    private static List<string> Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(e => e.GetString()!).ToList() : [element.GetString()!];
}
