using System.CommandLine;
using SecretAgent.Admin.Commands;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Processes;

namespace SecretAgent.Admin;

/// <summary>Composition root of secret-agent-admin: wires commands and maps failures to one-line errors and exit codes.</summary>
internal static class Program
{
    public const string Name = "secret-agent-admin";

    private static async Task<int> Main(string[] args)
    {
        // The tool holds plaintext configs and AWS credentials: no core dump, no same-uid ptrace, like the agent.
        ProcessHardening.Apply();
        // A closed, full or broken stdout is an I/O error (74) with one line, not an unexpected exception.
        Core.Output.StandardOutputStream.Install();
        var root = new RootCommand($"{Name}: encrypt configs under a KMS key into S3 (S3 Encryption Client format) for secret-agent")
        {
            AdminOptions.Source,
            AdminOptions.KmsKeyId,
            AdminOptions.Json,
            PutCommand.Create(),
            GetCommand.Create(),
            ListCommand.Create(),
            HistoryCommand.Create(),
            RemoveCommand.Create(),
        };
        try
        {
            // No response files: "put name @./db.json" must not splice the file's words into the command line, where
            // a usage error would echo them; "@path" is a plain argument.
            var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (parse.Errors.Count > 0)
            {
                return Fail($"{string.Join("; ", parse.Errors.Select(e => e.Message))} (see --help)", ExitCodes.Usage);
            }

            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (SecretAgentException ex)
        {
            return Fail(ex.Message, ex.ExitCode);
        }
        catch (OperationCanceledException)
        {
            return Fail("cancelled", ErrorKind.Cancelled.ExitCode());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unexpected: the type only, since a message from deep inside a library could quote data.
            var detail = Environment.GetEnvironmentVariable("SECRET_AGENT_DEBUG") == "1" ? ex.ToString() : ex.GetType().Name;
            return Fail($"unexpected failure ({detail}); set SECRET_AGENT_DEBUG=1 for details", ExitCodes.Internal);
        }
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"{Name}: error: {message}");
        return code;
    }
}
