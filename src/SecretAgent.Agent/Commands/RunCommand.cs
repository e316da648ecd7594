using System.CommandLine;
using System.CommandLine.Parsing;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;
using SecretAgent.Core.Processes;
using SecretAgent.Core.Watch;

namespace SecretAgent.Agent.Commands;

/// <summary><c>secret-agent run [options] -- COMMAND [ARGS...]</c>: deliver the configs, then exec or supervise the app.</summary>
internal static class RunCommand
{
    private static readonly Argument<string[]> CommandLine = new("command") { Description = "The app to start, after --", Arity = ArgumentArity.OneOrMore };

    public static Command Create()
    {
        var command = new Command("run", "Deliver the configs onto the tmpfs, then exec (or supervise) the app");
        AgentOptions.AddCommon(command);
        AgentOptions.AddDelivery(command);
        AgentOptions.AddLaunch(command);
        AgentOptions.AddWatch(command);
        command.Arguments.Add(CommandLine);
        command.SetAction((parse, _) => RunAsync(parse));
        return command;
    }

    /// <summary>
    /// The app's command is exactly what follows "--". The argument would otherwise also soak up a mistyped option
    /// before "--" (run --supervize -- app would try to exec "--supervize").
    /// </summary>
    private static string[] AppCommand(ParseResult parse)
    {
        var separator = parse.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        var afterSeparator = separator < 0 ? [] : parse.Tokens.Skip(separator + 1).Select(t => t.Value).ToArray();
        var app = parse.GetValue(CommandLine) ?? [];
        if (afterSeparator.Length == 0 || !app.SequenceEqual(afterSeparator, StringComparer.Ordinal))
        {
            var stray = app.Except(afterSeparator, StringComparer.Ordinal).FirstOrDefault();
            throw new SecretAgentException(ErrorKind.Usage, stray is null
                ? "usage: secret-agent run [options] -- COMMAND [ARGS...]"
                : $"unrecognized option or argument '{stray}' before -- (usage: secret-agent run [options] -- COMMAND [ARGS...])");
        }

        return afterSeparator;
    }

    private static async Task<int> RunAsync(ParseResult parse)
    {
        var app = AppCommand(parse);
        var watch = AgentOptions.RunWatches(parse);
        var supervise = parse.GetValue(AgentOptions.Supervise);

        // The forwarder first: from here on every signal it forwards (USR1 included) is queued for the app, never
        // the agent's death while it loads the manifest or opens the target.
        using var forwarder = supervise ? new SignalForwarder(parse.GetValue(AgentOptions.ProcessGroup)) : null;

        // Before anything is read or written: a switch this agent cannot make is refused at once (77).
        var runAs = AgentOptions.RunAsOf(parse);
        var context = AgentContext.Load(parse);
        using var target = AgentComposition.OpenTarget(context, parse);

        // Registered from the fetch until the app starts, so no signal in between is lost or kills the agent with
        // the files live: it cancels (files removed, 128+n) or, once handed off, belongs to the app.
        using var signals = new SignalCancellation();
        var supervised = watch ? new SupervisedApp() : null;
        var launcher = new AppLauncher(supervise, new SuperviseOptions(parse.GetValue(AgentOptions.ProcessGroup), signals.HandOff, forwarder, supervised), runAs);
        var request = new RunRequest(AgentComposition.Request(context, parse, runAs?.Owner), app, parse.GetValue(AgentOptions.KeepAwsEnv));
        var seams = AgentComposition.Seams(context, target, launcher);
        return supervised is null
            ? await AgentComposition.UnderSignalsAsync(signals, ct => ConfigDelivery.RunAsync(request, seams, ct))
            : await RunWatchingAsync(parse, context, request, seams, signals, supervised);
    }

    /// <summary>
    /// run --supervise --watch: the watcher's start is run's delivery (always a fresh fetch: an app start gets the
    /// current set, and a failure means no app, with run's exit code); once the app runs the watcher polls beside it
    /// and signals or restarts it on a swap (--on-change). The agent mirrors the app's exit; the watcher stops then
    /// and the files stay, as after run --supervise. Past --max-stale the app is sent TERM and the agent exits 69
    /// once it has gone.
    /// </summary>
    private static async Task<int> RunWatchingAsync(ParseResult parse, AgentContext context, RunRequest request, DeliverySeams seams, SignalCancellation signals, SupervisedApp app)
    {
        await using var session = await WatchSession.CreateAsync(parse, context, seams, app, adopted: null);
        await AgentComposition.UnderSignalsAsync(signals, async ct =>
        {
            await session.Watcher.StartAsync(ct);
            return 0;
        });
        var launching = LaunchAsync(request, seams, signals, session.Watcher);

        // Poll only once the app runs: an app that never ran clears the target, which no swap may race.
        if (await Task.WhenAny(launching, app.FirstStart) == launching)
        {
            return await launching;
        }

        using var stop = new CancellationTokenSource();
        var watching = WatchBesideAsync(session.Watcher, app, stop.Token);
        try
        {
            var status = await launching;
            await stop.CancelAsync();
            await watching;
            return status;
        }
        finally
        {
            await stop.CancelAsync();
            await watching.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static Task<int> LaunchAsync(RunRequest request, DeliverySeams seams, SignalCancellation signals, ConfigWatcher watcher)
    {
        IReadOnlyList<KeyValuePair<string, string>> variables;
        try
        {
            // env: true configs are exported at the app's start, from the set just delivered, like run's.
            variables = watcher.EnvFileVariables();
        }
        catch (SecretAgentException)
        {
            seams.Target.Clear();
            throw;
        }

        return AgentComposition.UnderSignalsAsync(signals, _ => ConfigDelivery.LaunchAsync(request, seams, variables));
    }

    // A watch that gives up (--max-stale) stops the app through the supervisor; the agent then exits 69, not the app's code.
    private static async Task WatchBesideAsync(ConfigWatcher watcher, SupervisedApp app, CancellationToken stop)
    {
        try
        {
            await watcher.WatchAsync(stop);
        }
        catch (SecretAgentException)
        {
            app.Signal(LinuxAbi.SigTerm);
            throw;
        }
    }
}
