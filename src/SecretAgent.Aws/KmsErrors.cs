using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using SecretAgent.Core.Errors;

namespace SecretAgent.Aws;

/// <summary>Maps KMS failures to the error kinds of <see cref="Core.Keys.IKeyUnwrapper"/> (and the admin tool's generator) (faults 6, 10, 11, 18).</summary>
internal static class KmsErrors
{
    private const string Service = "KMS";

    /// <summary>Returns the mapped error, or null for a cancellation the caller asked for (let it propagate).</summary>
    public static SecretAgentException? Map(Exception exception, string keyId, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        InvalidCiphertextException =>
            new(ErrorKind.Integrity, "KMS refused the data key: the encryption context or key blob does not match"),
        IncorrectKeyException => new(ErrorKind.WrongKey, $"the data key was encrypted under a key other than {keyId}"),
        DisabledException or KMSInvalidStateException => new(ErrorKind.KeyUnusable, $"KMS key {keyId} is disabled or pending deletion"),
        InvalidKeyUsageException => new(ErrorKind.KeyUnusable, $"KMS key {keyId} is not a symmetric ENCRYPT_DECRYPT key"),
        NotFoundException => new(ErrorKind.NotFound, $"KMS key {keyId} not found"),
        AmazonKeyManagementServiceException { ErrorCode: "AccessDeniedException" } => new(ErrorKind.AccessDenied, $"access to KMS key {keyId} denied"),
        KMSInternalException or DependencyTimeoutException or KeyUnavailableException or LimitExceededException =>
            new(ErrorKind.Unavailable, $"KMS unavailable: {((Amazon.Runtime.AmazonServiceException)exception).ErrorCode ?? exception.GetType().Name} after retries"),
        InvalidGrantTokenException => new(ErrorKind.Usage, "KMS refused a grant token"),
        _ => AwsErrors.MapCommon(exception, Service, cancellationToken)
            ?? new SecretAgentException(ErrorKind.Internal, $"unexpected KMS failure for key {keyId} ({exception.GetType().Name})", inner: exception),
    };
}
