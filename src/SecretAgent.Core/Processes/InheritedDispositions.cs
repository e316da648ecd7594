using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>
/// Undoes, for the duration of a launch, the signal dispositions the .NET runtime set to SIG_IGN for itself, so the
/// app inherits SIG_DFL as it would if started directly (a handler is reset by execve, but "ignored" survives it).
/// The CoreCLR PAL ignores SIGPIPE so that writes to closed sockets and pipes return EPIPE; System.Native
/// (pal_signal.c) leaves signals that were already ignored alone and otherwise installs handlers, so SIGPIPE is
/// the only one. System.Diagnostics.Process passes ignored signals on too (its child resets only handlers), so
/// supervise mode needs this as much as exec mode.
/// While it is in effect, a write to a broken pipe by another thread would kill the agent; sockets are not
/// affected (.NET sends with MSG_NOSIGNAL), and the window is the fork+exec of one child.
/// </summary>
internal sealed class InheritedDispositions : IDisposable
{
    private static readonly int[] IgnoredByRuntime = [LinuxAbi.SigPipe];
    private static readonly Lock Gate = new();

    private readonly nint[] previous;

    private InheritedDispositions()
    {
        Gate.Enter();
        previous = IgnoredByRuntime.Select(ProcessNative.ResetToDefault).ToArray();
    }

    public static InheritedDispositions ResetForChild() => new();

    public void Dispose()
    {
        for (var i = 0; i < IgnoredByRuntime.Length; i++)
        {
            ProcessNative.RestoreHandler(IgnoredByRuntime[i], previous[i]);
        }

        Gate.Exit();
    }
}
