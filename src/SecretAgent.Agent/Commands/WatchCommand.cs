using System.CommandLine;
using SecretAgent.Core.Processes;
using SecretAgent.Core.Watch;

namespace SecretAgent.Agent.Commands;

/// <summary>
/// <c>secret-agent watch</c>: the sidecar. Delivers like fetch (or adopts the set a previous agent left), then polls
/// every --interval and swaps changes in. SIGUSR1 polls now. TERM, INT, HUP or QUIT during the start cancel it like
/// fetch (128+n, nothing half-written); after it they stop the watch cleanly: exit 0, and the files stay, because
/// they are the running app's (a sidecar restarting must not pull them away).
/// </summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var command = new Command("watch", "Deliver the configs, then keep them current: poll, swap changes in atomically, tell the app (sidecar)");
        AgentOptions.AddCommon(command);
        AgentOptions.AddDelivery(command);
        command.Options.Add(AgentOptions.Interval);
        AgentOptions.AddStatus(command);
        AgentOptions.AddNotify(command);
        command.SetAction((parse, _) => RunAsync(parse));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse)
    {
        // First, so an early USR1 is a poll, never the agent's death (its default action terminates).
        using var refresh = new RefreshSignal();
        var context = AgentContext.Load(parse);
        using var target = AgentComposition.OpenTarget(context, parse);
        using var signals = new SignalCancellation();
        var delivery = AgentComposition.Seams(context, target, new AppLauncher(false, new SuperviseOptions(false)));
        var adopted = AdoptedSet.TryRead(target.Path, context.Manifest.Files, context.Log);
        await using var session = await WatchSession.CreateAsync(parse, context, delivery, app: null, adopted);
        refresh.Attach(session.Watcher.RequestRefresh);
        await AgentComposition.UnderSignalsAsync(signals, async ct =>
        {
            await session.Watcher.StartAsync(ct);
            return 0;
        });
        await session.Watcher.WatchAsync(signals.Token);
        return 0;
    }
}
