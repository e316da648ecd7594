using SecretAgent.Core.Delivery;

namespace SecretAgent.Core.Tests.Delivery;

[Trait("Category", "Unit")]
public sealed class AppEnvironmentTests
{
    // Every way an AWS SDK finds the agent's identity in the environment (docs/agent.md, "The app's environment").
    public static TheoryData<string> IdentityVariables => new()
    {
        "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_ACCOUNT_ID", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_CREDENTIAL_PROFILES_FILE", "AWS_LOGIN_CACHE_DIRECTORY",
        "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "AWS_BEARER_TOKEN_BEDROCK",
    };

    [Theory]
    [MemberData(nameof(IdentityVariables))]
    public void Build_WhenIdentityVariableSet_AppDoesNotInheritIt(string name)
    {
        var result = AppEnvironment.Build(new Dictionary<string, string> { [name] = "x", ["PATH"] = "/bin" }, [], keepAwsCredentials: false);

        Assert.False(result.ContainsKey(name), name);
        Assert.Equal("/bin", result["PATH"]);
    }

    [Theory]
    [MemberData(nameof(IdentityVariables))]
    public void Build_WhenKeepAwsEnv_AppInheritsIdentityVariable(string name)
    {
        var result = AppEnvironment.Build(new Dictionary<string, string> { [name] = "x" }, [], keepAwsCredentials: true);

        Assert.Equal("x", result[name]);
    }

    [Theory]
    [InlineData("AWS_REGION")]
    [InlineData("AWS_DEFAULT_REGION")]
    [InlineData("AWS_EC2_METADATA_DISABLED")]
    [InlineData("AWS_EC2_METADATA_V1_DISABLED")]
    [InlineData("AWS_ENDPOINT_URL")]
    [InlineData("AWS_ACCESS_KEY_IDX")]
    public void Build_WhenVariableIsNoIdentity_AppInheritsIt(string name)
    {
        var result = AppEnvironment.Build(new Dictionary<string, string> { [name] = "x" }, [], keepAwsCredentials: false);

        Assert.Equal("x", result[name]);
    }
}
