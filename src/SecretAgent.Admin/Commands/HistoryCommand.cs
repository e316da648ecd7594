using System.CommandLine;
using System.Globalization;
using SecretAgent.Admin.Output;
using SecretAgent.Core.Catalog;
using SecretAgent.Core.Storage;

namespace SecretAgent.Admin.Commands;

/// <summary><c>history NAME</c>: every stored version of a config, newest first, with its generation (metadata only).</summary>
internal static class HistoryCommand
{
    private static readonly Argument<string> Name = new("NAME") { Description = "Config name" };

    public static Command Create()
    {
        var command = new Command("history", "List the stored versions of a config, newest first") { Name };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var name = ConfigName.Parse(parse.GetValue(Name));
        var context = AdminContext.Load(parse);
        var versions = await Consoles.WithStatusAsync($"Reading the history of {name}", () => context.Catalog.HistoryAsync(name, cancellationToken));
        if (context.Json)
        {
            PrintJson(name, versions);
        }
        else
        {
            PrintTable(versions);
        }

        return 0;
    }

    private static void PrintTable(IReadOnlyList<ConfigVersion> versions)
    {
        var table = PlainTable.Create("VERSION", "GENERATION", "SIZE", "DATE", "LATEST", "STATUS");
        foreach (var version in versions)
        {
            table.AddPlainRow(
                version.VersionId ?? "-",
                version.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-",
                version.IsDeleteMarker ? "-" : version.Size.ToString(CultureInfo.InvariantCulture),
                JsonOutput.Time(version.LastModified),
                version.IsLatest ? "latest" : string.Empty,
                version.IsDeleteMarker ? "deleted" : version.Problem ?? "ok");
        }

        Consoles.Stdout().Write(table);
    }

    private static void PrintJson(string name, IReadOnlyList<ConfigVersion> versions) => JsonOutput.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteStartArray("versions");
        foreach (var version in versions)
        {
            w.WriteStartObject();
            w.WriteNullable("versionId", version.VersionId);
            w.WriteNullable("generation", version.Generation);
            w.WriteNumber("size", version.Size);
            w.WriteString("lastModified", JsonOutput.Time(version.LastModified));
            w.WriteBoolean("latest", version.IsLatest);
            w.WriteBoolean("deleteMarker", version.IsDeleteMarker);
            w.WriteNullable("problem", version.Problem);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
