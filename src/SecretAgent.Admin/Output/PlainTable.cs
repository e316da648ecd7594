using Spectre.Console;
using Spectre.Console.Rendering;

namespace SecretAgent.Admin.Output;

/// <summary>A borderless table whose cells are plain text (never parsed as Spectre markup).</summary>
internal static class PlainTable
{
    public static Table Create(params string[] headers)
    {
        var table = new Table().Border(TableBorder.None);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header)) { NoWrap = true });
        }

        return table;
    }

    public static void AddPlainRow(this Table table, params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(table);
        table.AddRow(cells.Select(c => (IRenderable)new Text(c)));
    }
}
