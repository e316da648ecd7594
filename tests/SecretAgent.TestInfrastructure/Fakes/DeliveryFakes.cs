using System.Collections.Concurrent;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Processes;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// An object store in memory, for the delivery use case's unit tests. <see cref="BeforeGet"/> runs inside every GET
/// with the GET's token, so a test can hold one GET open, fail it, or watch it being cancelled.
/// </summary>
internal sealed class InMemoryObjectReader(SourceUri source) : IObjectReader
{
    private readonly ConcurrentDictionary<string, FetchedObject> objects = new(StringComparer.Ordinal);
    private int versions;
    private int gets;
    private int notModified;

    public SourceUri Source { get; } = source;

    public Func<string, CancellationToken, Task>? BeforeGet { get; set; }

    /// <summary>How many GETs were made (conditional ones included).</summary>
    public int Gets => gets;

    /// <summary>How many conditional GETs were answered "not modified" (no body sent).</summary>
    public int NotModifiedAnswers => notModified;

    /// <summary>Deletes the object (a GET then finds nothing).</summary>
    public void Remove(string name) => objects.TryRemove(Source.ObjectKey(name), out _);

    public void Put(string name, byte[] body, IReadOnlyDictionary<string, string> metadata)
    {
        var key = Source.ObjectKey(name);
        var version = Interlocked.Increment(ref versions).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        var info = new ObjectInfo(key, version, $"\"etag-{version}\"", body.Length, DateTimeOffset.UnixEpoch, metadata);
        objects[key] = new FetchedObject(info, body);
    }

    public async Task<FetchResult> GetAsync(GetRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (BeforeGet is { } hook)
        {
            await hook(request.Key, cancellationToken);
        }

        Interlocked.Increment(ref gets);
        var stored = Find(request.Key) ?? throw new SecretAgentException(ErrorKind.NotFound, $"object {Source.Location}{request.Key} not found");
        if (request.IfNoneMatch is not null && string.Equals(request.IfNoneMatch, stored.Info.ETag, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref notModified);
            return FetchResult.NotModified;
        }

        return stored.Body.Length > request.MaxBytes
            ? throw new SecretAgentException(ErrorKind.Integrity, $"object {request.Key} is over {request.MaxBytes} bytes")
            : new FetchResult(stored with { Body = (byte[])stored.Body.Clone() });
    }

    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken) => Task.FromResult(Find(key)?.Info);

    public Task<IReadOnlyList<ObjectInfo>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ObjectInfo>>(objects.Values.Select(o => o.Info).OrderBy(i => i.Key, StringComparer.Ordinal).ToList());

    public Task<IReadOnlyList<ObjectInfo>> ListVersionsAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ObjectInfo>>(Find(key) is { } found ? [found.Info] : []);

    private FetchedObject? Find(string key) => objects.TryGetValue(key, out var found) ? found : null;
}

/// <summary>
/// Wraps a key unwrapper and keeps every data key it hands out, so a test can check each was zeroed afterwards.
/// <see cref="BeforeDecrypt"/> runs before each unwrap (to cancel or fail at that moment).
/// </summary>
internal sealed class RecordingKeyUnwrapper(IKeyUnwrapper inner) : IKeyUnwrapper
{
    private readonly ConcurrentQueue<DataKey> handedOut = new();

    public IReadOnlyCollection<DataKey> HandedOut => handedOut;

    public Func<CancellationToken, Task>? BeforeDecrypt { get; set; }

    public async Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken)
    {
        if (BeforeDecrypt is { } hook)
        {
            await hook(cancellationToken);
        }

        var key = await inner.DecryptAsync(encryptedKey, keyId, context, cancellationToken);
        handedOut.Enqueue(key);
        return key;
    }
}

/// <summary>
/// A secrets target that keeps what it is handed: <see cref="Handed"/> holds the very buffers (not copies), so a test
/// can see they were zeroed after the use case returned; <see cref="Current"/> is a copy of the published set as it
/// was at publish time. <see cref="PublishFailure"/> makes publishing throw.
/// </summary>
internal sealed class FakeSecretsTarget : ISecretsTarget
{
    private readonly List<MaterializedFile> handed = [];

    public string Path => "/run/fake-secrets";

    public bool IsMemoryBacked => true;

    public IReadOnlyList<MaterializedFile> Handed => handed;

    public Dictionary<string, byte[]> Current { get; private set; } = new(StringComparer.Ordinal);

    public int Publishes { get; private set; }

    public int Clears { get; private set; }

    public FileOwner? Owner { get; private set; }

    public Exception? PublishFailure { get; set; }

    public void Publish(IReadOnlyList<MaterializedFile> files, FileOwner? owner)
    {
        ArgumentNullException.ThrowIfNull(files);
        handed.AddRange(files);
        if (PublishFailure is { } failure)
        {
            throw failure;
        }

        Publishes++;
        Owner = owner;
        Current = files.ToDictionary(f => f.RelativePath.Value, f => f.Content.ToArray(), StringComparer.Ordinal);
    }

    public void Clear()
    {
        Clears++;
        Current = new(StringComparer.Ordinal);
    }

    public void Dispose()
    {
    }
}

/// <summary>A log that keeps every event (level, message, fields) in order.</summary>
internal sealed class RecordingLog : ILog
{
    private readonly ConcurrentQueue<(string Level, string Message, (string Key, object? Value)[] Fields)> events = new();

    public IReadOnlyCollection<(string Level, string Message, (string Key, object? Value)[] Fields)> Events => events;

    public void Info(string message, params (string Key, object? Value)[] fields) => events.Enqueue(("info", message, fields));

    public void Warn(string message, params (string Key, object? Value)[] fields) => events.Enqueue(("warning", message, fields));

    public void Fail(string message, params (string Key, object? Value)[] fields) => events.Enqueue(("error", message, fields));
}

/// <summary>An app launcher that records the spec it was given and answers with <see cref="Outcome"/>.</summary>
internal sealed class FakeAppLauncher : IAppLauncher
{
    public LaunchSpec? Launched { get; private set; }

    public Func<LaunchSpec, int> Outcome { get; set; } = _ => 0;

    public Task<int> LaunchAsync(LaunchSpec spec)
    {
        Launched = spec;
        return Task.FromResult(Outcome(spec));
    }
}

/// <summary>
/// A clock at a fixed instant whose timers fire at once (on the thread pool): a deadline in a test passes as soon
/// as it is set, without waiting for it.
/// </summary>
internal sealed class FixedClock(DateTimeOffset now, bool timersFireAtOnce = false) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (!timersFireAtOnce)
        {
            return base.CreateTimer(callback, state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return base.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }
}

/// <summary>
/// A plaintext allocator that keeps every buffer it hands out, so a test can check each was zeroed, including
/// those of configs that never reached the target (a later failure, a cancellation).
/// </summary>
internal sealed class RecordingPlaintext
{
    private readonly ConcurrentQueue<byte[]> buffers = new();

    public IReadOnlyList<byte[]> Buffers => [.. buffers];

    public byte[] Allocate(int length)
    {
        var buffer = new byte[length];
        buffers.Enqueue(buffer);
        return buffer;
    }
}
