namespace SecretAgent.Core.Tests.Target;

/// <summary>A fact that needs root (to mount tmpfs or chown); skipped with the reason when not root.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: mounts tmpfs / chowns files";
        }
    }
}
