using System.CommandLine;
using SecretAgent.Cli;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Status;

namespace SecretAgent.Agent.Commands;

/// <summary>
/// <c>secret-agent health [--dir DIR] [--max-stale DURATION]</c>: exit 0 when the set in the target is complete (and,
/// under a watcher with --max-stale, fresh), 1 otherwise, with one line. Reads no manifest and makes no network call,
/// so it is a cheap exec-form probe (Docker HEALTHCHECK, ECS healthCheck, Kubernetes exec probes) in a shell-less image.
/// </summary>
internal static class HealthCommand
{
    public static Command Create()
    {
        var command = new Command("health", "Exit 0 when the delivered set is complete (and, with --max-stale, fresh); for health checks and probes");
        command.Options.Add(AgentOptions.Dir);
        command.Options.Add(AgentOptions.MaxStale);
        command.SetAction(parse =>
        {
            var maxStale = AgentOptions.MaxStaleBound(parse);
            var dir = parse.GetValue(AgentOptions.Dir) ?? SettingsCatalog.Dir.Read(CliEnvironment.Read) ?? SettingsCatalog.DefaultDir;
            var result = Check(dir, maxStale);
            if (result.Healthy)
            {
                Console.Out.WriteLine(Printable.Escape(result.Line));
                return ExitCodes.Ok;
            }

            Console.Error.WriteLine(Printable.Escape($"{AgentContext.Program}: {result.Line}"));
            return ExitCodes.Unhealthy;
        });
        return command;
    }

    // A receipt or status file we cannot read is an unhealthy answer too, not a crash of the probe.
    private static HealthResult Check(string dir, TimeSpan? maxStale)
    {
        try
        {
            return HealthCheck.Check(dir, maxStale, TimeProvider.System.GetUtcNow());
        }
        catch (Exception e) when (e is SecretAgentException or IOException or UnauthorizedAccessException)
        {
            return new HealthResult(false, "unhealthy: " + (e is SecretAgentException ? e.Message : $"cannot read {dir}: {e.GetType().Name}"));
        }
    }
}
