using Amazon.KeyManagementService.Model;
using SecretAgent.Aws;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Aws;

/// <summary>
/// aws-sdk-net#4417: with a custom endpoint from <c>AWS_ENDPOINT_URL_S3</c> / <c>AWS_ENDPOINT_URL_KMS</c> the region
/// from <c>AWS_REGION</c> must still be the one requests are signed for, not one the SDK derives from the endpoint
/// (us-east-1 for a loopback address). moto keeps KMS keys per signing region and puts that region into every ARN,
/// so a key created through our client shows which region the SDK really signed with.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class EndpointRegionTests(MotoServer moto)
{
    // Anything but us-east-1, the region the SDK falls back to and the moto fixture pins.
    private const string Region = "eu-west-2";

    [Fact]
    public async Task KmsClient_WithEndpointFromEnvironment_SignsForAwsRegion()
    {
        using var clients = ClientsFromEnvironment();

        var kms = await clients.GetKmsAsync(default);
        var created = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "issue 7: aws-sdk-net#4417" });

        Assert.Equal(Region, kms.Config.AuthenticationRegion);
        Assert.StartsWith($"arn:aws:kms:{Region}:", created.KeyMetadata.Arn, StringComparison.Ordinal);
        // The fixture's client signs for us-east-1 and must not see the key: moto really partitioned by region.
        var pinned = await moto.Kms.ListKeysAsync(new ListKeysRequest());
        Assert.DoesNotContain(pinned.Keys, k => k.KeyId == created.KeyMetadata.KeyId);
    }

    [Fact]
    public async Task S3Client_WithEndpointFromEnvironment_SignsForAwsRegion()
    {
        using var clients = ClientsFromEnvironment();

        var s3 = await clients.GetS3Async(default);
        var buckets = await s3.ListBucketsAsync();

        Assert.Equal(Region, s3.Config.AuthenticationRegion);
        Assert.Equal(System.Net.HttpStatusCode.OK, buckets.HttpStatusCode);
    }

    // The settings as the agent reads them from its environment: only the per-service endpoint variables, no general one.
    private AwsClients ClientsFromEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_REGION"] = Region,
            ["AWS_ENDPOINT_URL_S3"] = moto.Endpoint.ToString(),
            ["AWS_ENDPOINT_URL_KMS"] = moto.Endpoint.ToString(),
        };
        var settings = AwsSettings.FromEnvironment(name => environment.GetValueOrDefault(name));
        Assert.Equal(moto.Endpoint, settings.S3Endpoint);
        Assert.Equal(moto.Endpoint, settings.KmsEndpoint);
        return new AwsClients(settings with { Credentials = new Amazon.Runtime.BasicAWSCredentials("test", "test") });
    }
}
