using System.ComponentModel;
using System.Diagnostics;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Processes;

namespace SecretAgent.Core.Notify;

/// <summary>
/// Runs a command after a change: argv as given (no shell), the agent's stdout and stderr, the app's environment
/// (no SECRET_AGENT_* or AWS identity variables: the command needs no decrypt rights). Killed, with its children,
/// past <see cref="Timeout"/>. Not retried: a reload command need not be idempotent. Its exit status is logged.
/// </summary>
internal sealed class CommandNotifier(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, ILog log) : IChangeNotifier
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public TimeSpan Timeout => timeout;

    /// <summary>Splits <c>--notify-command</c> on white space: no quoting, no shell (a script takes anything more).</summary>
    public static IReadOnlyList<string> Split(string command) =>
        command.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    public static CommandNotifier Create(string command, TimeSpan timeout, ILog log) =>
        new(Split(command), AppEnvironment.Build(AppEnvironment.Current(), [], keepAwsCredentials: false), timeout, log);

    public async Task NotifyAsync(CancellationToken cancellationToken)
    {
        var name = Printable.Escape(argv[0]);
        using var process = Start(name);
        if (process is null)
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested)
            {
                log.Fail($"notify: command '{name}' did not finish within {timeout.TotalSeconds:0.#} s and was killed");
            }

            return;
        }

        if (process.ExitCode == 0)
        {
            log.Info("notify: command ran", ("command", argv[0]), ("exitCode", 0));
        }
        else
        {
            log.Fail($"notify: command '{name}' exited with status {process.ExitCode}", ("exitCode", process.ExitCode));
        }
    }

    private Process? Start(string name)
    {
        try
        {
            var path = CommandResolver.Resolve(argv[0], environment.TryGetValue("PATH", out var value) ? value : null);
            var startInfo = new ProcessStartInfo(path) { UseShellExecute = false };
            foreach (var argument in argv.Skip(1))
            {
                startInfo.ArgumentList.Add(argument);
            }

            startInfo.Environment.Clear();
            foreach (var (key, variable) in environment)
            {
                startInfo.Environment[key] = variable;
            }

            using var dispositions = InheritedDispositions.ResetForChild();
            return Process.Start(startInfo);
        }
        catch (SecretAgentException ex)
        {
            log.Fail($"notify: {ex.Message}");
        }
        catch (Win32Exception ex)
        {
            log.Fail($"notify: command '{name}' cannot run: {Printable.Escape(ex.Message)}");
        }

        return null;
    }
}
