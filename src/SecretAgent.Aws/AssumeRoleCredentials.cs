using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.SharedInterfaces;
using Amazon.SecurityToken;

namespace SecretAgent.Aws;

/// <summary>
/// The SDK's assume-role credentials (profiles with role_arn and source_profile or credential_source), with the STS
/// client built here from the source credentials. The SDK asks the runtime dependency registry for that client
/// without saying which credentials sign the call, so a registered client could only send AssumeRole unsigned.
/// The profile parsing (role, session name, external id, duration, tags) stays the SDK's.
/// </summary>
internal sealed class AssumeRoleCredentials : RefreshingAWSCredentials
{
    private readonly AWSCredentials source;
    private readonly string roleArn;
    private readonly string roleSessionName;
    private readonly AssumeRoleAWSCredentialsOptions options;

    private AssumeRoleCredentials(AWSCredentials source, AssumeRoleAWSCredentials parsed)
    {
        this.source = source;
        roleArn = parsed.RoleArn;
        roleSessionName = parsed.RoleSessionName;
        options = parsed.Options;
        PreemptExpiryTime = parsed.PreemptExpiryTime;
    }

    /// <summary>Replaces every SDK assume-role link in a chain (source_profile may itself assume a role).</summary>
    public static AWSCredentials Rewire(AWSCredentials credentials) => credentials is AssumeRoleAWSCredentials parsed
        ? new AssumeRoleCredentials(Rewire(parsed.SourceCredentials), parsed)
        : credentials;

    protected override CredentialsRefreshState GenerateNewCredentials()
    {
        // The region the SDK's own AssumeRoleAWSCredentials would use.
        var region = FallbackRegionFactory.GetRegionEndpoint() ?? RegionEndpoint.USEast1;
        using var sts = new AmazonSecurityTokenServiceClient(source, SdkRuntimeDependencies.StsConfig(region, options.ProxySettings));
        var credentials = ((ICoreAmazonSTS)sts).CredentialsFromAssumeRoleAuthentication(roleArn, roleSessionName, options);
        return new CredentialsRefreshState(credentials, credentials.Expiration);
    }
}
