using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using SecretAgent.Core.Errors;

namespace SecretAgent.Aws;

/// <summary>
/// What S3 and KMS have in common when they fail: credential refusals, transport failures after the SDK's retries,
/// timeouts, a missing region. Messages carry the service's error code, never its message text or any payload.
/// </summary>
internal static class AwsErrors
{
    // Codes that mean "these credentials are not valid", as opposed to "valid but not allowed".
    private static readonly HashSet<string> CredentialCodes = new(StringComparer.Ordinal)
    {
        "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "InvalidToken",
        "TokenRefreshRequired", "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignature",
        "InvalidClientTokenId", "MissingAuthenticationToken",
    };

    public static bool IsCredentialCode(string? code) => code is not null && CredentialCodes.Contains(code);

    public static SecretAgentException CredentialsRefused(string service, string code) =>
        new(ErrorKind.NoCredentials, $"{service} refused the AWS credentials ({code}): check the access key, session token and clock");

    /// <summary>
    /// Maps a failure that is not service-specific, or returns null. A cancellation requested by the caller is not
    /// mapped (callers let it propagate); an SDK timeout, which also surfaces as a cancellation, is.
    /// </summary>
    public static SecretAgentException? MapCommon(Exception exception, string service, CancellationToken cancellationToken)
    {
        return exception switch
        {
            SecretAgentException known => known,
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            OperationCanceledException or TimeoutException => Unavailable(service, "timed out"),
            AmazonServiceException { ErrorCode: var code } when IsCredentialCode(code) => CredentialsRefused(service, code!),
            AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError } service5xx =>
                Unavailable(service, $"{service5xx.ErrorCode ?? ((int)service5xx.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)} after retries"),
            AmazonServiceException { ErrorCode: "SlowDown" or "ThrottlingException" or "RequestTimeout" or "Throttling" } throttled =>
                Unavailable(service, $"{throttled.ErrorCode} after retries"),
            AmazonClientException client when IsMissingRegion(client) =>
                new SecretAgentException(ErrorKind.Usage, "no AWS region configured (set AWS_REGION)"),
            AmazonClientException client when IsMissingCredentials(client) =>
                new SecretAgentException(ErrorKind.NoCredentials, "no AWS credentials found"),
            _ when Is(exception, HttpRequestError.ProxyTunnelError) =>
                Lasting(service, "the proxy refused the connection (check HTTPS_PROXY, and NO_PROXY for endpoints to reach directly)"),
            _ when IsUntrustedCertificate(exception) =>
                Lasting(service, $"TLS certificate not trusted (give the CA that signs the endpoint's certificate in {TlsTrust.CaBundleVariable} or SSL_CERT_FILE)"),
            _ when BadResponse(exception) is { } detail => detail == ResponseEnded
                ? Unavailable(service, $"bad response from the endpoint ({detail})") // a connection cut mid-answer: weather
                : Lasting(service, $"bad response from the endpoint ({detail})"),
            HttpRequestException or IOException or SocketException or AmazonClientException =>
                Unavailable(service, $"cannot reach the endpoint ({Describe(exception)})"),
            _ => null,
        };
    }

    private static SecretAgentException Unavailable(string service, string detail) =>
        new(ErrorKind.Unavailable, $"{service} unavailable: {detail}");

    // Configuration, not weather: the start fails at once rather than retrying until its deadline.
    private static SecretAgentException Lasting(string service, string detail) =>
        new(ErrorKind.Unavailable, $"{service} unavailable: {detail}") { Lasting = true };

    private static bool IsMissingRegion(AmazonClientException exception) =>
        exception.Message.Contains("RegionEndpoint", StringComparison.Ordinal);

    private static bool IsMissingCredentials(AmazonClientException exception) =>
        exception.Message.Contains("resolve AWS credentials", StringComparison.Ordinal)
        || exception.Message.Contains("Unable to find credentials", StringComparison.Ordinal);

    private static bool Is(Exception exception, HttpRequestError error)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException http && http.HttpRequestError == error)
            {
                return true;
            }
        }

        return false;
    }

    // The handshake failed on the certificate (unknown CA, expired, another host's name): no retry makes it trusted.
    private static bool IsUntrustedCertificate(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Security.Authentication.AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    private const string ResponseEnded = "response ended early";

    // The endpoint answered, but not with HTTP the client accepts: a broken proxy or gateway, not a network outage.
    private static string? BadResponse(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException http)
            {
                return http.HttpRequestError switch
                {
                    HttpRequestError.ConfigurationLimitExceeded => "response headers over the client's limit",
                    HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError => "malformed HTTP response",
                    HttpRequestError.ResponseEnded => ResponseEnded,
                    _ => null,
                };
            }
        }

        return null;
    }

    // The innermost socket error is the useful part ("ConnectionRefused"), and it never quotes data.
    private static string Describe(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.SocketErrorCode.ToString();
            }
        }

        return exception.GetType().Name;
    }
}
