using System.CommandLine;
using SecretAgent.Cli;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Notify;
using SecretAgent.Core.Processes;
using SecretAgent.Core.Status;
using SecretAgent.Core.Watch;

namespace SecretAgent.Agent;

/// <summary>
/// The watcher with what <c>watch</c> and <c>run --supervise --watch</c> build around it alike, from the same
/// options: the request (--interval, --max-stale, the deployment's floors), the status file, the notifier (the
/// --notify-* targets and, for a supervised app, --on-change) and the --listen listener, whose POST /refresh polls
/// now. Disposed in reverse: listener, watcher (zeroes the live set), notifier (drops a pending notification).
/// </summary>
internal sealed class WatchSession : IAsyncDisposable
{
    private readonly ScheduledNotifier notifier;
    private readonly StatusListener? listener;

    private WatchSession(ConfigWatcher watcher, ScheduledNotifier notifier, StatusListener? listener)
    {
        Watcher = watcher;
        this.notifier = notifier;
        this.listener = listener;
    }

    public ConfigWatcher Watcher { get; }

    /// <summary>
    /// Throws a Usage error (64) for bad watch, notify or listen options, before any network call; takes
    /// <paramref name="adopted"/> over (disposed with the watcher, or here if this throws).
    /// </summary>
    public static async Task<WatchSession> CreateAsync(ParseResult parse, AgentContext context, DeliverySeams delivery, SupervisedApp? app, AdoptedSet? adopted)
    {
        ScheduledNotifier? notifier = null;
        ConfigWatcher? watcher = null;
        try
        {
            var floors = GenerationFloors.Parse(SettingsCatalog.MinGenerations.Read(CliEnvironment.Read), SettingsCatalog.MinGenerations.Variable!);
            var request = new WatchRequest(
                AgentComposition.Request(context, parse),
                parse.GetValue(AgentOptions.Interval) ?? SettingsCatalog.DefaultInterval,
                AgentOptions.MaxStaleBound(parse),
                floors);
            var status = StatusWiring.Observer(context, delivery.Target);
            notifier = AgentComposition.Notifier(parse, context.Log, app);
            watcher = new ConfigWatcher(request, new WatchSeams(delivery, new CollectAfterRound(status), notifier) { Adopted = adopted });
            var refresh = watcher.RequestRefresh;
            var listener = StatusWiring.Listen(parse, context, status, () =>
            {
                refresh();
                return true;
            });
            return new WatchSession(watcher, notifier, listener);
        }
        catch
        {
            if (watcher is null)
            {
                adopted?.Dispose();
            }

            watcher?.Dispose();
            if (notifier is not null)
            {
                await notifier.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (listener is not null)
        {
            await listener.DisposeAsync();
        }

        Watcher.Dispose();
        await notifier.DisposeAsync();
    }
}
