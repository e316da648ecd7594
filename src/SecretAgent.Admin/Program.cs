using System.CommandLine;
using SecretAgent.Admin.Commands;
using SecretAgent.Cli;
using SecretAgent.Core.Errors;

namespace SecretAgent.Admin;

/// <summary>Entry point of secret-agent-admin: the commands, run by the shared CLI host; failures print one line.</summary>
internal static class Program
{
    public const string Name = "secret-agent-admin";

    private static Task<int> Main(string[] args)
    {
        var root = new RootCommand($"{Name}: encrypt configs under a KMS key into S3 (S3 Encryption Client format) for secret-agent")
        {
            AdminOptions.Source,
            AdminOptions.Scope,
            AdminOptions.KmsKeyId,
            AdminOptions.Json,
            PutCommand.Create(),
            GetCommand.Create(),
            ListCommand.Create(),
            HistoryCommand.Create(),
            RemoveCommand.Create(),
            RollbackCommand.Create(),
            RotateCommand.Create(),
            VerifyCommand.Create(),
            PolicyCommand.Create(),
        };
        return CliHost.RunAsync(root, args, Fail, MapFailure, cancelOnTermination: true);
    }

    // Ctrl+C cancels the command's token; whatever it was doing ends as one "cancelled" line.
    private static (string, int)? MapFailure(Exception exception) =>
        exception is OperationCanceledException ? ("cancelled", ErrorKind.Cancelled.ExitCode()) : null;

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"{Name}: error: {message}");
        return code;
    }
}
