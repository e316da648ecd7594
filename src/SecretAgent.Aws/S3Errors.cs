using System.Net;
using Amazon.Runtime;
using SecretAgent.Core.Errors;

namespace SecretAgent.Aws;

/// <summary>Maps S3 failures to the error kinds of <see cref="Core.Storage.IObjectReader"/> (and the admin tool's writer).</summary>
internal static class S3Errors
{
    private const string Service = "S3";
    private const string ChecksumMismatch = "Expected hash not equal to calculated hash";

    /// <summary>Returns the mapped error, or null for a cancellation the caller asked for (let it propagate).</summary>
    public static SecretAgentException? Map(Exception exception, string bucket, string? key, CancellationToken cancellationToken)
    {
        // As documented: the caller's own cancellation is not a failure to map (it used to become "unexpected", 70).
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        var where = key is null ? $"s3://{bucket}/" : $"s3://{bucket}/{key}";
        if (exception is AmazonUnmarshallingException)
        {
            return NotS3(where);
        }

        if (exception is AmazonServiceException service)
        {
            var mapped = MapService(service, bucket, where);
            if (mapped is not null)
            {
                return mapped;
            }
        }

        if (exception is RedirectRefusedException redirect)
        {
            var region = PlainRegion(redirect.Region);
            return redirect.Status is HttpStatusCode.MovedPermanently or HttpStatusCode.PermanentRedirect
                ? WrongRegion(bucket, region, "PermanentRedirect")
                : Redirected(bucket, region, "TemporaryRedirect");
        }

        if (exception is AmazonClientException { Message: ChecksumMismatch })
        {
            // The SDK checks the body against the response's checksum at its end: a lying Content-Length cuts it short.
            return new SecretAgentException(ErrorKind.Integrity, $"object {where} body does not match the response checksum (truncated or altered in transit)");
        }

        return AwsErrors.MapCommon(exception, Service, cancellationToken)
            ?? new SecretAgentException(ErrorKind.Internal, $"unexpected failure on {where} ({exception.GetType().Name})", inner: exception);
    }

    /// <summary>
    /// Every S3 listing names its bucket. A 200 answer without one is not from S3 (a captive portal, a proxy's HTML
    /// page, a wrong AWS_ENDPOINT_URL): the SDK parses it as an empty listing, which must not read as "no configs".
    /// </summary>
    public static void CheckAnsweredAsS3(string? bucketInAnswer, string where)
    {
        if (string.IsNullOrEmpty(bucketInAnswer))
        {
            throw NotS3(where);
        }
    }

    private static SecretAgentException NotS3(string where) =>
        new(ErrorKind.Unavailable, $"S3 unavailable: the endpoint did not answer as S3 listing {where} (check AWS_ENDPOINT_URL and proxies)");

    private static SecretAgentException? MapService(AmazonServiceException exception, string bucket, string where)
    {
        var code = exception.ErrorCode;
        if (AwsErrors.IsCredentialCode(code))
        {
            return AwsErrors.CredentialsRefused(Service, code!);
        }

        return code switch
        {
            "NoSuchBucket" => new(ErrorKind.NotFound, $"bucket {bucket} does not exist"),
            "NoSuchKey" or "NoSuchVersion" => new(ErrorKind.NotFound, $"object {where} not found"),
            "PreconditionFailed" or "ConditionalRequestConflict" => Conflict(),
            "AccessDenied" or "AllAccessDisabled" => Denied(where, code),
            "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException" => WrongRegion(bucket, null, code),
            _ => exception.StatusCode switch
            {
                HttpStatusCode.NotFound => new(ErrorKind.NotFound, $"object {where} not found"),
                HttpStatusCode.MethodNotAllowed => new(ErrorKind.NotFound, $"object {where} not found (that version is a delete marker)"),
                HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict => Conflict(),
                HttpStatusCode.Forbidden => Denied(where, code ?? "403"),
                _ => null,
            },
        };
    }

    // A 301 means the bucket lives in another region: a setting to fix, not an outage (exit 64, like a missing region).
    private static SecretAgentException WrongRegion(string bucket, string? region, string code) =>
        region is not null
            ? new(ErrorKind.Usage, $"bucket {bucket} is in region {region} ({code}); set AWS_REGION={region}")
            : new(ErrorKind.Usage, $"bucket {bucket} is in another region ({code}); set AWS_REGION to the bucket's region");

    // A 307 is S3 still routing a new or moved bucket: transient, so unavailable (69).
    private static SecretAgentException Redirected(string bucket, string? region, string code) =>
        new(ErrorKind.Unavailable, region is not null
            ? $"S3 temporarily redirected bucket {bucket} to region {region} ({code}); retry, or set AWS_REGION={region}"
            : $"S3 temporarily redirected bucket {bucket} ({code}); retry, or check AWS_REGION");

    // The region comes from a response header: quote it back only if it looks like a region name.
    private static string? PlainRegion(string? region) =>
        region is { Length: > 0 and <= 32 } && region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') ? region : null;

    private static SecretAgentException Conflict() =>
        new(ErrorKind.Conflict, "config was changed by someone else while publishing; retry");

    private static SecretAgentException Denied(string where, string code) =>
        new(ErrorKind.AccessDenied, $"access to {where} denied ({code})");
}
