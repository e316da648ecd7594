using System.CommandLine;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Output;
using SecretAgent.Core.Processes;

namespace SecretAgent.Cli;

/// <summary>
/// How a failure reaches the user: each program prints its own one line (the agent through its log, the admin tool
/// as "secret-agent-admin: error: ...") and returns the exit code it is given.
/// </summary>
public delegate int FailureWriter(string message, int exitCode);

/// <summary>
/// The edge both executables share: harden the process, guard stdout, parse without response files, and turn every
/// way a command can end into one line and a documented exit code (docs/exit-codes.md).
/// </summary>
public static class CliHost
{
    /// <summary>
    /// Runs <paramref name="root"/> on <paramref name="args"/>. <paramref name="mapFailure"/> lets a program map its own
    /// exception types (a signal, a cancellation) to a message and exit code before the unexpected-failure rule. With
    /// <paramref name="cancelOnTermination"/>, SIGINT/SIGTERM cancel the command's token (System.CommandLine's
    /// handling); without it, signals are the program's own to handle (the agent cancels the fetch or forwards them).
    /// </summary>
    public static Task<int> RunAsync(
        RootCommand root,
        string[] args,
        FailureWriter fail,
        Func<Exception, (string Message, int ExitCode)?>? mapFailure = null,
        bool cancelOnTermination = false)
    {
        // Both programs hold plaintext configs and AWS credentials: no core dump, no same-uid ptrace.
        ProcessHardening.Apply();

        // A closed, full or broken stdout is an I/O error (74) with one line, not an unexpected exception.
        StandardOutputStream.Install();
        return InvokeAsync(root, args, fail, CliEnvironment.Read, mapFailure, cancelOnTermination);
    }

    /// <summary>
    /// <see cref="RunAsync"/> without touching the process (no hardening, stdout as it is): parse, invoke, and map
    /// every failure to one line and an exit code. <paramref name="environment"/> answers SECRET_AGENT_DEBUG.
    /// </summary>
    public static async Task<int> InvokeAsync(
        RootCommand root,
        string[] args,
        FailureWriter fail,
        Func<string, string?> environment,
        Func<Exception, (string Message, int ExitCode)?>? mapFailure = null,
        bool cancelOnTermination = false)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(fail);
        ArgumentNullException.ThrowIfNull(environment);
        try
        {
            // A bad command line is a one-line usage error (64), not a help dump with exit 1. No response files:
            // "@path" is an argument like any other, never a file whose words are spliced into the command line (and
            // echoed in a usage error, secret values included).
            var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (parse.Errors.Count > 0)
            {
                return fail($"{string.Join("; ", parse.Errors.Select(e => e.Message))} (see --help)", ExitCodes.Usage);
            }

            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            if (!cancelOnTermination)
            {
                invocation.ProcessTerminationTimeout = null;
            }

            return await parse.InvokeAsync(invocation);
        }
        catch (SecretAgentException ex)
        {
            return fail(ex.Message, ex.ExitCode);
        }
        catch (Exception ex) when (mapFailure?.Invoke(ex) is { } mapped)
        {
            return fail(mapped.Message, mapped.ExitCode);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return fail(Unexpected(ex, environment), ExitCodes.Internal);
        }
    }

    /// <summary>The type only, since a message from deep inside a library could quote data; all of it with SECRET_AGENT_DEBUG=1.</summary>
    private static string Unexpected(Exception exception, Func<string, string?> environment)
    {
        var detail = SettingsCatalog.WantsDebug(environment) ? exception.ToString() : exception.GetType().Name;
        return $"unexpected failure ({detail}); set {SettingsCatalog.Debug.Variable}=1 for details";
    }
}
