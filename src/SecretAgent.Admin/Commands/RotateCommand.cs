using System.CommandLine;
using SecretAgent.Admin.Output;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;
using SecretAgent.Publishing;

namespace SecretAgent.Admin.Commands;

/// <summary>
/// <c>rotate [--kms-key-id NEW] [--allow-key OLD] [NAME...]</c>: re-encrypt the latest version of each config (all of
/// them by default) under a fresh data key from <c>--kms-key-id</c>, as its next generation. One line of progress per
/// config on stderr; a config that fails is reported and the others go on; the exit code is the first failure's.
/// </summary>
internal static class RotateCommand
{
    private static readonly Argument<string[]> Names = new("NAME")
    {
        Description = "Configs to rotate (default: every config under the source)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static readonly Option<string[]> AllowKey = EarlierKeys.Create();

    public static Command Create()
    {
        var command = new Command("rotate", "Re-encrypt configs under fresh data keys (and --kms-key-id, which may be a new key)") { Names, AllowKey };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var given = (parse.GetValue(Names) ?? []).Select(ConfigName.Parse).ToList();
        var context = AdminContext.Load(parse);
        var keyId = context.KeyId;
        var earlier = EarlierKeys.Read(parse, AllowKey);
        var names = given.Count > 0 ? given : await AllAsync(context, cancellationToken);
        var results = new List<RepublishResult>();
        var failures = new List<SecretAgentException>();
        for (var i = 0; i < names.Count; i++)
        {
            try
            {
                var result = await context.Republisher.RotateAsync(names[i], keyId, earlier, cancellationToken);
                PutCommand.WarnAboutSkipped(context, result.Published);
                results.Add(result);
                Console.Error.WriteLine($"{Program.Name}: [{i + 1}/{names.Count}] {RepublishOutput.Line("rotated", result)}");
            }
            catch (SecretAgentException ex)
            {
                failures.Add(ex);
                Console.Error.WriteLine($"{Program.Name}: [{i + 1}/{names.Count}] failed: {ex.Message}");
            }
        }

        Print(context, results);
        return failures.Count == 0
            ? 0
            : throw new SecretAgentException(failures[0].Kind, $"rotated {results.Count} of {names.Count} configs; {failures.Count} failed (first: {failures[0].Message})");
    }

    // Every config under the source, by name; a key that is not a config name is refused as put would refuse it.
    private static async Task<List<ConfigName>> AllAsync(AdminContext context, CancellationToken cancellationToken)
    {
        var configs = await Consoles.WithStatusAsync($"Listing {context.Source.Location}", () => context.Catalog.ListAsync(cancellationToken));
        return configs.Select(c => ConfigName.Parse(c.Name)).ToList();
    }

    private static void Print(AdminContext context, List<RepublishResult> results)
    {
        if (context.Json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteStartArray();
                foreach (var result in results)
                {
                    w.WriteStartObject();
                    w.WriteString("name", result.Published.Name);
                    w.WriteNumber("generation", result.Published.Generation);
                    w.WriteNullable("versionId", result.Published.VersionId);
                    w.WriteString("keyArn", result.Published.KeyArn);
                    w.WriteNumber("fromGeneration", result.FromGeneration);
                    w.WriteNullable("fromVersionId", result.FromVersionId);
                    w.WriteString("fromKeyArn", result.FromKeyArn);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
            return;
        }

        foreach (var result in results)
        {
            Console.Out.WriteLine(RepublishOutput.Line("rotated", result));
        }
    }
}
