using System.CommandLine;
using SecretAgent.Admin.Output;
using SecretAgent.Core.Storage;

namespace SecretAgent.Admin.Commands;

/// <summary>
/// <c>rm NAME</c>: delete the latest version without asking (scripts call it). In a versioned bucket this adds a
/// delete marker; older versions stay and a later put continues above their generations.
/// </summary>
internal static class RemoveCommand
{
    private static readonly Argument<string> Name = new("NAME") { Description = "Config name" };

    public static Command Create()
    {
        var command = new Command("rm", "Delete a config (older versions remain in a versioned bucket)") { Name };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var name = ConfigName.Parse(parse.GetValue(Name));
        var context = AdminContext.Load(parse);
        await Consoles.WithStatusAsync($"Deleting {name}", async () =>
        {
            await context.Publisher.DeleteAsync(name, cancellationToken);
            return true;
        });
        if (context.Json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteBoolean("deleted", true);
                w.WriteEndObject();
            });
        }
        else
        {
            Console.Out.WriteLine($"deleted {name}");
        }

        return 0;
    }
}
