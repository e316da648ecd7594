namespace SecretAgent.Core.Settings;

/// <summary>Values given as flags; null or empty means "not given". <paramref name="KmsKeyIds"/> is comma-separated.</summary>
public sealed record SettingsOverrides(string? Source, string? KmsKeyIds, string? Dir)
{
    public static SettingsOverrides None { get; } = new(null, null, null);
}
