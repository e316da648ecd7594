using System.CommandLine;
using SecretAgent.Agent.Commands;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Processes;

namespace SecretAgent.Agent;

/// <summary>Composition root of secret-agent: wires commands and maps failures to one-line errors and exit codes.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // Process-group mode re-enters the binary to setsid() before exec; that path must stay tiny.
        if (SessionTrampoline.IsRequested(args))
        {
            return RunTrampoline(args);
        }

        ProcessHardening.Apply();

        // check and policy print to stdout: a closed or full stdout is an I/O error (74), not an unexpected one.
        Core.Output.StandardOutputStream.Install();
        var root = new RootCommand("secret-agent: delivers encrypted configs from S3 via KMS onto a tmpfs, then starts the app")
        {
            RunCommand.Create(),
            FetchCommand.Create(),
            CheckCommand.Create(),
            PolicyCommand.Create(),
        };
        try
        {
            // Like secret-agent-admin: a bad command line is a one-line usage error (64), not a help dump with exit 1.
            // No response files: "@path" is an argument like any other, never a file whose words are spliced into
            // the command line (and echoed in a usage error, secret values included).
            var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (parse.Errors.Count > 0)
            {
                return Fail($"{string.Join("; ", parse.Errors.Select(e => e.Message))} (see --help)", ExitCodes.Usage);
            }

            // Signals are ours to handle (cancel the fetch, forward to the app), not System.CommandLine's.
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (SecretAgentException ex)
        {
            return Fail(ex.Message, ex.ExitCode);
        }
        catch (CancelledBySignalException ex)
        {
            return Fail(ex.Message, ex.ExitCode);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unexpected: the type only, since a message from deep inside a library could quote data.
            var detail = Environment.GetEnvironmentVariable("SECRET_AGENT_DEBUG") == "1" ? ex.ToString() : ex.GetType().Name;
            return Fail($"unexpected failure ({detail}); set SECRET_AGENT_DEBUG=1 for details", ExitCodes.Internal);
        }
    }

    private static int RunTrampoline(string[] args)
    {
        try
        {
            return SessionTrampoline.Run(args, Core.Delivery.AppEnvironment.Current());
        }
        catch (SecretAgentException ex)
        {
            return Fail(ex.Message, ex.ExitCode);
        }
    }

    private static int Fail(string message, int code)
    {
        var json = WantsJson();
        var log = new StderrLog(AgentContext.Program, json);
        if (json)
        {
            log.Fail(message, ("exitCode", code));
        }
        else
        {
            log.Fail(message);
        }

        return code;
    }

    // Errors can happen before options are bound (a parse error, a bad manifest), so look at the raw arguments.
    private static bool WantsJson()
    {
        var args = Environment.GetCommandLineArgs().TakeWhile(a => a != "--").ToArray();
        var index = Array.IndexOf(args, "--log-format");
        return args.Contains("--log-format=json") || (index >= 0 && index + 1 < args.Length && args[index + 1] == "json");
    }
}
