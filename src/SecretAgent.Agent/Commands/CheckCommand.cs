using System.CommandLine;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;

namespace SecretAgent.Agent.Commands;

/// <summary>
/// <c>secret-agent check [--online]</c>: validate the manifest and settings; online, confirm each object exists, is
/// in our format and is bound to the expected name and scope — without decrypting anything.
/// </summary>
internal static class CheckCommand
{
    private static readonly Option<bool> Online = new("--online") { Description = "Also look at each object in the store (HEAD only; nothing is decrypted)" };

    public static Command Create()
    {
        var command = new Command("check", "Validate the manifest and settings; with --online, each stored object too");
        AgentOptions.AddCommon(command);
        command.Options.Add(Online);
        command.SetAction(async (parse, ct) =>
        {
            var context = AgentContext.Load(parse);
            if (parse.GetValue(Online))
            {
                await OnlineCheck.CheckAsync(context.Manifest.Files, AgentComposition.Reader(context.Source), context.Log, ct);
            }

            Console.Out.WriteLine(Printable.Escape($"ok: {context.Manifest.Files.Count} configs from {context.Source.Location}{(context.Source.HasLogicalScope ? $" (scope {context.Source.Scope})" : string.Empty)}, keys {string.Join(",", context.Settings.KmsKeyIds)}, target {context.Settings.Dir}"));
            return 0;
        });
        return command;
    }
}
