using Amazon;
using Amazon.Runtime;
using Amazon.RuntimeDependencies;
using Amazon.SecurityToken;
using Amazon.SSO;
using Amazon.SSOOIDC;

namespace SecretAgent.Aws;

/// <summary>
/// Hands the SDK the STS, SSO and SSO-OIDC clients it would otherwise load by reflection. In a trimmed or NativeAOT
/// build that reflection finds nothing (MissingRuntimeDependencyException), so web identity and SSO profiles failed.
/// Registering factories that name the client types keeps them in the build. The clients are anonymous: the calls
/// they make for credentials (AssumeRoleWithWebIdentity, GetRoleCredentials, CreateToken) are not SigV4-signed.
/// AssumeRole is signed with the source credentials, which the SDK does not pass to a factory: see
/// <see cref="AssumeRoleCredentials"/>.
/// </summary>
internal static class SdkRuntimeDependencies
{
    private static readonly Lazy<bool> Registered = new(Register);

    /// <summary>Registers the factories once per process; safe to call from every resolution.</summary>
    public static void EnsureRegistered() => _ = Registered.Value;

    private static bool Register()
    {
        var registry = GlobalRuntimeDependencyRegistry.Instance;
        registry.RegisterSecurityTokenServiceClient(context => CreateSts(context.SecurityTokenServiceClientContextData));
        registry.RegisterSSOClient(context => CreateSso(context.SSOClientContextData));
        registry.RegisterSSOOIDCClient(context => CreateSsoOidc(context.SSOOIDCClientContextData));
        return true;
    }

    // The SDK names every STS use "AssumeRoleAWSCredentials" here (web identity too), so the action can't pick the
    // signer. Assume-role never gets this far: AssumeRoleCredentials replaces the SDK's, before first use.
    private static AmazonSecurityTokenServiceClient CreateSts(SecurityTokenServiceClientContext? context) =>
        new(new AnonymousAWSCredentials(), StsConfig(context?.Region, context?.ProxySettings));

    private static AmazonSSOClient CreateSso(SSOClientContext? context)
    {
        var config = new AmazonSSOConfig();
        Configure(config, context?.Region, context?.ProxySettings);
        return new AmazonSSOClient(new AnonymousAWSCredentials(), config);
    }

    private static AmazonSSOOIDCClient CreateSsoOidc(SSOOIDCClientContext? context)
    {
        var config = new AmazonSSOOIDCConfig();
        Configure(config, context?.Region, context?.ProxySettings);
        return new AmazonSSOOIDCClient(new AnonymousAWSCredentials(), config);
    }

    /// <summary>STS configured as the SDK's own reflection path would: the region it asks for, the proxy it was given.</summary>
    public static AmazonSecurityTokenServiceConfig StsConfig(RegionEndpoint? region, System.Net.IWebProxy? proxy)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        Configure(config, region, proxy);
        return config;
    }

    private static void Configure(ClientConfig config, RegionEndpoint? region, System.Net.IWebProxy? proxy)
    {
        // An endpoint from AWS_ENDPOINT_URL_STS / _SSO or the profile still applies: the config reads it on its own.
        if (region is not null)
        {
            config.RegionEndpoint = region;
        }

        config.RetryMode = RequestRetryMode.Standard;
        config.LogResponse = false;
        config.LogMetrics = false;
        TlsTrust.Shared.Apply(config);
        if (proxy is not null)
        {
            config.SetWebProxy(proxy);
        }
    }
}
