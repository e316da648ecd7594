using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Target;

/// <summary>Every user-facing target message, in one place. They name paths and errno text, never content.</summary>
internal static class TargetErrors
{
    public static SecretAgentException Unsupported(string platform) =>
        Target($"the secrets target supports linux-x64 and linux-arm64 only, not {platform}");

    public static SecretAgentException Missing(string path) =>
        Target($"target {path} does not exist; {Hint(path)}; secret-agent does not create it");

    public static SecretAgentException IsSymlink(string path) =>
        Target($"target {path} is a symlink; give the directory itself");

    public static SecretAgentException NotDirectory(string path) => Target($"target {path} is not a directory");

    public static SecretAgentException CannotOpen(string path, FileSystemCallException e) =>
        Target($"cannot open target {path}: {e.Reason}", e);

    public static SecretAgentException NotMemoryBacked(string path, long type, string? allowDiskHow) =>
        Target($"target {path} is not memory-backed (filesystem type 0x{type:x}); {Hint(path)}{(allowDiskHow is null ? string.Empty : $" or {allowDiskHow}")}");

    public static SecretAgentException ReadOnly(string path) => Target($"target {path} is read-only");

    public static SecretAgentException NotWritable(string path, FileSystemCallException e) =>
        Target($"target {path} is not writable: {e.Reason}", e);

    public static SecretAgentException Locked(string path) =>
        Target($"another secret-agent is writing target {path}");

    public static SecretAgentException Foreign(string path, string name) =>
        Target($"target {path} already has '{name}', which secret-agent did not create (not a symlink into ..data); remove it or choose another target");

    public static SecretAgentException Write(string path, string relativePath, FileSystemCallException e) =>
        Target($"cannot write '{relativePath}' in target {path}: {e.Reason}; the previous files are unchanged", e);

    public static SecretAgentException Swap(string path, FileSystemCallException e) =>
        Target($"cannot switch target {path} to the new files: {e.Reason}; the previous files are unchanged", e);

    public static SecretAgentException AfterSwap(string path, string name, FileSystemCallException e) =>
        Target($"published new files in target {path} but could not update '{name}': {e.Reason}", e);

    public static SecretAgentException Io(string path, string verb, string name, FileSystemCallException e) =>
        Target($"cannot {verb} '{name}' in target {path}: {e.Reason}", e);

    private static string Hint(string path) =>
        $"mount a tmpfs there (docker run --tmpfs {path}:mode=0700, Kubernetes emptyDir medium: Memory)";

    private static SecretAgentException Target(string message, Exception? inner = null) =>
        new(ErrorKind.Target, message, null, inner);
}
