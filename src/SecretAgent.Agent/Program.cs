using System.CommandLine;
using SecretAgent.Agent.Commands;
using SecretAgent.Cli;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Processes;

namespace SecretAgent.Agent;

/// <summary>Entry point of secret-agent: the session trampoline, else the commands run by the shared CLI host.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // Process-group mode re-enters the binary to setsid() before exec; that path must stay tiny.
        if (SessionTrampoline.IsRequested(args))
        {
            return RunTrampoline(args);
        }

        var root = new RootCommand("secret-agent: delivers encrypted configs from S3 via KMS onto a tmpfs, then starts the app")
        {
            RunCommand.Create(),
            FetchCommand.Create(),
            WatchCommand.Create(),
            CheckCommand.Create(),
            PolicyCommand.Create(),
            HealthCommand.Create(),
        };
        return await CliHost.RunAsync(root, args, Fail, MapFailure);
    }

    // A signal during the start exits 128+n, as if it had killed the agent.
    private static (string, int)? MapFailure(Exception exception) =>
        exception is CancelledBySignalException signal ? (signal.Message, signal.ExitCode) : null;

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
        var flag = SettingsCatalog.LogFormat.Flag!;
        var index = Array.IndexOf(args, flag);
        return args.Contains($"{flag}=json") || (index >= 0 && index + 1 < args.Length && args[index + 1] == "json");
    }
}
