using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Storage;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Delivery;

/// <summary>
/// <c>check --online</c>: HEAD each manifest entry's object and inspect its binding exactly as delivery would, without
/// a key service call and without downloading or decrypting anything. A missing optional config is a warning.
/// </summary>
public static class OnlineCheck
{
    public static async Task CheckAsync(IReadOnlyList<ManifestFile> files, IObjectReader reader, ILog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(log);
        await Task.WhenAll(files.Select(file => CheckOneAsync(file, reader, log, cancellationToken)));
    }

    private static async Task CheckOneAsync(ManifestFile file, IObjectReader reader, ILog log, CancellationToken cancellationToken)
    {
        var info = await reader.HeadAsync(reader.Source.ObjectKey(file.Name), cancellationToken);
        if (info is null)
        {
            if (!file.Optional)
            {
                throw new SecretAgentException(ErrorKind.NotFound, $"object {reader.Source.Location}{file.Name} not found", file.Name);
            }

            log.Warn("optional config not found", ("config", file.Name));
            return;
        }

        var envelope = EnvelopeReader.Inspect(info.Metadata, ConfigFetcher.ExpectedFor(file, reader.Source)).Verified();
        log.Info("object ok", ("config", file.Name), ("format", envelope.Format), ("generation", envelope.Generation), ("version", info.VersionId));
    }
}
