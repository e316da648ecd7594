using SecretAgent.Core.EnvFiles;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Processes;
using SecretAgent.Core.Target;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Delivery;

/// <summary>
/// The start path as one use case, over <see cref="DeliverySeams"/>: fetch and decrypt every config under the
/// deadline (all or nothing, <see cref="ConfigFetcher"/>), then publish them all at once onto the target with a
/// receipt, and hand back the variables of env files. Plaintext is zeroed before this returns, on every path; a
/// cancellation that comes before the publish leaves the old set in place. <see cref="RunAsync"/> then starts the
/// app, and clears the target again if the app never ran.
/// </summary>
public static class ConfigDelivery
{
    private static readonly FilePermissions ReceiptMode = FilePermissions.FromBits(0b100_100_100); // 0444: readable, never writable

    /// <summary>
    /// Delivers under the request's deadline. A passed deadline becomes a one-line Unavailable error (or the seams'
    /// better explanation); cancelling <paramref name="cancellationToken"/> (a signal) throws OperationCanceledException.
    /// </summary>
    public static async Task<DeliveryResult> DeliverAsync(DeliveryRequest request, DeliverySeams seams, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(seams);
        var fetcher = new ConfigFetcher(seams, request);
        return await UnderDeadlineAsync(request, seams, fetcher, ct => FetchAndPublishAsync(request, seams, fetcher, ct), cancellationToken);
    }

    /// <summary>
    /// Runs the start's fetch under the request's deadline; the watcher's start shares it. A passed deadline names
    /// <paramref name="fetcher"/>'s last transient failure as its cause, when it retried one.
    /// </summary>
    internal static async Task<T> UnderDeadlineAsync<T>(DeliveryRequest request, DeliverySeams seams, ConfigFetcher fetcher, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fetcher);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(request.TimeoutSeconds), seams.Clock);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await work(cancellation.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            var cause = fetcher.LastTransient?.Message ?? "S3 or KMS slow or unreachable";
            throw seams.DeadlineExplanation() ?? new SecretAgentException(ErrorKind.Unavailable, $"deadline of {request.TimeoutSeconds}s passed while fetching configs ({cause}); nothing was written");
        }
    }

    /// <summary>
    /// Publishes <paramref name="files"/> and their receipt in one atomic swap: the start path and every swap of
    /// the watcher go through here. The caller owns (and zeroes) the plaintext.
    /// </summary>
    internal static void PublishSet(DeliveryRequest request, DeliverySeams seams, IReadOnlyList<(ManifestFile File, ReadOnlyMemory<byte> Plaintext)> files, IReadOnlyList<ReceiptEntry> entries)
    {
        var receipt = Receipt.Build(request.ManifestSha256, request.Source, entries, seams.Clock.GetUtcNow());
        var written = files.Select(f => new MaterializedFile(f.File.Path, f.Plaintext, f.File.Mode)).ToList();
        written.Add(new MaterializedFile(RelativePath.OwnFile(Receipt.RelativePath), receipt, ReceiptMode));
        seams.Target.Publish(written, request.Owner);
    }

    /// <summary>
    /// Moves the live set's receipt to <paramref name="entries"/> without a swap (a rotation: same content, new object
    /// versions), where the target can; returns false where it cannot. Throws ErrorKind.Target.
    /// </summary>
    internal static bool ReplaceReceipt(DeliveryRequest request, DeliverySeams seams, IReadOnlyList<ReceiptEntry> entries)
    {
        if (seams.Target is not IOwnFileSink sink)
        {
            return false;
        }

        var receipt = Receipt.Build(request.ManifestSha256, request.Source, entries, seams.Clock.GetUtcNow());
        sink.ReplaceOwnFile(RelativePath.OwnFile(Receipt.RelativePath), receipt, ReceiptMode, request.Owner);
        return true;
    }

    /// <summary>
    /// Delivers, then starts the app with the delivered env-file variables through the launcher seam and returns
    /// its exit status. When the app never ran (cancelled before the hand-off, not found, not executable) the
    /// delivered files are removed: no secret is left for whoever inspects the container next.
    /// </summary>
    public static async Task<int> RunAsync(RunRequest request, DeliverySeams seams, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(seams);
        var delivery = await DeliverAsync(request.Delivery, seams, cancellationToken);
        return await LaunchAsync(request, seams, delivery.Environment);
    }

    /// <summary>
    /// Starts the app of a delivered set (run, and run --supervise --watch after the watcher's start) with the
    /// env-file variables <paramref name="additions"/>; clears the target if the app never ran.
    /// </summary>
    public static async Task<int> LaunchAsync(RunRequest request, DeliverySeams seams, IEnumerable<KeyValuePair<string, string>> additions)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(seams);
        var environment = AppEnvironment.Build(seams.Environment, additions, request.KeepAwsCredentials);
        var spec = new LaunchSpec(request.Command[0], request.Command.Skip(1).ToArray(), environment);
        try
        {
            return await seams.Launcher.LaunchAsync(spec);
        }
        catch (Exception ex) when (ex is CancelledBySignalException || (ex is SecretAgentException { Kind: ErrorKind.CommandNotFound or ErrorKind.NotExecutable }))
        {
            seams.Target.Clear();
            throw;
        }
    }

    private static async Task<DeliveryResult> FetchAndPublishAsync(DeliveryRequest request, DeliverySeams seams, ConfigFetcher fetcher, CancellationToken cancellationToken)
    {
        var started = seams.Clock.GetTimestamp();
        var configs = await fetcher.FetchAllAsync(request.Files, cancellationToken);
        try
        {
            var environment = EnvAdditions(configs);
            var now = seams.Clock.GetUtcNow();
            cancellationToken.ThrowIfCancellationRequested();
            PublishSet(request, seams, configs.Select(c => (c.File, (ReadOnlyMemory<byte>)c.Opened.PlaintextBuffer)).ToList(), configs.Select(c => ReceiptEntry.From(c, request.Source, now)).ToList());
            foreach (var config in configs)
            {
                seams.Log.Info("delivered", ("config", config.File.Name), ("generation", config.Opened.Envelope.Generation), ("version", config.Info.VersionId));
            }

            if (request.Files.Count > 0)
            {
                seams.Log.Info("configs written", ("count", configs.Count), ("dir", seams.Target.Path), ("ms", seams.Clock.GetElapsedTime(started).TotalMilliseconds));
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
