using System.CommandLine;
using SecretAgent.Aws;
using SecretAgent.Core.Agent;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Storage;

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
                await CheckObjectsAsync(context, ct);
            }

            Console.Out.WriteLine(Printable.Escape($"ok: {context.Manifest.Files.Count} configs from {context.Source.Scope}, keys {string.Join(",", context.Settings.KmsKeyIds)}, target {context.Settings.Dir}"));
            return 0;
        });
        return command;
    }

    private static async Task CheckObjectsAsync(AgentContext context, CancellationToken cancellationToken)
    {
        var (store, _) = Backends.Create(context.Source, context.Settings.KmsGrantTokens);
        var checks = context.Manifest.Files.Select(async file =>
        {
            var info = await store.HeadAsync(context.Source.ObjectKey(file.Name), cancellationToken);
            if (info is null)
            {
                if (!file.Optional)
                {
                    throw new SecretAgentException(ErrorKind.NotFound, $"object {context.Source.Scope}{file.Name} not found", file.Name);
                }

                context.Log.Warn("optional config not found", ("config", file.Name.Value));
                return;
            }

            var envelope = EnvelopeReader.Parse(info.Metadata, file.Name);
            EnvelopeReader.VerifyBinding(envelope, ConfigFetcher.ExpectedFor(file, context.Source));
            context.Log.Info("object ok", ("config", file.Name.Value), ("format", envelope.Format), ("generation", envelope.Generation), ("version", info.VersionId));
        });
        await Task.WhenAll(checks);
    }
}
