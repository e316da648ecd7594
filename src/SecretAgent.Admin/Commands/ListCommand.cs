using System.CommandLine;
using System.Globalization;
using SecretAgent.Admin.Output;
using SecretAgent.Core.Catalog;

namespace SecretAgent.Admin.Commands;

/// <summary>
/// <c>ls</c>: the configs under the source, from object metadata only. Nothing is decrypted, so no KMS key is
/// needed and none is shown (S3EC metadata does not record the key; put and get --json report the key ARN).
/// </summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var command = new Command("ls", "List the configs under the source (metadata only; nothing is decrypted)");
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var context = AdminContext.Load(parse);
        var configs = await Consoles.WithStatusAsync($"Listing {context.Source.Location}", () => context.Catalog.ListAsync(cancellationToken));
        if (context.Json)
        {
            PrintJson(configs);
        }
        else
        {
            PrintTable(configs);
        }

        return 0;
    }

    private static void PrintTable(IReadOnlyList<ConfigSummary> configs)
    {
        var table = PlainTable.Create("NAME", "GENERATION", "FORMAT", "SIZE", "LAST MODIFIED", "VERSION", "STATUS");
        foreach (var config in configs)
        {
            table.AddPlainRow(
                config.Name,
                config.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-",
                config.Format?.ToString().ToLowerInvariant() ?? "-",
                config.Size.ToString(CultureInfo.InvariantCulture),
                JsonOutput.Time(config.LastModified),
                config.VersionId ?? "-",
                config.Problem ?? "ok");
        }

        Consoles.Stdout().Write(table);
    }

    private static void PrintJson(IReadOnlyList<ConfigSummary> configs) => JsonOutput.Write(w =>
    {
        w.WriteStartArray();
        foreach (var config in configs)
        {
            w.WriteStartObject();
            w.WriteString("name", config.Name);
            w.WriteNullable("generation", config.Generation);
            w.WriteNullable("format", config.Format?.ToString().ToLowerInvariant());
            w.WriteNumber("size", config.Size);
            w.WriteString("lastModified", JsonOutput.Time(config.LastModified));
            w.WriteNullable("versionId", config.VersionId);
            w.WriteNullable("problem", config.Problem);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });
}
