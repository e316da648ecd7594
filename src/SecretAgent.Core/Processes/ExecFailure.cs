using System.Runtime.InteropServices;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>Maps a failed exec to the shell's statuses: ENOENT is 127 (not found), anything else 126.</summary>
internal static class ExecFailure
{
    public static SecretAgentException FromErrno(string command, int errno) => errno switch
    {
        LinuxAbi.ENoEnt => CommandResolver.NotFound(command),
        _ => new SecretAgentException(
            ErrorKind.NotExecutable,
            $"cannot execute command '{command}': {Marshal.GetPInvokeErrorMessage(errno)}"),
    };
}
