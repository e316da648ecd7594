using System.Collections;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Processes;

namespace SecretAgent.Agent;

/// <summary>
/// TEMPORARY minimal host for the process launcher's black-box tests:
/// <c>secret-agent run [--supervise] [--process-group] -- COMMAND [ARGS...]</c>. The real command line replaces it.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        try
        {
            var environment = CurrentEnvironment();
            if (SessionTrampoline.IsRequested(args))
            {
                return SessionTrampoline.Run(args, environment);
            }

            ProcessHardening.Apply();
            return await RunAsync(args, environment);
        }
        catch (SecretAgentException ex)
        {
            await Console.Error.WriteLineAsync($"secret-agent: error: {ex.Message}");
            return ex.ExitCode;
        }
    }

    private static async Task<int> RunAsync(string[] args, Dictionary<string, string> environment)
    {
        var separator = Array.IndexOf(args, "--");
        if (args.Length == 0 || args[0] != "run" || separator < 0 || separator == args.Length - 1)
        {
            throw new SecretAgentException(
                ErrorKind.Usage, "usage: secret-agent run [--supervise] [--process-group] -- COMMAND [ARGS...]");
        }

        var options = args[1..separator];
        var spec = new LaunchSpec(args[separator + 1], args[(separator + 2)..], environment);
        var launcher = new ProcessLauncher();
        return options.Contains("--supervise")
            ? await launcher.SuperviseAsync(spec, new SuperviseOptions(options.Contains("--process-group")), CancellationToken.None)
            : launcher.Exec(spec);
    }

    private static Dictionary<string, string> CurrentEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        return environment;
    }
}
