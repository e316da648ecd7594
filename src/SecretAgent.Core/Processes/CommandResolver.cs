using System.Runtime.InteropServices;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Processes;

/// <summary>
/// Finds the file a command names, the way execvp(3) does, so that both launch modes report the same exact error
/// (127 not found, 126 not executable) before anything is started.
/// </summary>
public static class CommandResolver
{
    /// <summary>The PATH execvp and most shells use when the environment has none.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// Returns the path to execute. A command containing '/' is used as is; otherwise each PATH entry is tried in
    /// order (an empty entry is the current directory). Throws CommandNotFound when nothing matches and
    /// NotExecutable when only directories or files without execute permission match.
    /// </summary>
    public static string Resolve(string command, string? pathVariable)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Length == 0)
        {
            throw NotFound(command);
        }

        if (command.Contains('/', StringComparison.Ordinal))
        {
            return Check(command) switch
            {
                Candidate.Executable => command,
                Candidate.NotExecutable => throw NotExecutable(command),
                _ => throw NotFound(command),
            };
        }

        var sawNotExecutable = false;
        foreach (var directory in (pathVariable ?? DefaultPath).Split(':'))
        {
            var candidate = Path.Join(directory.Length == 0 ? "." : directory, command);
            switch (Check(candidate))
            {
                case Candidate.Executable:
                    return candidate;
                case Candidate.NotExecutable:
                    // execvp keeps searching after EACCES and reports it only if nothing later matches.
                    sawNotExecutable = true;
                    break;
            }
        }

        throw sawNotExecutable ? NotExecutable(command) : NotFound(command);
    }

    internal static SecretAgentException NotFound(string command) =>
        new(ErrorKind.CommandNotFound, $"command '{command}' not found");

    internal static SecretAgentException NotExecutable(string command) =>
        new(ErrorKind.NotExecutable, $"command '{command}' is not executable");

    private static Candidate Check(string path)
    {
        // access(2) applies the kernel's rules (root, ACLs, dangling symlinks); execve still has the last word
        // (noexec mounts, bad binary format) and its errno is mapped the same way.
        if (ProcessNative.Access(path, LinuxAbi.XOk) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is LinuxAbi.ENoEnt or LinuxAbi.ENotDir ? Candidate.Missing : Candidate.NotExecutable;
        }

        // Directories pass access(X_OK) (search permission) but cannot be executed: execve gives EACCES.
        return Directory.Exists(path) ? Candidate.NotExecutable : Candidate.Executable;
    }

    private enum Candidate
    {
        Missing,
        NotExecutable,
        Executable,
    }
}

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
