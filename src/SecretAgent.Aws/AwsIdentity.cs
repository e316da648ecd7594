using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using SecretAgent.Core.Errors;

namespace SecretAgent.Aws;

/// <summary>
/// Credentials and region, found the standard SDK ways but within a time bound: on a host where IMDS is unreachable
/// (hop limit, no instance role) the SDK's own discovery can stall for many seconds (faults 42).
/// </summary>
internal sealed record AwsIdentity(AWSCredentials Credentials, RegionEndpoint? Region)
{
    private const string Hint =
        "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, provide a web identity token, or run with a task or instance role";

    public static async Task<AwsIdentity> ResolveAsync(AwsSettings settings)
    {
        var discovery = Task.Run(() => DiscoverAsync(settings));
        try
        {
            return await discovery.WaitAsync(settings.CredentialTimeout);
        }
        catch (TimeoutException)
        {
            throw new SecretAgentException(
                ErrorKind.NoCredentials,
                $"no AWS credentials found within {settings.CredentialTimeout.TotalSeconds:0}s ({Hint})");
        }
    }

    private static async Task<AwsIdentity> DiscoverAsync(AwsSettings settings)
    {
        var region = settings.Region is { } name ? RegionEndpoint.GetBySystemName(name) : FallbackRegion();
        var credentials = settings.Credentials ?? FindSource();
        try
        {
            // Fetch once now (e.g. the web identity exchange or the IMDS call), so it happens inside the time bound.
            await credentials.GetCredentialsAsync();
        }
        catch (Exception ex) when (IsCredentialFailure(ex))
        {
            throw new SecretAgentException(
                ErrorKind.NoCredentials,
                $"AWS credentials from {SourceName(credentials)} could not be obtained ({Cause(ex)})",
                inner: ex);
        }

        return new AwsIdentity(credentials, region);
    }

    private static AWSCredentials FindSource()
    {
        SdkRuntimeDependencies.EnsureRegistered();
        try
        {
            return AssumeRoleCredentials.Rewire(new DefaultAWSCredentialsIdentityResolver().ResolveIdentity(null));
        }
        catch (Exception ex) when (IsCredentialFailure(ex))
        {
            // The SDK's own chain found nothing, or a named profile is missing or broken.
            throw new SecretAgentException(ErrorKind.NoCredentials, $"no AWS credentials found ({Hint}; {Cause(ex)})", inner: ex);
        }
    }

    // What the SDK throws for a source that is there but unusable: a missing token file, a refused token, a
    // credential_process that failed, an unreachable endpoint. Anything else is a bug and stays one (70).
    private static bool IsCredentialFailure(Exception ex) =>
        ex is AmazonClientException or AmazonServiceException or ProcessAWSCredentialException or InvalidOperationException or IOException
            or UnauthorizedAccessException or HttpRequestException or FormatException or System.Text.Json.JsonException;

    private static string SourceName(AWSCredentials credentials) => credentials switch
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
    private static string Cause(Exception ex)
    {
        var parts = new List<string>();
        for (var current = ex; current is not null && parts.Count < 4; current = current.InnerException)
        {
            parts.Add(current is AmazonServiceException { ErrorCode: { Length: > 0 } code } ? code : current.GetType().Name);
        }

        return string.Join(" <- ", parts.Distinct(StringComparer.Ordinal));
    }

    private static RegionEndpoint? FallbackRegion()
    {
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint();
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }
}
