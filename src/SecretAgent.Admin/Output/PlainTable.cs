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
        // Cells hold object keys read from the bucket: whoever can write it must not get to rewrite the terminal.
        table.AddRow(cells.Select(c => (IRenderable)new Text(Core.Errors.Printable.Escape(c))));
    }
}
