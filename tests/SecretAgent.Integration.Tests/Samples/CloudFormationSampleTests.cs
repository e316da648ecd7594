using System.Text.Json.Nodes;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Samples;

/// <summary>
/// samples/cloudformation/secret-agent.yaml: its role policies are exactly what `secret-agent policy` (for the sample
/// service's manifest) and `secret-agent-admin policy` print, its key and bucket policies hold the rules the issue
/// names, cfn-lint passes, and moto's CloudFormation deploys it. moto accepts but does not apply
/// VersioningConfiguration, PublicAccessBlockConfiguration or AWS::S3::BucketPolicy (checked in the template instead).
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class CloudFormationSampleTests(MotoServer moto)
{
    private const string Bucket = "example-configs";
    private const string Prefix = "prod/";
    private const string Scope = "s3://example-configs/prod/";
    private const string KeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string ScopeCondition = "kms:EncryptionContext:secret-agent:scope";

    private static readonly string TemplatePath = SampleFiles.Path("cloudformation", "secret-agent.yaml");

    private static readonly Dictionary<string, string> Substitutions = new()
    {
        ["BucketName"] = Bucket,
        ["ConfigBucket"] = Bucket,
        ["Prefix"] = Prefix,
        ["AWS::Partition"] = "aws",
        ["AWS::AccountId"] = "111122223333",
    };

    [Fact]
    public void AppPolicy_IsWhatSecretAgentPolicyPrintsForTheSampleManifest()
    {
        var printed = AgentPolicy(Scope, KeyArn);

        Assert.True(JsonNode.DeepEquals(printed, PolicyDocument("AppPolicy")), $"template AppPolicy differs from `secret-agent policy`:\n{printed}");
    }

    [Fact]
    public void ITPolicy_IsWhatSecretAgentAdminPolicyPrints()
    {
        var printed = AdminPolicy(Scope, KeyArn);

        Assert.True(JsonNode.DeepEquals(printed, PolicyDocument("ITPolicy")), $"template ITPolicy differs from `secret-agent-admin policy`:\n{printed}");
    }

    [Fact]
    public void KeyPolicy_GrantsEachRoleOnlyItsToolsKmsActions_UnderTheScope()
    {
        var statements = Resource("ConfigKey")["Properties"]!["KeyPolicy"]!["Statement"]!;
        var it = SampleFiles.Named(statements, "ITEncrypts", "Sid");
        var app = SampleFiles.Named(statements, "AppDecrypts", "Sid");
        var adminKms = SampleFiles.Named(AdminPolicy(Scope, KeyArn)["Statement"], "EncryptConfigKey", "Sid");
        var agentKms = SampleFiles.Named(AgentPolicy(Scope, KeyArn)["Statement"], "DecryptConfigKeys", "Sid");

        Assert.Equal("GetAtt:ITRole.Arn", it["Principal"]!["AWS"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(adminKms["Action"], it["Action"]));
        Assert.True(JsonNode.DeepEquals(adminKms["Condition"], it["Condition"]));
        Assert.Equal("GetAtt:AppRole.Arn", app["Principal"]!["AWS"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(agentKms["Action"], app["Action"]));
        Assert.Equal(Scope, app["Condition"]!["StringEquals"]![ScopeCondition]!.GetValue<string>());

        // Nobody else reaches the crypto: the account's statement only administers the key.
        var others = statements.AsArray().Where(s => s!["Sid"]!.GetValue<string>() is not ("ITEncrypts" or "AppDecrypts"));
        var otherActions = others.SelectMany(s => SampleFiles.Strings(s!["Action"])).ToList();
        Assert.DoesNotContain(otherActions, a => Grants(a, "kms:Decrypt") || Grants(a, "kms:GenerateDataKey") || Grants(a, "kms:ReEncryptFrom"));
    }

    [Fact]
    public void Bucket_IsVersionedPrivateSseS3_AndItsPolicyIsTlsOnlyItWritesAndHistoryAppendOnly()
    {
        var bucket = Resource("ConfigBucket")["Properties"]!;
        Assert.Equal("Enabled", bucket["VersioningConfiguration"]!["Status"]!.GetValue<string>());
        var publicAccess = bucket["PublicAccessBlockConfiguration"]!.AsObject();
        Assert.Equal(["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], publicAccess.Where(p => p.Value!.GetValue<string>() == "true").Select(p => p.Key).Order());
        Assert.Equal("AES256", bucket["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.GetValue<string>());

        var statements = Resource("ConfigBucketPolicy")["Properties"]!["PolicyDocument"]!["Statement"]!;
        var tls = SampleFiles.Named(statements, "DenyInsecureTransport", "Sid");
        Assert.Equal(("Deny", "*", "s3:*", "false"), (Text(tls["Effect"]), Text(tls["Principal"]), Text(tls["Action"]), Text(tls["Condition"]!["Bool"]!["aws:SecureTransport"])));
        var put = SampleFiles.Named(statements, "OnlyITPublishes", "Sid");
        Assert.Equal(("Deny", "*", "s3:PutObject", "GetAtt:ITRole.Arn"), (Text(put["Effect"]), Text(put["Principal"]), Text(put["Action"]), Text(put["Condition"]!["ArnNotEquals"]!["aws:PrincipalArn"])));
        var history = SampleFiles.Named(statements, "HistoryIsAppendOnly", "Sid");
        Assert.Equal(("Deny", "*"), (Text(history["Effect"]), Text(history["Principal"])));
        Assert.Superset(new HashSet<string> { "s3:DeleteObjectVersion", "s3:PutBucketVersioning" }, SampleFiles.Strings(history["Action"]).ToHashSet());
        Assert.Null(history["Condition"]);
    }

    [Fact]
    public void Template_PassesCfnLint()
    {
        var result = CommandRunner.Run("cfn-lint", [TemplatePath], new Dictionary<string, string?>(), TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Template_DeploysIntoMoto_AndTheDeployedAppPolicyIsWhatTheAgentPrintsForTheDeployedKey()
    {
        var bucket = "sa-cfn-" + Guid.NewGuid().ToString("N")[..16];
        var stack = "samples9-" + Guid.NewGuid().ToString("N")[..12];
        AwsCli.Run(moto, "cloudformation", "create-stack", "--stack-name", stack, "--template-body", "file://" + TemplatePath, "--capabilities", "CAPABILITY_IAM",
            "--parameters", $"ParameterKey=BucketName,ParameterValue={bucket}", "ParameterKey=ITPrincipalArn,ParameterValue=arn:aws:iam::123456789012:root");

        var outputs = CreatedStackOutputs(stack);
        var source = $"s3://{bucket}/{Prefix}";
        Assert.Equal(source, outputs["Source"]);
        var keyPolicy = Document(AwsCli.Run(moto, "kms", "get-key-policy", "--key-id", outputs["KeyArn"], "--policy-name", "default")["Policy"]!);
        var it = SampleFiles.Named(keyPolicy["Statement"], "ITEncrypts", "Sid");
        Assert.Equal(outputs["ITRoleArn"], Text(it["Principal"]!["AWS"]));
        Assert.Equal(source, Text(it["Condition"]!["StringEquals"]![ScopeCondition]));

        var deployed = AttachedPolicy(outputs["AppRoleArn"]);
        var printed = AgentPolicy(source, outputs["KeyArn"]);
        Assert.True(JsonNode.DeepEquals(printed, deployed), $"deployed {deployed}\nprinted {printed}");
        Assert.True(JsonNode.DeepEquals(AdminPolicy(source, outputs["KeyArn"]), AttachedPolicy(outputs["ITRoleArn"])));
    }

    private Dictionary<string, string> CreatedStackOutputs(string stack)
    {
        // moto creates the stack within the call; the poll covers a server that does it in the background.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var described = AwsCli.Run(moto, "cloudformation", "describe-stacks", "--stack-name", stack)["Stacks"]![0]!;
            var status = Text(described["StackStatus"]);
            if (status != "CREATE_IN_PROGRESS" || DateTime.UtcNow > deadline)
            {
                Assert.True(status == "CREATE_COMPLETE", described.ToJsonString());
                return described["Outputs"]!.AsArray().ToDictionary(o => Text(o!["OutputKey"]), o => Text(o!["OutputValue"]));
            }

            Thread.Sleep(200);
        }
    }

    private JsonNode AttachedPolicy(string roleArn)
    {
        var roleName = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        var attached = Assert.Single(AwsCli.Run(moto, "iam", "list-attached-role-policies", "--role-name", roleName)["AttachedPolicies"]!.AsArray())!;
        var policyArn = Text(attached["PolicyArn"]);
        var version = Text(AwsCli.Run(moto, "iam", "get-policy", "--policy-arn", policyArn)["Policy"]!["DefaultVersionId"]);
        return Document(AwsCli.Run(moto, "iam", "get-policy-version", "--policy-arn", policyArn, "--version-id", version)["PolicyVersion"]!["Document"]!);
    }

    // A policy document as the CLI prints it: a JSON object, or (by CLI version) a string, URL-encoded from IAM.
    private static JsonNode Document(JsonNode node) =>
        node is JsonValue text ? JsonNode.Parse(Uri.UnescapeDataString(text.GetValue<string>()))! : node;

    private static JsonNode AgentPolicy(string source, string keyArn) =>
        Printed(Binaries.Agent, "policy", "--manifest", SampleFiles.Path("service", "secret-agent.yaml"), "--source", source, "--kms-key-id", keyArn);

    private static JsonNode AdminPolicy(string source, string keyArn) =>
        Printed(Binaries.Admin, "policy", "--source", source, "--kms-key-id", keyArn);

    private static JsonNode Printed(string binary, params string[] args)
    {
        var result = CommandRunner.Run(binary, args, new Dictionary<string, string?> { ["AWS_EC2_METADATA_DISABLED"] = "true", ["SECRET_AGENT_SOURCE"] = null, ["SECRET_AGENT_KMS_KEY_ID"] = null });
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.Stdout)!;
    }

    // The template's statements with the key's ARN where the template says !GetAtt ConfigKey.Arn.
    private static JsonNode PolicyDocument(string resource)
    {
        var text = Resource(resource)["Properties"]!["PolicyDocument"]!.ToJsonString().Replace("GetAtt:ConfigKey.Arn", KeyArn, StringComparison.Ordinal);
        return JsonNode.Parse(text)!;
    }

    private static JsonNode Resource(string name) => SampleFiles.Yaml(TemplatePath, Substitutions)["Resources"]![name]!;

    private static string Text(JsonNode? node) => node!.GetValue<string>();

    // IAM action patterns match case-insensitively; the template's only wildcards are trailing ones ("kms:Get*").
    private static bool Grants(string pattern, string action) =>
        pattern.EndsWith('*')
            ? action.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
            : action.Equals(pattern, StringComparison.OrdinalIgnoreCase);
}
