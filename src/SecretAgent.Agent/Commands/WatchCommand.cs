using System.CommandLine;
using System.Runtime.InteropServices;
using SecretAgent.Cli;
using SecretAgent.Core.Posix;
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
        var context = AgentContext.Load(parse);
        var floors = GenerationFloors.Parse(SettingsCatalog.MinGenerations.Read(CliEnvironment.Read), SettingsCatalog.MinGenerations.Variable!);
        using var target = AgentComposition.OpenTarget(context, parse);
        using var signals = new SignalCancellation();
        var request = new WatchRequest(
            AgentComposition.Request(context, parse),
            parse.GetValue(AgentOptions.Interval) ?? SettingsCatalog.DefaultInterval,
            AgentOptions.MaxStaleBound(parse),
            floors);
        var status = StatusWiring.Observer(context, target);
        await using var notifier = AgentComposition.Notifier(parse, context.Log, app: null);
        var seams = new WatchSeams(AgentComposition.Seams(context, target, new AppLauncher(false, new SuperviseOptions(false))), status, notifier)
        {
            Adopted = AdoptedSet.TryRead(target.Path, context.Manifest.Files, context.Log),
        };
        using var watcher = new ConfigWatcher(request, seams);
        await using var listener = StatusWiring.Listen(parse, context, status, () =>
        {
            watcher.RequestRefresh();
            return true;
        });
        using var refresh = PosixSignalRegistration.Create((PosixSignal)LinuxAbi.SigUsr1, signal =>
        {
            signal.Cancel = true;
            watcher.RequestRefresh();
        });
        await AgentComposition.UnderSignalsAsync(signals, async ct =>
        {
            await watcher.StartAsync(ct);
            return 0;
        });
        await watcher.WatchAsync(signals.Token);
        return 0;
    }
}
