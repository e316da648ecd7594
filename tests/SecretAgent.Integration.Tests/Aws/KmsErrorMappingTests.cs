using System.Text;
using SecretAgent.Aws;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Aws;

/// <summary>
/// KMS errors moto doesn't produce (disabled keys, IncorrectKey, internal errors, throttling), as KMS sends them on the
/// wire, through the real SDK client (faults 5, 6, 10, 11, 18).
/// </summary>
public sealed class KmsErrorMappingTests
{
    private const string KeyId = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static readonly EncryptionContext Context = EncryptionContext.ForConfig("app", "s3://b/p/", 1);

    [Theory]
    [InlineData(400, "InvalidCiphertextException", ErrorKind.Integrity, "KMS refused the data key: the encryption context or key blob does not match")]
    [InlineData(400, "IncorrectKeyException", ErrorKind.WrongKey, "the data key was encrypted under a key other than " + KeyId)]
    [InlineData(400, "DisabledException", ErrorKind.KeyUnusable, "KMS key " + KeyId + " is disabled or pending deletion")]
    [InlineData(400, "KMSInvalidStateException", ErrorKind.KeyUnusable, "KMS key " + KeyId + " is disabled or pending deletion")]
    [InlineData(400, "NotFoundException", ErrorKind.NotFound, "KMS key " + KeyId + " not found")]
    [InlineData(400, "AccessDeniedException", ErrorKind.AccessDenied, "access to KMS key " + KeyId + " denied")]
    [InlineData(400, "UnrecognizedClientException", ErrorKind.NoCredentials, "KMS refused the AWS credentials (UnrecognizedClientException): check the access key, session token and clock")]
    [InlineData(500, "KMSInternalException", ErrorKind.Unavailable, "KMS unavailable: KMSInternalException after retries")]
    [InlineData(500, "DependencyTimeoutException", ErrorKind.Unavailable, "KMS unavailable: DependencyTimeoutException after retries")]
    [InlineData(400, "ThrottlingException", ErrorKind.Unavailable, "KMS unavailable: ThrottlingException after retries")]
    public async Task Decrypt_MapsTheServiceError(int status, string type, ErrorKind kind, string message)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"__type\":\"{type}\",\"message\":\"server text that must not be echoed\"}}");
        var head = $"HTTP/1.1 {status} Error\nContent-Type: application/x-amz-json-1.1\nContent-Length: {body.Length}\nx-amzn-RequestId: r-1\nConnection: close\n";
        using var server = new RawHttpServer(RawHttpServer.Response(head, body));
        var keys = new KmsKeyService(new AwsClients(new AwsSettings
        {
            Region = "us-east-1",
            KmsEndpoint = server.Endpoint,
            Credentials = new Amazon.Runtime.BasicAWSCredentials("test", "test"),
            MaxErrorRetry = 1,
            AttemptTimeout = TimeSpan.FromSeconds(2),
        }));

        var ex = await Assert.ThrowsAsync<SecretAgentException>(() => keys.DecryptAsync(new byte[64], KeyId, Context, default));

        Assert.Equal(kind, ex.Kind);
        Assert.Equal(message, ex.Message);
    }
}
