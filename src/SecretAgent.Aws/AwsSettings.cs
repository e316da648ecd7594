using Amazon.Runtime;

namespace SecretAgent.Aws;

/// <summary>
/// How the SDK clients are built. <see cref="FromEnvironment"/> reads only what the SDK would not handle for us
/// (endpoint overrides, so that path-style addressing can be switched on with them); credentials and region are
/// otherwise resolved the standard SDK ways (environment, profiles, web identity, ECS, IMDS).
/// </summary>
public sealed record AwsSettings
{
    /// <summary>Per-attempt HTTP timeout; with retries this bounds a hung endpoint (faults 4).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts after the first; Standard retry mode backs off with jitter (faults 5, 6).</summary>
    public int MaxErrorRetry { get; init; } = 3;

    /// <summary>How long credential discovery may take before we give up (IMDS hop limit, faults 42).</summary>
    public TimeSpan CredentialTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Region name; null lets the SDK resolve it (AWS_REGION, AWS_DEFAULT_REGION, profile, IMDS).</summary>
    public string? Region { get; init; }

    public Uri? S3Endpoint { get; init; }

    public Uri? KmsEndpoint { get; init; }

    /// <summary>AWS_USE_FIPS_ENDPOINT=true: FIPS 140 endpoints for the region (ignored under an endpoint URL).</summary>
    public bool UseFipsEndpoint { get; init; }

    /// <summary>The CA roots to trust; null: <see cref="TlsTrust.Shared"/> (the process's environment).</summary>
    public TlsTrust? Trust { get; init; }

    /// <summary>Explicit credentials (tests); null uses the SDK's default chain.</summary>
    public AWSCredentials? Credentials { get; init; }

    public static AwsSettings FromEnvironment(Func<string, string?> getenv)
    {
        ArgumentNullException.ThrowIfNull(getenv);
        var region = RegionFrom(getenv, "AWS_REGION") ?? RegionFrom(getenv, "AWS_DEFAULT_REGION");
        var fips = Flag(getenv, "AWS_USE_FIPS_ENDPOINT");
        if (Flag(getenv, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
        {
            return new AwsSettings { Region = region, UseFipsEndpoint = fips };
        }

        var general = Endpoint(getenv, "AWS_ENDPOINT_URL");
        return new AwsSettings
        {
            Region = region,
            UseFipsEndpoint = fips,
            S3Endpoint = Endpoint(getenv, "AWS_ENDPOINT_URL_S3") ?? general,
            KmsEndpoint = Endpoint(getenv, "AWS_ENDPOINT_URL_KMS") ?? general,
        };
    }

    private static Uri? Endpoint(Func<string, string?> getenv, string variable)
    {
        var text = NonEmpty(getenv(variable));
        if (text is null)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new Core.Errors.SecretAgentException(Core.Errors.ErrorKind.Usage, $"{variable} is not an http(s) URL");
    }

    // The SDK puts the region into endpoint host names and throws an unexpected exception for one that cannot be a
    // host name label; refuse it here as a usage error.
    private static string? RegionFrom(Func<string, string?> getenv, string variable)
    {
        var region = NonEmpty(getenv(variable));
        var valid = region is null || (region.Length <= 63 && region.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && region[0] != '-' && region[^1] != '-');
        return valid
            ? region
            : throw new Core.Errors.SecretAgentException(Core.Errors.ErrorKind.Usage, $"{variable} '{region}' is not a region name (like eu-west-1)");
    }

    // The SDK's boolean variables: "true" in any case is on, anything else off.
    private static bool Flag(Func<string, string?> getenv, string variable) =>
        string.Equals(NonEmpty(getenv(variable)), "true", StringComparison.OrdinalIgnoreCase);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
