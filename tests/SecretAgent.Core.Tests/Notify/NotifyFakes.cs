using System.Threading.Channels;
using SecretAgent.Core.Notify;

namespace SecretAgent.Core.Tests.Notify;

/// <summary>A notifier that counts its calls and can be held open by the test.</summary>
internal sealed class CountingNotifier : IChangeNotifier
{
    private readonly Channel<bool> calls = Channel.CreateUnbounded<bool>();
    private int count;

    public int Count => Volatile.Read(ref count);

    /// <summary>When set, each call waits for it (a notification still running).</summary>
    public TaskCompletionSource? Hold { get; set; }

    public async Task NotifyAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref count);
        calls.Writer.TryWrite(true);
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }
    }

    public async Task WaitForCallAsync() =>
        _ = await calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
}

/// <summary>A random source whose every draw is <paramref name="value"/>.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;
}
