using System.Net;
using System.Net.Http;

namespace SecretAgent.Aws;

/// <summary>
/// HTTPS_PROXY, HTTP_PROXY and NO_PROXY reach every SDK request through .NET's <see cref="HttpClient.DefaultProxy"/>
/// (the SDK builds its handlers without a proxy of its own). The credential endpoints must never go through one: a
/// proxy would see, and could answer with, the role's credentials, and IMDS rejects forwarded requests anyway. .NET's
/// NO_PROXY knows no address ranges and people forget 169.254.169.254, so this wrapper sends straight to the
/// link-local range (IMDS 169.254.169.254, ECS 169.254.170.2, EKS Pod Identity 169.254.170.23), IMDS and Pod
/// Identity over IPv6 (fd00:ec2::254, fd00:ec2::23) and the hosts AWS_EC2_METADATA_SERVICE_ENDPOINT and
/// AWS_CONTAINER_CREDENTIALS_FULL_URI name, whatever NO_PROXY says; everything else is as the environment says.
/// </summary>
internal sealed class CredentialEndpointBypass : IWebProxy
{
    private static readonly IPAddress[] AwsIpv6Endpoints = [IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("fd00:ec2::23")];
    private static int registered;

    private readonly IWebProxy inner;
    private readonly HashSet<string> directHosts;

    internal CredentialEndpointBypass(IWebProxy inner, IEnumerable<string> directHosts)
    {
        this.inner = inner;
        this.directHosts = new HashSet<string>(directHosts, StringComparer.OrdinalIgnoreCase);
    }

    public ICredentials? Credentials
    {
        get => inner.Credentials;
        set => inner.Credentials = value;
    }

    /// <summary>Wraps the process's default proxy once, before any SDK client sends.</summary>
    public static void Register(Func<string, string?> getenv)
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
        {
            HttpClient.DefaultProxy = new CredentialEndpointBypass(HttpClient.DefaultProxy, ConfiguredHosts(getenv));
        }
    }

    public Uri? GetProxy(Uri destination) => IsDirect(destination) ? null : inner.GetProxy(destination);

    public bool IsBypassed(Uri host) => IsDirect(host) || inner.IsBypassed(host);

    internal bool IsDirect(Uri destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (directHosts.Contains(destination.IdnHost))
        {
            return true;
        }

        if (!IPAddress.TryParse(destination.DnsSafeHost, out var address))
        {
            return false;
        }

        var bytes = address.IsIPv4MappedToIPv6 ? address.MapToIPv4().GetAddressBytes() : address.GetAddressBytes();
        return (bytes.Length == 4 && bytes[0] == 169 && bytes[1] == 254) || address.IsIPv6LinkLocal || AwsIpv6Endpoints.Contains(address);
    }

    private static IEnumerable<string> ConfiguredHosts(Func<string, string?> getenv)
    {
        foreach (var variable in new[] { "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_CONTAINER_CREDENTIALS_FULL_URI" })
        {
            if (Uri.TryCreate(getenv(variable), UriKind.Absolute, out var uri))
            {
                yield return uri.IdnHost;
            }
        }
    }
}
