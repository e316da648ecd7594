using System.ComponentModel;
using System.Diagnostics;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>
/// Runs the app as a child and mirrors its exit status, forwarding signals meanwhile.
///
/// Zombies: when the agent is PID 1 (a container without an init), the .NET runtime's SIGCHLD handler reaps every
/// child, orphans included (pal_signal.c, "reapAll" when getpid() == 1), and still records the exit status of the
/// processes it started. We must not call waitpid(-1) ourselves: it races the runtime, which then fails fast
/// ("Error while reaping child. errno = 10"). When the agent is not PID 1 we deliberately do not become a
/// subreaper (PR_SET_CHILD_SUBREAPER): the runtime would not reap the orphans we adopted, so they would stay
/// zombies; left alone they are re-parented to the real init (or an outer subreaper), whose job reaping is.
/// </summary>
internal static class Supervisor
{
    public static async Task<int> RunAsync(LaunchSpec spec, SuperviseOptions options, CancellationToken ct)
    {
        var path = Path.GetFullPath(CommandResolver.Resolve(spec.Command, PathOf(spec)));

        // Forwarding first: from here on a signal is queued for the app, never lost and never the agent's death.
        using var owned = options.Forwarder is null ? new SignalForwarder(options.ProcessGroup) : null;
        var forwarder = options.Forwarder ?? owned!;
        options.App?.Bind(forwarder);
        try
        {
            options.BeforeStart?.Invoke();
            using (ct.Register(() => forwarder.Forward(LinuxAbi.SigTerm)))
            {
                for (var again = false; ; again = true)
                {
                    using var process = options.ProcessGroup || spec.User is not null
                        ? await StartThroughTrampolineAsync(path, spec, options.ProcessGroup).ConfigureAwait(false) : Start(Direct(path, spec), spec.Command);
                    forwarder.Attach(process.Id);
                    options.App?.Started(process.Id, again);
                    var restart = await WaitAsync(process, forwarder, options.App).ConfigureAwait(false);
                    if (!restart || ct.IsCancellationRequested)
                    {
                        forwarder.Detach();

                        // On Unix, Process.ExitCode is WEXITSTATUS for a normal exit and 128 + WTERMSIG for death by
                        // a signal, which is already the shell convention (see ExitCodes.ForSignal).
                        return process.ExitCode;
                    }

                    forwarder.Suspend();
                }
            }
        }
        finally
        {
            options.App?.Ended();
        }
    }

    /// <summary>
    /// Waits for the app to exit; true when it exited because <paramref name="app"/> asked for a restart (SIGTERM,
    /// then SIGKILL after the grace period). Not cancellable: whatever happens, the agent mirrors the app's status
    /// once the app is gone.
    /// </summary>
    private static async Task<bool> WaitAsync(Process process, SignalForwarder forwarder, SupervisedApp? app)
    {
        var exited = process.WaitForExitAsync(CancellationToken.None);
        if (app is null || await Task.WhenAny(exited, app.Requested).ConfigureAwait(false) == exited)
        {
            await exited.ConfigureAwait(false);
            return false;
        }

        forwarder.Forward(LinuxAbi.SigTerm);
        using var grace = new CancellationTokenSource(app.Grace);
        if (await Task.WhenAny(exited, Task.Delay(Timeout.InfiniteTimeSpan, grace.Token)).ConfigureAwait(false) != exited)
        {
            forwarder.Forward(LinuxAbi.SigKill);
        }

        await exited.ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Starts the re-entered agent and returns once it has exec'ed the app. Signals meanwhile stay queued, so none
    /// reaches the short-lived re-entered agent instead of the app. A failed exec is thrown like exec mode's.
    /// </summary>
    private static async Task<Process> StartThroughTrampolineAsync(string path, LaunchSpec spec, bool newSession)
    {
        using var report = ExecReport.Create(spec.Command);
        var process = Start(ThroughTrampoline(path, spec, report.ChildDescriptor, newSession), spec.Command);
        var errno = await Task.Run(report.WaitForExec).ConfigureAwait(false);
        if (errno is { } failure)
        {
            using (process)
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            throw ExecFailure.FromErrno(spec.Command, failure);
        }

        return process;
    }

    internal static string? PathOf(LaunchSpec spec) =>
        spec.Environment.TryGetValue("PATH", out var value) ? value : null;

    private static ProcessStartInfo Direct(string path, LaunchSpec spec)
    {
        var startInfo = Basic(path, spec);
        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    private static ProcessStartInfo ThroughTrampoline(string path, LaunchSpec spec, string reportDescriptor, bool newSession)
    {
        var self = Environment.ProcessPath;
        if (self is null || Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            throw new SecretAgentException(
                ErrorKind.Usage, "process-group mode and --user need the secret-agent executable, not 'dotnet secret-agent.dll'");
        }

        var startInfo = Basic(self, spec);
        foreach (var argument in SessionTrampoline.Arguments(reportDescriptor, newSession, path, spec))
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    private static ProcessStartInfo Basic(string fileName, LaunchSpec spec)
    {
        // No redirection: the app shares the agent's stdin, stdout and stderr.
        var startInfo = new ProcessStartInfo(fileName) { UseShellExecute = false };
        startInfo.Environment.Clear();
        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }

    private static Process Start(ProcessStartInfo startInfo, string command)
    {
        try
        {
            using var dispositions = InheritedDispositions.ResetForChild();
            return Process.Start(startInfo)
                ?? throw new SecretAgentException(ErrorKind.Internal, $"command '{command}' did not start");
        }
        catch (Win32Exception ex)
        {
            // The file changed between resolving and starting it; report it the way exec mode would.
            throw ExecFailure.FromErrno(command, ex.NativeErrorCode == 0 ? LinuxAbi.ENoEnt : ex.NativeErrorCode);
        }
    }
}
