using System.Security.Cryptography;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Storage;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Watch;

/// <summary>
/// The sidecar: a loop over the delivery pipeline. It starts like fetch (all or nothing, under the deadline) or
/// adopts the set a previous agent left, then polls in rounds, one jittered interval apart. Each round asks for every
/// config once by conditional GET on its ETag (unchanged: one cheap request and nothing else), verifies and decrypts
/// the changed ones through <see cref="EnvelopeReader"/>, and swaps all of the round's changes in with one publish,
/// then tells the app once. Failures keep the last good set and back off per config. The live set's plaintext is
/// kept in pinned memory between rounds (a swap publishes the whole set) and zeroed when replaced and at stop.
/// </summary>
public sealed class ConfigWatcher : IDisposable
{
    private readonly WatchRequest request;
    private readonly WatchSeams seams;
    private readonly List<WatchedConfig> configs;
    private readonly SemaphoreSlim refresh = new(0, 1);

    public ConfigWatcher(WatchRequest request, WatchSeams seams)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(seams);
        this.request = request;
        this.seams = seams;
        var now = Clock.GetUtcNow();
        configs = request.Delivery.Files.Select(f => new WatchedConfig(f, InitialFloor(f), now)).ToList();

        // One interval per agent, drawn once: a fleet started together spreads out and stays spread.
        Interval = request.Interval * (0.9 + (0.2 * seams.Random()));
    }

    /// <summary>The time between this agent's rounds: the requested interval within +-10 %.</summary>
    public TimeSpan Interval { get; }

    private TimeProvider Clock => seams.Delivery.Clock;

    private Logging.ILog Log => seams.Delivery.Log;

    /// <summary>Polls now instead of at the end of the interval (SIGUSR1, POST /refresh). Requests coalesce.</summary>
    public void RequestRefresh()
    {
        try
        {
            refresh.Release();
        }
        catch (SemaphoreFullException)
        {
            // A refresh is already pending; one round answers both.
        }
    }

    /// <summary>
    /// The variables of the live <c>env: true</c> configs, parsed like run's. run --supervise --watch exports them at
    /// the app's start; the watcher itself only ever writes them as files. Throws the parser's one-line error.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> EnvFileVariables() =>
        configs.Where(c => c.File.Env && c.Live is not null).SelectMany(c => EnvFiles.EnvFileParser.Parse(c.Live!.Plaintext, c.File.Name)).ToList();

    /// <summary>After <see cref="StartAsync"/>: polls until <paramref name="cancellationToken"/> is cancelled (a clean stop: returns).</summary>
    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await WaitForRoundAsync(cancellationToken);
                await PollRoundAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Info("watch stopped; the files stay in place");
        }
    }

    /// <summary>
    /// Adopts the set found in the target, or delivers like fetch: every config under the deadline, all or nothing
    /// (the failure is thrown). Adopting never fails: a store that is down leaves the adopted set served.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (seams.Adopted is { } adopted)
        {
            Adopt(adopted);
            return;
        }

        var floored = configs.Select(c => c.File with { MinGeneration = c.Floor }).ToList();
        var fetcher = new ConfigFetcher(seams.Delivery, request.Delivery);
        var fetched = await ConfigDelivery.UnderDeadlineAsync(request.Delivery, seams.Delivery, fetcher, ct => fetcher.FetchAllAsync(floored, ct), cancellationToken);
        var now = Clock.GetUtcNow();
        var versions = fetched.ToDictionary(f => f.File.Name.Value, f => new LiveVersion(ReceiptEntry.From(f, request.Delivery.Source, now), f.Opened.PlaintextBuffer), StringComparer.Ordinal);
        try
        {
            Publish(versions);
        }
        catch
        {
            foreach (var version in versions.Values)
            {
                version.Dispose();
            }

            throw;
        }

        foreach (var config in configs.Where(c => versions.ContainsKey(c.File.Name)))
        {
            config.KeyThatWorked = fetched.First(f => f.File.Name.Value == config.File.Name.Value).Opened.KeyId;
            config.MakeLive(versions[config.File.Name]);
            Applied(config, now);
        }

        Log.Info("configs written; watching", ("count", versions.Count), ("dir", seams.Delivery.Target.Path), ("interval", Interval.TotalSeconds));
    }

    /// <summary>One round: every config that is not backing off is polled once; the changes are swapped in together.</summary>
    public async Task PollRoundAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
        var due = configs.Where(c => c.NextAttempt <= now).ToList();
        var polls = await PollAllAsync(due.Select(c => PollOneAsync(c, cancellationToken)));
        var changed = polls.Where(p => p.Outcome == PollOutcome.Changed).ToList();

        // A rotated config's new entry goes into this round's receipt if there is a swap.
        foreach (var poll in polls.Where(p => p.Outcome == PollOutcome.SameContent))
        {
            poll.Config.MakeLive(poll.Version!);
        }

        var swapped = false;
        if (changed.Count > 0)
        {
            if (Swap(changed) is { } failure)
            {
                polls = polls.Select(p => p.Outcome == PollOutcome.Changed ? p with { Outcome = PollOutcome.Failed, Failure = failure, Version = null } : p).ToList();
            }
            else
            {
                swapped = true;
            }
        }

        if (!swapped && polls.Any(p => p.Outcome == PollOutcome.SameContent))
        {
            ReplaceReceipt();
        }

        foreach (var poll in polls)
        {
            Conclude(poll, now);
        }

        seams.Observer.RoundCompleted(Clock.GetUtcNow());
        if (changed.Count > 0 && changed.All(p => ReferenceEquals(p.Config.Live, p.Version)))
        {
            await NotifyAsync(cancellationToken);
        }

        CheckStaleness(Clock.GetUtcNow());
    }

    // Every poll finishes (each catches its own failures); on cancellation the versions decrypted so far are zeroed.
    private static async Task<List<Poll>> PollAllAsync(IEnumerable<Task<Poll>> polls)
    {
        var tasks = polls.ToList();
        try
        {
            return [.. await Task.WhenAll(tasks)];
        }
        catch
        {
            foreach (var task in tasks.Where(t => t.IsCompletedSuccessfully))
            {
                task.Result.Version?.Dispose();
            }

            throw;
        }
    }

    public void Dispose()
    {
        foreach (var config in configs)
        {
            config.Dispose();
        }

        seams.Adopted?.Dispose();
        refresh.Dispose();
    }

    private long InitialFloor(ManifestFile file) =>
        Math.Max(file.MinGeneration ?? 0, request.Floors.TryGetValue(file.Name, out var floor) ? floor : 0);

    private void Adopt(AdoptedSet adopted)
    {
        var now = Clock.GetUtcNow();
        foreach (var config in configs)
        {
            if (adopted.Entries.FirstOrDefault(e => e.Name == config.File.Name.Value) is { } entry && adopted.Take(entry.Name) is { } plaintext)
            {
                config.MakeLive(new LiveVersion(entry, plaintext));
                Applied(config, now);
            }
        }

        Log.Info("adopted the set in the target; its generations are the rollback floor", ("count", configs.Count(c => c.Live is not null)), ("dir", seams.Delivery.Target.Path));
    }

    private async Task WaitForRoundAsync(CancellationToken cancellationToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(Interval, Clock, wake.Token);
        var refreshed = refresh.WaitAsync(wake.Token);
        var first = await Task.WhenAny(delay, refreshed);
        if (first == refreshed && refreshed.IsCompletedSuccessfully)
        {
            Log.Info("refresh requested; polling now");
        }

        await wake.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task<Poll> PollOneAsync(WatchedConfig config, CancellationToken cancellationToken)
    {
        var name = config.File.Name;
        var key = seams.Delivery.Reader.Source.ObjectKey(name);

        // A poll is bounded by the interval (and by the deadline, if shorter), so one hung config delays a round by
        // at most that, and then backs off out of the following rounds.
        using var deadline = new CancellationTokenSource(PollDeadline, Clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var result = await seams.Delivery.Reader.GetAsync(new GetRequest(key, request.Delivery.MaxBytes, IfNoneMatch: config.ComparedETag), linked.Token);
            if (result.Fetched is not { } stored || stored.Info.ETag == config.Live?.Entry.ETag)
            {
                return new Poll(config, config.RefusedETag is not null && result.IsNotModified ? PollOutcome.Refused : PollOutcome.Unchanged);
            }

            return await OpenAsync(config, stored, linked.Token);
        }
        catch (SecretAgentException ex) when (ex.Kind == ErrorKind.NotFound)
        {
            return new Poll(config, PollOutcome.Missing);
        }
        catch (SecretAgentException ex)
        {
            return new Poll(config, PollOutcome.Failed, Failure: ex.ForConfig(name));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Poll(config, PollOutcome.Failed, Failure: new SecretAgentException(ErrorKind.Unavailable, $"poll did not finish within {PollDeadline.TotalSeconds:0.#}s (S3 or KMS slow or unreachable)", name));
        }
    }

    private TimeSpan PollDeadline => TimeSpan.FromTicks(Math.Clamp(Interval.Ticks, TimeSpan.TicksPerSecond, TimeSpan.FromSeconds(request.Delivery.TimeoutSeconds).Ticks));

    // A changed object: the binding and floor are checked before any key service call; a refusal remembers the ETag.
    private async Task<Poll> OpenAsync(WatchedConfig config, FetchedObject stored, CancellationToken cancellationToken)
    {
        var expected = ConfigFetcher.ExpectedFor(config.File with { MinGeneration = config.Floor }, seams.Delivery.Reader.Source);
        if (EnvelopeReader.Inspect(stored.Info.Metadata, expected).Problem is { } problem)
        {
            return Refused(config, stored, problem);
        }

        OpenedObject opened;
        try
        {
            seams.Observer.Decrypted(config.File.Name);
            var keyIds = KeyAttempts.LastWorkedFirst(request.Delivery.AllowedKeyIds, config.KeyThatWorked);
            opened = await EnvelopeReader.OpenAsync(stored, expected, keyIds, seams.Delivery.Keys, cancellationToken, seams.Delivery.PlaintextAllocator);
            config.KeyThatWorked = opened.KeyId;
        }
        catch (SecretAgentException ex) when (ex.Kind is ErrorKind.Integrity or ErrorKind.WrongKey)
        {
            return Refused(config, stored, ex);
        }

        var fetched = ConfigFetcher.Fetched(config.File, stored, opened);
        var version = new LiveVersion(ReceiptEntry.From(fetched, request.Delivery.Source, Clock.GetUtcNow()), opened.PlaintextBuffer);
        if (config.Live is { } live && CryptographicOperations.FixedTimeEquals(live.Plaintext, version.Plaintext))
        {
            // A rotation: same content under a new object version. Nothing to swap; the live plaintext stays.
            version.Dispose();
            return new Poll(config, PollOutcome.SameContent, version with { Plaintext = live.Plaintext });
        }

        return new Poll(config, PollOutcome.Changed, version);
    }

    private Poll Refused(WatchedConfig config, FetchedObject stored, SecretAgentException problem)
    {
        config.RefusedETag = stored.Info.ETag;
        Log.Warn("new version refused; the last good file stays", ("config", config.File.Name.Value), ("version", stored.Info.VersionId), ("reason", problem.Message));
        return new Poll(config, PollOutcome.Refused, Failure: problem);
    }

    // All of a round's changes in one publish, beside the live versions of every other config. Returns the failure.
    private SecretAgentException? Swap(List<Poll> changed)
    {
        var next = configs.Where(c => c.Live is not null).ToDictionary(c => c.File.Name.Value, c => c.Live!, StringComparer.Ordinal);
        foreach (var poll in changed)
        {
            next[poll.Config.File.Name] = poll.Version!;
        }

        try
        {
            Publish(next);
        }
        catch (SecretAgentException ex)
        {
            Log.Fail("swap failed; the last good set stays", ("error", ex.Message));
            foreach (var poll in changed)
            {
                poll.Version!.Dispose();
            }

            return ex;
        }

        var now = Clock.GetUtcNow();
        foreach (var poll in changed)
        {
            poll.Config.MakeLive(poll.Version!);
            Applied(poll.Config, now);
            Log.Info("config changed", ("config", poll.Config.File.Name.Value), ("generation", poll.Version!.Entry.Generation), ("version", poll.Version.Entry.VersionId));
        }

        return null;
    }

    // A rotation without a swap: the receipt (the audit record, and a restarted sidecar's floor) moves to the new
    // versions in place; the files and "..data" stay. A failure is logged: the status already shows the version.
    private void ReplaceReceipt()
    {
        var entries = configs.Where(c => c.Live is not null).Select(c => c.Live!.Entry).ToList();
        try
        {
            ConfigDelivery.ReplaceReceipt(request.Delivery, seams.Delivery, entries);
        }
        catch (SecretAgentException ex)
        {
            Log.Warn("receipt not updated to the rotated versions; it is rewritten at the next swap", ("error", ex.Message));
        }
    }

    private async Task NotifyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await seams.Notifier.NotifyAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The notifier logs its own failures; one that throws anyway must not stop the watch.
            Log.Fail("telling the app failed", ("error", ex.GetType().Name));
        }
    }

    private void Publish(Dictionary<string, LiveVersion> versions)
    {
        var files = configs.Where(c => versions.ContainsKey(c.File.Name)).Select(c => (c.File, (ReadOnlyMemory<byte>)versions[c.File.Name].Plaintext)).ToList();
        var entries = configs.Where(c => versions.ContainsKey(c.File.Name)).Select(c => versions[c.File.Name].Entry).ToList();
        ConfigDelivery.PublishSet(request.Delivery, seams.Delivery, files, entries);
    }

    // Book-keeping after the swap decided each poll's fate: status, floor, backoff.
    private void Conclude(Poll poll, DateTimeOffset now)
    {
        var config = poll.Config;
        switch (poll.Outcome)
        {
            case PollOutcome.SameContent:
                config.MakeLive(poll.Version!);
                Applied(config, now);
                Log.Info("new version with the same content; nothing to swap", ("config", config.File.Name.Value), ("generation", poll.Version!.Entry.Generation));
                config.Succeeded(now);
                break;
            case PollOutcome.Failed:
                config.Failed(now, Interval, seams.Random());
                Log.Warn("poll failed; the last good file stays", ("config", config.File.Name.Value), ("error", poll.Failure!.Message), ("retryInSeconds", (config.NextAttempt - now).TotalSeconds));
                break;
            case PollOutcome.Missing when config.Live is not null:
                Log.Warn("object gone; the last good file stays", ("config", config.File.Name.Value));
                break;
            case PollOutcome.Missing when !config.File.Optional:
                config.Failed(now, Interval, seams.Random());
                break;
            default:
                config.Succeeded(now);
                break;
        }

        seams.Observer.Polled(config.File.Name, poll.Outcome, poll.Failure?.Kind);
    }

    private void Applied(WatchedConfig config, DateTimeOffset at) =>
        seams.Observer.Applied(config.File.Name, config.Live!.Entry.Generation, config.Live.Entry.VersionId, at);

    private void CheckStaleness(DateTimeOffset now)
    {
        if (request.MaxStale is not { } bound)
        {
            return;
        }

        if (configs.FirstOrDefault(c => now - c.LastSuccess > bound) is { } stale)
        {
            throw new SecretAgentException(ErrorKind.Unavailable, $"no successful poll for {(now - stale.LastSuccess).TotalSeconds:0}s, over the staleness bound of {bound.TotalSeconds:0}s; the last good set stays in place", stale.File.Name);
        }
    }

    private sealed record Poll(WatchedConfig Config, PollOutcome Outcome, LiveVersion? Version = null, SecretAgentException? Failure = null);
}
