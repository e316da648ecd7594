using System.Text;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>A request as the fault proxy's rules see it. <see cref="Service"/> is "s3", "kms", "sts" or "" (unknown).</summary>
internal sealed record ProxyRequest(string Method, string Target, string Service, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>When the proxy finished reading it (to measure the gaps between a client's attempts).</summary>
    public DateTime At { get; init; } = DateTime.UtcNow;

    /// <summary>The SDK's id of one operation, the same on each of its retries (amz-sdk-invocation-id).</summary>
    public string? Invocation => Header("amz-sdk-invocation-id");

    public string Path => Target.Split('?', 2)[0];

    public string Query => Target.Contains('?', StringComparison.Ordinal) ? Target.Split('?', 2)[1] : string.Empty;

    /// <summary>The JSON-protocol operation (KMS "Decrypt", "GenerateDataKey"), from X-Amz-Target; null for S3.</summary>
    public string? Operation => Header("X-Amz-Target")?.Split('.').Last();

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static ProxyRequest From(HttpMessage message)
    {
        var parts = message.StartLine.Split(' ');
        return new ProxyRequest(parts[0], parts.Length > 1 ? parts[1] : "/", ServiceOf(message), message.Headers.ToList(), message.Body);
    }

    // SigV4 names the service in the credential scope: "Credential=AKID/20261201/us-east-1/kms/aws4_request".
    private static string ServiceOf(HttpMessage message)
    {
        var authorization = message.Header("Authorization") ?? string.Empty;
        var scope = authorization.Split("Credential=", 2).ElementAtOrDefault(1)?.Split(',')[0].Split('/');
        return scope is { Length: 5 } ? scope[3] : string.Empty;
    }
}

/// <summary>Ready-made matchers for <see cref="FaultProxy.On"/>.</summary>
internal static class Requests
{
    public static Func<ProxyRequest, bool> Any => _ => true;

    /// <summary>S3 requests, optionally only this method and only paths containing <paramref name="pathContains"/>.</summary>
    public static Func<ProxyRequest, bool> S3(string? method = null, string? pathContains = null) => r =>
        r.Service == "s3"
        && (method is null || string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase))
        && (pathContains is null || Uri.UnescapeDataString(r.Path).Contains(pathContains, StringComparison.Ordinal));

    /// <summary>KMS calls of one operation, optionally only those whose JSON body contains <paramref name="bodyContains"/>.</summary>
    public static Func<ProxyRequest, bool> Kms(string operation, string? bodyContains = null) => r =>
        r.Service == "kms"
        && string.Equals(r.Operation, operation, StringComparison.Ordinal)
        && (bodyContains is null || r.BodyText.Contains(bodyContains, StringComparison.Ordinal));
}
