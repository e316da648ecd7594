using SecretAgent.Core.EnvFiles;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;
using ManifestFileList = System.Collections.Generic.IReadOnlyList<SecretAgent.Core.Manifest.ManifestFile>;

namespace SecretAgent.Core.Agent;

/// <summary>
/// The start path after settings are known: fetch and decrypt every config, then publish them all at once onto the
/// target with a receipt, and hand back the variables of env files. Plaintext is zeroed before this returns.
/// </summary>
public sealed class ConfigDelivery
{
    private static readonly FilePermissions ReceiptMode = FilePermissions.FromBits(0b100_100_100); // 0444: readable, never writable

    private readonly ConfigFetcher fetcher;
    private readonly SourceUri source;
    private readonly TimeProvider clock;
    private readonly ILog log;

    public ConfigDelivery(ConfigFetcher fetcher, SourceUri source, TimeProvider clock, ILog log)
    {
        this.fetcher = fetcher;
        this.source = source;
        this.clock = clock;
        this.log = log;
    }

    public async Task<DeliveryResult> DeliverAsync(
        ManifestFileList files, string manifestSha256, ISecretsTarget target, FileOwner? owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var started = clock.GetTimestamp();
        var configs = await fetcher.FetchAllAsync(files, cancellationToken);
        try
        {
            var environment = EnvAdditions(configs);
            var receipt = Receipt.Build(manifestSha256, source, configs, clock.GetUtcNow());
            var written = configs.Select(c => new MaterializedFile(c.File.Path, c.Opened.PlaintextBuffer, c.File.Mode)).ToList();
            written.Add(new MaterializedFile(RelativePath.OwnFile(Receipt.RelativePath), receipt, ReceiptMode));
            cancellationToken.ThrowIfCancellationRequested();
            target.Publish(written, owner);
            foreach (var config in configs)
            {
                log.Info("delivered", ("config", config.File.Name.Value), ("generation", config.Opened.Envelope.Generation), ("version", config.Info.VersionId));
            }

            if (files.Count > 0)
            {
                log.Info("configs written", ("count", configs.Count), ("dir", target.Path), ("ms", clock.GetElapsedTime(started).TotalMilliseconds));
            }

            return new DeliveryResult(configs.Count, environment);
        }
        finally
        {
            foreach (var config in configs)
            {
                config.Dispose();
            }
        }
    }

    private static List<KeyValuePair<string, string>> EnvAdditions(IReadOnlyList<FetchedConfig> configs)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var config in configs.Where(c => c.File.Env))
        {
            result.AddRange(EnvFileParser.Parse(config.Opened.Plaintext, config.File.Name));
        }

        return result;
    }
}

/// <summary>How many configs landed, and the variables env files contribute to the app's environment.</summary>
public sealed record DeliveryResult(int Count, IReadOnlyList<KeyValuePair<string, string>> Environment);
