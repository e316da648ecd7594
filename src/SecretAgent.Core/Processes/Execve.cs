using System.Runtime.InteropServices;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>
/// Replaces the current process image. Handlers the runtime installed are reset by execve itself; what execve
/// passes on unchanged is the signal mask and ignored dispositions, so those are put back to what the app would
/// have inherited had it been started directly. execve from a multi-threaded process is fine: the other threads
/// simply vanish with the old image.
/// </summary>
internal static unsafe class Execve
{
    /// <summary>
    /// Does not return on success; returns execve's errno when it failed. <paramref name="lastCheck"/> runs just
    /// before the call, when nothing is left to do but the exec: it may throw to call the exec off.
    /// </summary>
    public static int Replace(string path, LaunchSpec spec, Action? lastCheck)
    {
        using var strings = new NativeStrings();
        var file = strings.String(path);
        var argv = strings.Array([spec.Command, .. spec.Arguments]);
        var envp = strings.Array(spec.Environment.Select(pair => $"{pair.Key}={pair.Value}").ToList());

        int errno;
        using (InheritedDispositions.ResetForChild())
        {
            // Runtime threads may block signals; execve keeps the calling thread's mask, the app expects none.
            var previousMask = ProcessNative.UnblockAllSignals();
            try
            {
                lastCheck?.Invoke();

                // Last, so everything before ran with the agent's privileges; a failure throws and nothing starts.
                spec.User?.Drop();
                _ = ProcessNative.Execve(file, argv, envp);
                errno = Marshal.GetLastPInvokeError();
            }
            finally
            {
                // Still here: the runtime keeps running, so give it back its own settings.
                ProcessNative.RestoreSignalMask(previousMask);
            }
        }

        return errno;
    }
}
