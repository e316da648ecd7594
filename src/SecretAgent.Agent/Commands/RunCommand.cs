using System.CommandLine;
using System.CommandLine.Parsing;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Processes;

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

        // Before anything is read or written: a switch this agent cannot make is refused at once (77).
        var runAs = AgentOptions.RunAsOf(parse);
        var context = AgentContext.Load(parse);
        using var target = AgentComposition.OpenTarget(context, parse);

        // Registered from the fetch until the app starts, so no signal in between is lost or kills the agent with
        // the files live: it cancels (files removed, 128+n) or, once handed off, belongs to the app. The forwarder is
        // registered as early, so a signal the runtime dispatches late still reaches one of the two.
        using var signals = new SignalCancellation();
        using var forwarder = parse.GetValue(AgentOptions.Supervise) ? new SignalForwarder(parse.GetValue(AgentOptions.ProcessGroup)) : null;
        var launcher = new AppLauncher(parse.GetValue(AgentOptions.Supervise), new SuperviseOptions(parse.GetValue(AgentOptions.ProcessGroup), signals.HandOff, forwarder), runAs);
        var request = new RunRequest(AgentComposition.Request(context, parse, runAs?.Owner), app, parse.GetValue(AgentOptions.KeepAwsEnv));
        var seams = AgentComposition.Seams(context, target, launcher);
        return await AgentComposition.UnderSignalsAsync(signals, ct => ConfigDelivery.RunAsync(request, seams, ct));
    }
}
