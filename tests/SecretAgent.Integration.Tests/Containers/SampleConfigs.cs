using System.Text;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// The sample configs in samples/configs/ as the sample manifest (samples/app/secret-agent.yaml) names them, and
/// the fake values inside them that must never appear in any output or outside the tmpfs.
/// </summary>
internal static class SampleConfigs
{
    /// <summary>Config name, the path the manifest delivers it to, and the file in samples/configs/.</summary>
    public static readonly IReadOnlyList<(string Name, string DeliveredPath)> Files =
    [
        ("database.json", "database.json"),
        ("payments.env", "payments.env"),
        ("tls/server.key", "tls/key.pem"),
    ];

    public static readonly IReadOnlyList<string> EnvNames = ["PAYMENTS_API_URL", "PAYMENTS_API_KEY", "PAYMENTS_WEBHOOK_SECRET"];

    /// <summary>Values from each sample file; <see cref="Sentinels"/> checks they are really there.</summary>
    private static readonly IReadOnlyList<(string Name, string Value)> SentinelValues =
    [
        ("database.json", "DEMO-ONLY-db-password-not-real-7f3a"),
        ("payments.env", "DEMO-ONLY-payments-key-not-real-91c2"),
        ("payments.env", "DEMO-ONLY-webhook-secret-not-real-4e8b"),
        ("tls/server.key", "REVNTy1PTkxZIGZha2UgcHJpdmF0ZSBrZXkg"),
    ];

    public static byte[] Content(string name) => File.ReadAllBytes(RepositoryPaths.SampleConfig(name));

    /// <summary>The secret values, checked against the sample files so a test can't pass by looking for the wrong thing.</summary>
    public static IReadOnlyList<string> Sentinels()
    {
        foreach (var (name, value) in SentinelValues)
        {
            if (!Encoding.UTF8.GetString(Content(name)).Contains(value, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"samples/configs/{name} no longer contains the sentinel the container tests look for");
            }
        }

        return [.. SentinelValues.Select(s => s.Value)];
    }
}
