namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// A fact that needs root (to mount tmpfs or chown) and a tmpfs at /dev/shm (every such test starts there); skipped
/// with the reason when not root or where /dev/shm is not a tmpfs.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        Skip = Environment.IsPrivilegedProcess
            ? TargetDirectory.SharedMemorySkipReason()
            : "needs root: mounts tmpfs / chowns files";
    }
}
