using System.Runtime.InteropServices;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>
/// Makes the agent's memory (decrypted configs, data keys) harder to read from outside.
/// PR_SET_DUMPABLE 0 stops core dumps and ptrace attach by same-uid processes, and makes /proc/PID/{mem,environ}
/// root-only. execve resets it for the app, so the app keeps normal debuggability.
/// The .NET diagnostics IPC channel (dotnet-dump, dotnet-trace, which can read the heap and environment) is not
/// covered by this: it must be disabled with DOTNET_EnableDiagnostics=0 in the image's environment, because the
/// runtime reads that setting before any of our code runs.
/// </summary>
public static class ProcessHardening
{
    public static void Apply()
    {
        if (ProcessNative.SetDumpable(false) != 0)
        {
            throw new SecretAgentException(
                ErrorKind.Internal,
                $"cannot mark the agent non-dumpable: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    /// <summary>Whether the process is currently dumpable (for tests and diagnostics).</summary>
    public static bool IsDumpable => ProcessNative.GetDumpable() == 1;
}
