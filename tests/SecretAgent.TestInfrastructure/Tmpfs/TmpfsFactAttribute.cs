namespace SecretAgent.Tests.Infrastructure;

/// <summary>A fact that publishes into /dev/shm; skipped with the reason where /dev/shm is not a tmpfs.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        Skip = TargetDirectory.SharedMemorySkipReason();
    }
}

/// <summary>A theory that publishes into /dev/shm; skipped with the reason where /dev/shm is not a tmpfs.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TmpfsTheoryAttribute : TheoryAttribute
{
    public TmpfsTheoryAttribute()
    {
        Skip = TargetDirectory.SharedMemorySkipReason();
    }
}
