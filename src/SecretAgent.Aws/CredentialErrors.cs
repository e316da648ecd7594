using Amazon.Runtime;

namespace SecretAgent.Aws;

/// <summary>
/// How a credential source that is configured but unusable is reported: which source, and a cause made of error
/// codes and exception types only (exit 77). Anything not listed here is a bug and stays one (70).
/// </summary>
internal static class CredentialErrors
{
    // What the SDK throws for a source that is there but unusable: a missing token file (InvalidOperationException),
    // a refused token, a credential_process that failed, an unreachable endpoint.
    public static bool IsCredentialFailure(Exception ex) =>
        ex is AmazonClientException or AmazonServiceException or ProcessAWSCredentialException or InvalidOperationException or IOException
            or UnauthorizedAccessException or HttpRequestException or FormatException or System.Text.Json.JsonException;

    public static string SourceName(AWSCredentials credentials) => credentials switch
    {
        AssumeRoleCredentials => "the assume-role profile",
        AssumeRoleWithWebIdentityCredentials => "the web identity token (AWS_ROLE_ARN / web_identity_token_file)",
        ProcessAWSCredentials => "credential_process",
        SSOAWSCredentials => "the SSO profile",
        GenericContainerCredentials => "the container credentials endpoint",
        InstanceProfileAWSCredentials => "instance metadata (IMDS)",
        _ when credentials.GetType().Name.Contains("InstanceProfile", StringComparison.Ordinal) => "instance metadata (IMDS)",
        _ => credentials.GetType().Name,
    };

    // Error codes and exception types only: SDK messages can quote a credential_process's output.
    public static string Cause(Exception ex)
    {
        var parts = new List<string>();
        for (var current = ex; current is not null && parts.Count < 4; current = current.InnerException)
        {
            parts.Add(current is AmazonServiceException { ErrorCode: { Length: > 0 } code } ? code : current.GetType().Name);
        }

        return string.Join(" <- ", parts.Distinct(StringComparer.Ordinal));
    }
}
