using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Processes;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Delivery;

/// <summary>
/// Everything the delivery use case touches outside itself, in one object: each executable's composition root
/// builds the real ones, unit tests pass fakes (tests/SecretAgent.TestInfrastructure/Fakes). <see cref="DeadlineExplanation"/> lets an adapter
/// explain a passed deadline better than "slow or unreachable" (AWS: credentials still pending) without Core
/// knowing the adapter.
/// </summary>
public sealed record DeliverySeams(
    IObjectReader Reader,
    IKeyUnwrapper Keys,
    ISecretsTarget Target,
    IAppLauncher Launcher,
    TimeProvider Clock,
    ILog Log,
    IReadOnlyDictionary<string, string> Environment)
{
    public Func<SecretAgentException?> DeadlineExplanation { get; init; } = () => null;

    /// <summary>Where decrypted configs are held until they are published and zeroed (pinned memory by default).</summary>
    public PlaintextAllocator PlaintextAllocator { get; init; } = OpenedObject.Pinned;

    /// <summary>Uniform in [0, 1): the jitter of the start's retries (fixed in tests).</summary>
    public Func<double> Random { get; init; } = System.Random.Shared.NextDouble;
}

/// <summary>
/// One delivery: the manifest's entries and hash, where they come from, the key ids the agent may unwrap under,
/// the per-object limit, who owns the written files, and the overall deadline for fetching.
/// </summary>
public sealed record DeliveryRequest(
    IReadOnlyList<ManifestFile> Files,
    string ManifestSha256,
    SourceUri Source,
    IReadOnlyList<string> AllowedKeyIds,
    long MaxBytes,
    FileOwner? Owner,
    int TimeoutSeconds);

/// <summary>A run: deliver, then start <see cref="Command"/> with the delivered env-file variables.</summary>
public sealed record RunRequest(DeliveryRequest Delivery, IReadOnlyList<string> Command, bool KeepAwsCredentials);

/// <summary>How many configs landed, and the variables env files contribute to the app's environment.</summary>
public sealed record DeliveryResult(int Count, IReadOnlyList<KeyValuePair<string, string>> Environment);
