using Spectre.Console;

namespace SecretAgent.Admin.Output;

/// <summary>
/// Spectre consoles: tables on stdout, progress on stderr only when stderr is a terminal (so scripts and logs see
/// plain one-line results and errors).
/// </summary>
internal static class Consoles
{
    // Tables written to a pipe are not wrapped at 80 columns: version ids and dates must stay on one line.
    private const int PipeWidth = 240;

    public static IAnsiConsole Stdout()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = PipeWidth;
        }

        return console;
    }

    /// <summary>Runs <paramref name="work"/> under a spinner on stderr if it is a terminal; otherwise just runs it.</summary>
    public static async Task<T> WithStatusAsync<T>(string status, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Console.IsErrorRedirected)
        {
            return await work();
        }

        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await stderr.Status().StartAsync(Markup.Escape(status), _ => work());
    }
}
