using System.CommandLine;
using SecretAgent.Admin.Output;
using SecretAgent.Core.Storage;

namespace SecretAgent.Admin.Commands;

/// <summary>
/// <c>rollback NAME --to VERSION</c>: publish an earlier version's content again as the next, higher generation, so
/// agents take it as a change and never as a rollback attack. VERSION is a version id from history, or a generation.
/// </summary>
internal static class RollbackCommand
{
    private static readonly Argument<string> Name = new("NAME") { Description = "Config name" };

    private static readonly Option<string> To = new("--to")
    {
        Description = "The version to restore: an S3 version id (see history) or a generation",
        HelpName = "VERSION",
        Required = true,
    };

    private static readonly Option<string[]> AllowKey = EarlierKeys.Create();

    public static Command Create()
    {
        var command = new Command("rollback", "Publish an earlier version's content again as the next generation") { Name, To, AllowKey };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var name = ConfigName.Parse(parse.GetValue(Name));
        var to = parse.GetValue(To)!;
        var context = AdminContext.Load(parse);
        var keyId = context.KeyId;
        var result = await Consoles.WithStatusAsync(
            $"Rolling back {name} to {to}",
            () => context.Republisher.RollbackAsync(name, to, keyId, EarlierKeys.Read(parse, AllowKey), cancellationToken));
        PutCommand.WarnAboutSkipped(context, result.Published);
        if (context.Json)
        {
            RepublishOutput.WriteJson(context, result);
        }
        else
        {
            Console.Out.WriteLine(RepublishOutput.Line("rolled back", result));
        }

        return 0;
    }
}
