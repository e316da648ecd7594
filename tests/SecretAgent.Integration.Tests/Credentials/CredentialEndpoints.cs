using System.Globalization;
using System.Text.Json;

namespace SecretAgent.Integration.Tests.Credentials;

/// <summary>Credentials a test hands out; the access key id is what the recording proxy later finds on requests.</summary>
internal sealed record TestKeys(string AccessKeyId)
{
    public string SecretAccessKey => "secret-" + AccessKeyId;

    public string SessionToken => "token-" + AccessKeyId;

    public static string Expiration => DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}

/// <summary>
/// Loopback stand-ins for the credential endpoints that are not AWS APIs moto serves: EC2 instance metadata (IMDSv2),
/// the ECS / EKS Pod Identity container endpoint, and the SSO portal's GetRoleCredentials. Each checks the token its
/// real counterpart requires and answers 401/404 otherwise, so a test that passes proves the token was sent.
/// </summary>
internal static class CredentialEndpoints
{
    public const string ImdsRole = "secret-agent-test-role";
    private const string ImdsToken = "imds-session-token-6f1c";

    public static LoopbackHttpServer Imds(TestKeys keys) => new(request => (request.Method, request.PathAndQuery) switch
    {
        ("PUT", "/latest/api/token") when request.Header("x-aws-ec2-metadata-token-ttl-seconds") is not null => new Reply(200, ImdsToken),
        ("PUT", _) => new Reply(400, string.Empty),
        (_, _) when request.Header("x-aws-ec2-metadata-token") != ImdsToken => new Reply(401, string.Empty),
        // The .NET SDK asks without the trailing slash, others with it; IMDS answers both.
        ("GET", "/latest/meta-data/iam/security-credentials" or "/latest/meta-data/iam/security-credentials/") => new Reply(200, ImdsRole),
        ("GET", "/latest/meta-data/iam/security-credentials/" + ImdsRole) => Reply.Json(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Code"] = "Success",
            ["Type"] = "AWS-HMAC",
            ["AccessKeyId"] = keys.AccessKeyId,
            ["SecretAccessKey"] = keys.SecretAccessKey,
            ["Token"] = keys.SessionToken,
            ["Expiration"] = TestKeys.Expiration,
            ["LastUpdated"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        })),
        ("GET", "/latest/meta-data/iam/info") => Reply.Json("{\"Code\":\"Success\",\"InstanceProfileArn\":\"arn:aws:iam::123456789012:instance-profile/test\",\"InstanceProfileId\":\"AIPATEST\"}"),
        _ => Reply.NotFound(),
    });

    /// <summary>The container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI), which requires the authorization token.</summary>
    public static LoopbackHttpServer Container(TestKeys keys, string authorizationToken) => new(request =>
        request.Header("authorization") != authorizationToken
            ? new Reply(401, string.Empty)
            : Reply.Json(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["AccessKeyId"] = keys.AccessKeyId,
                ["SecretAccessKey"] = keys.SecretAccessKey,
                ["Token"] = keys.SessionToken,
                ["Expiration"] = TestKeys.Expiration,
            })));

    /// <summary>The SSO portal's GetRoleCredentials (GET /federation/credentials), which requires the cached access token.</summary>
    public static LoopbackHttpServer SsoPortal(TestKeys keys, string accessToken, string accountId, string roleName) => new(request =>
        request.PathAndQuery.StartsWith("/federation/credentials?", StringComparison.Ordinal)
        && request.PathAndQuery.Contains("account_id=" + accountId, StringComparison.Ordinal)
        && request.PathAndQuery.Contains("role_name=" + roleName, StringComparison.Ordinal)
            ? request.Header("x-amz-sso_bearer_token") == accessToken
                ? Reply.Json(JsonSerializer.Serialize(new
                {
                    roleCredentials = new
                    {
                        accessKeyId = keys.AccessKeyId,
                        secretAccessKey = keys.SecretAccessKey,
                        sessionToken = keys.SessionToken,
                        expiration = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
                    },
                }))
                : new Reply(401, "{\"message\":\"Session token not found or invalid\"}")
            : Reply.NotFound());
}
