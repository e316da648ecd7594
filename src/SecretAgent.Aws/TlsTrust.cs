using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using SecretAgent.Core.Errors;

namespace SecretAgent.Aws;

/// <summary>
/// Which CA certificates the agent trusts for S3, KMS, STS and SSO, in order: AWS_CA_BUNDLE (a corporate CA, as the
/// other AWS SDKs read it); SSL_CERT_FILE or SSL_CERT_DIR (.NET reads them itself, through OpenSSL's names); the
/// image's bundle at the usual Debian, RHEL, SUSE and Alpine paths; the carrier's own bundle beside the executable
/// (/opt/secret-agent/bin/.. /etc/ssl/certs/ca-certificates.crt); else the OpenSSL defaults. Nothing is put into the
/// environment: the roots go into the SDK clients' handlers only, so the app inherits exactly what it was given.
/// </summary>
public sealed class TlsTrust
{
    public const string CaBundleVariable = "AWS_CA_BUNDLE";

    /// <summary>The carrier's bundle, relative to the directory of the executable (images9's layout).</summary>
    public const string CarrierBundle = "../etc/ssl/certs/ca-certificates.crt";

    /// <summary>Where base images keep their bundle: Debian/Ubuntu/Alpine, RHEL/Fedora, SUSE, RHEL's extracted, Alpine/BSD.</summary>
    public static readonly IReadOnlyList<string> ImageBundles =
    [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/cert.pem",
    ];

    private static readonly Lazy<TlsTrust> SharedInstance = new(() => Resolve(Environment.GetEnvironmentVariable, AppContext.BaseDirectory, File.Exists));

    private readonly Lazy<X509Certificate2Collection>? roots;

    private TlsTrust(string origin, string? bundle)
    {
        Origin = origin;
        Bundle = bundle;
        roots = bundle is null ? null : new Lazy<X509Certificate2Collection>(() => Load(origin, bundle));
    }

    /// <summary>What chose the roots: AWS_CA_BUNDLE, SSL_CERT_FILE/SSL_CERT_DIR, image, carrier or system.</summary>
    public string Origin { get; }

    /// <summary>The PEM bundle the agent's clients trust alone; null: the runtime's own store (OpenSSL's paths).</summary>
    public string? Bundle { get; }

    /// <summary>The process's trust, from its environment and the executable's directory.</summary>
    public static TlsTrust Shared => SharedInstance.Value;

    public static TlsTrust Resolve(Func<string, string?> getenv, string? executableDirectory, Func<string, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(getenv);
        ArgumentNullException.ThrowIfNull(exists);
        if (NonEmpty(getenv(CaBundleVariable)) is { } caBundle)
        {
            return new TlsTrust(CaBundleVariable, caBundle);
        }

        if (NonEmpty(getenv("SSL_CERT_FILE")) is not null || NonEmpty(getenv("SSL_CERT_DIR")) is not null)
        {
            return new TlsTrust("SSL_CERT_FILE/SSL_CERT_DIR", null);
        }

        if (ImageBundles.FirstOrDefault(exists) is { } image)
        {
            return new TlsTrust("image", image);
        }

        var carrier = executableDirectory is null ? null : Path.GetFullPath(Path.Combine(executableDirectory, CarrierBundle));
        return carrier is not null && exists(carrier) ? new TlsTrust("carrier", carrier) : new TlsTrust("system", null);
    }

    /// <summary>Makes <paramref name="config"/>'s client trust these roots; the runtime's store is left alone when there is no bundle.</summary>
    public void Apply(ClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (roots is not null)
        {
            // Read now, so an unusable bundle is a one-line usage error before any request, not a transport failure.
            _ = roots.Value;
            config.HttpClientFactory = new TrustingHttpClientFactory(this);
        }
    }

    /// <summary>The chain policy for a bundle: its certificates are the only roots (as AWS_CA_BUNDLE means in the other SDKs).</summary>
    internal X509ChainPolicy ChainPolicy()
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(roots!.Value);
        return policy;
    }

    private static X509Certificate2Collection Load(string origin, string bundle)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(bundle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw Unusable(origin, bundle, ex.GetType().Name);
        }

        return certificates.Count > 0 ? certificates : throw Unusable(origin, bundle, "no PEM certificate in it");
    }

    private static SecretAgentException Unusable(string origin, string bundle, string why) =>
        new(ErrorKind.Usage, Printable.Escape($"CA bundle {bundle} ({origin}) cannot be used: {why}"));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// The SDK's own HttpClient, as it builds one (no redirects, its proxy, its connection limit and timeout), with the
    /// bundle's roots as the chain policy: the runtime still checks the host name and the chain, against these roots.
    /// </summary>
    private sealed class TrustingHttpClientFactory(TlsTrust trust) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            ArgumentNullException.ThrowIfNull(clientConfig);
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = clientConfig.AllowAutoRedirect,
                AutomaticDecompression = DecompressionMethods.None,
                SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = trust.ChainPolicy() },
            };
            if (clientConfig.GetWebProxy() is { } proxy)
            {
                handler.Proxy = proxy;
            }

            if (clientConfig.MaxConnectionsPerServer is { } limit)
            {
                handler.MaxConnectionsPerServer = limit;
            }

            var client = new HttpClient(handler, disposeHandler: true);
            if (clientConfig.Timeout is { } timeout)
            {
                client.Timeout = timeout;
            }

            return client;
        }

        // One cached client per distinct config, as the SDK does for its own; the bundle is the same for the process.
        // The client carries the attempt timeout, so the key must too: a client cached under another timeout would
        // otherwise serve this config with that timeout.
        public override string GetConfigUniqueString(IClientConfig clientConfig)
        {
            ArgumentNullException.ThrowIfNull(clientConfig);
            var timeout = clientConfig.Timeout?.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default";
            return "secret-agent-tls:" + timeout + ":" + base.GetConfigUniqueString(clientConfig);
        }
    }
}
