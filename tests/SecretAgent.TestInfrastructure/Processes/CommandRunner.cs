using System.Diagnostics;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>Runs a real executable with a controlled environment and captures its exit code and output.</summary>
internal static class CommandRunner
{
    public static CommandResult Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, TimeSpan? timeout = null, string? stdin = null)
    {
        using var process = Start(file, args, environment, stdin is not null);
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} {string.Join(' ', args)} did not exit in time");
        }

        return new CommandResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Process Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, bool redirectStdin = false)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
    }
}

internal sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The error lines only (a local-key run also prints its warning).</summary>
    public string[] ErrorLines => StderrLines.Where(l => l.Contains(": error: ", StringComparison.Ordinal)).ToArray();

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
