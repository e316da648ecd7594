using Amazon;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.S3;
using SecretAgent.Core.Errors;

namespace SecretAgent.Aws;

/// <summary>
/// One S3 client and one KMS client per process, created on first use so that a purely local run never reads AWS
/// configuration. Credentials and region are resolved once, under a time bound, before the first client is built.
/// </summary>
public sealed class AwsClients : IDisposable
{
    private static readonly Lazy<AwsClients> SharedInstance = new(() => new AwsClients(AwsSettings.FromEnvironment(Environment.GetEnvironmentVariable)));

    private readonly AwsSettings settings;
    private readonly Lazy<Task<AwsIdentity>> identity;
    private readonly SemaphoreSlim gate = new(1, 1);
    private AmazonS3Client? s3;
    private AmazonKeyManagementServiceClient? kms;

    static AwsClients()
    {
        // The SDK can log up to 1 KB of each response body; a Decrypt response body holds a data key (faults 44).
        AWSConfigs.LoggingConfig.LogResponses = ResponseLoggingOption.Never;
        AWSConfigs.LoggingConfig.LogTo = LoggingOptions.None;
        AWSConfigs.LoggingConfig.LogMetrics = false;
        NoRedirects.Register();
        CredentialEndpointBypass.Register(Environment.GetEnvironmentVariable);
    }

    public AwsClients(AwsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings;
        identity = new Lazy<Task<AwsIdentity>>(() => AwsIdentity.ResolveAsync(settings));
    }

    /// <summary>The process-wide clients, configured from the environment.</summary>
    public static AwsClients Shared => SharedInstance.Value;

    public async Task<IAmazonS3> GetS3Async(CancellationToken cancellationToken)
    {
        var resolved = await ResolveAsync(cancellationToken);
        return await CreateOnceAsync(() => s3 ??= new AmazonS3Client(resolved.Credentials, S3Config(resolved.Region)), cancellationToken);
    }

    public async Task<IAmazonKeyManagementService> GetKmsAsync(CancellationToken cancellationToken)
    {
        var resolved = await ResolveAsync(cancellationToken);
        return await CreateOnceAsync(() => kms ??= new AmazonKeyManagementServiceClient(resolved.Credentials, KmsConfig(resolved.Region)), cancellationToken);
    }

    /// <summary>
    /// The error to report when a deadline ended the process-wide clients' wait for credentials (discovery still
    /// running, so no request was ever sent); null when credentials were found, failed, or never needed.
    /// </summary>
    public static Core.Errors.SecretAgentException? PendingCredentialsError() =>
        SharedInstance.IsValueCreated && SharedInstance.Value.identity.IsValueCreated && !SharedInstance.Value.identity.Value.IsCompleted
            ? AwsIdentity.NotFoundBeforeDeadline()
            : null;

    public void Dispose()
    {
        s3?.Dispose();
        kms?.Dispose();
        gate.Dispose();
    }

    private Task<AwsIdentity> ResolveAsync(CancellationToken cancellationToken) =>
        identity.Value.WaitAsync(cancellationToken);

    private async Task<T> CreateOnceAsync<T>(Func<T> create, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return create();
        }
        finally
        {
            gate.Release();
        }
    }

    private AmazonS3Config S3Config(RegionEndpoint? region)
    {
        var config = new AmazonS3Config();
        Apply(config, region, settings.S3Endpoint);

        // Custom endpoints (moto, MinIO-like gateways, VPC endpoints by URL) generally need path-style addressing.
        config.ForcePathStyle = settings.S3Endpoint is not null;
        return config;
    }

    private AmazonKeyManagementServiceConfig KmsConfig(RegionEndpoint? region)
    {
        var config = new AmazonKeyManagementServiceConfig();
        Apply(config, region, settings.KmsEndpoint);
        return config;
    }

    private void Apply(ClientConfig config, RegionEndpoint? region, Uri? endpoint)
    {
        config.RetryMode = RequestRetryMode.Standard;
        config.MaxErrorRetry = settings.MaxErrorRetry;
        config.Timeout = settings.AttemptTimeout;
        config.LogResponse = false;
        config.LogMetrics = false;
        // An endpoint URL names the host (a FIPS VPC endpoint is given by its URL), and the SDK refuses FIPS on top of
        // one; without one, FIPS is set only when asked, since false would override the profile's use_fips_endpoint.
        if (endpoint is not null)
        {
            config.UseFIPSEndpoint = false;
        }
        else if (settings.UseFipsEndpoint)
        {
            config.UseFIPSEndpoint = true;
        }

        (settings.Trust ?? TlsTrust.Shared).Apply(config);

        // A redirect is reported, never followed (here by HttpClient, in the pipeline by NoRedirects).
        config.AllowAutoRedirect = false;

        // ServiceURL and RegionEndpoint reset each other; with an endpoint the region only signs requests.
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region?.SystemName;
        }
        else
        {
            config.RegionEndpoint = region
                ?? throw new SecretAgentException(ErrorKind.Usage, "no AWS region configured (set AWS_REGION, or a region in the AWS profile)");
        }
    }
}
