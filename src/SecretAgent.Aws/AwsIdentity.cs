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

    /// <summary>
    /// For a caller whose deadline (a --timeout shorter than the credential bound) ended while credentials were still
    /// being looked for: that is "no credentials" (77), not "S3 or KMS unreachable" (69), since no request was sent.
    /// </summary>
    public static SecretAgentException NotFoundBeforeDeadline() =>
        new(ErrorKind.NoCredentials, $"no AWS credentials found before the deadline ({Hint})");

    private static async Task<AwsIdentity> DiscoverAsync(AwsSettings settings)
    {
        CheckProfileReadable();
        var region = settings.Region is { } name ? RegionEndpoint.GetBySystemName(name) : FallbackRegion();
        var credentials = settings.Credentials ?? FindSource();
        try
        {
            // Fetch once now (e.g. the web identity exchange or the IMDS call), so it happens inside the time bound.
            await credentials.GetCredentialsAsync();
        }
        catch (Exception ex) when (CredentialErrors.IsCredentialFailure(ex))
        {
            throw new SecretAgentException(
                ErrorKind.NoCredentials,
                $"AWS credentials from {CredentialErrors.SourceName(credentials)} could not be obtained ({CredentialErrors.Cause(ex)})",
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
        catch (Exception ex) when (CredentialErrors.IsCredentialFailure(ex))
        {
            // The SDK's own chain found nothing, or a named profile is missing or broken.
            throw new SecretAgentException(ErrorKind.NoCredentials, $"no AWS credentials found ({Hint}; {CredentialErrors.Cause(ex)})", inner: ex);
        }
    }

    /// <summary>
    /// The SDK reads the active profile again inside its first request (checksum and retry defaults), and a profile
    /// it refuses (a region that cannot be a host name) then surfaces there as a TypeInitializationException, a 70.
    /// Reading it once here makes that a settings error naming the cause.
    /// </summary>
    private static void CheckProfileReadable()
    {
        var name = AWSConfigs.AWSProfileName is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } fromEnvironment ? fromEnvironment : "default";
        try
        {
            new Amazon.Runtime.CredentialManagement.CredentialProfileStoreChain().TryGetProfile(name, out _);
        }
        catch (AmazonClientException ex)
        {
            throw new SecretAgentException(ErrorKind.Usage, $"the AWS profile '{name}' cannot be used ({ex.Message})", inner: ex);
        }
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
