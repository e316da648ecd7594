using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Manifest;

namespace SecretAgent.Core.Publishing;

/// <summary>
/// Config names as the admin tool accepts them: exactly the manifest's rules (<see cref="OutputPath"/>, already in
/// canonical spelling, at most 1024 bytes), so every published name can be listed in a manifest and delivered.
/// </summary>
public static class ConfigName
{
    public const int MaxBytes = 1024;

    public static string Validate(string? name)
    {
        var problem = Problem(name ?? string.Empty);
        return problem is null ? name! : throw new SecretAgentException(ErrorKind.Usage, $"config name '{name}' is invalid: it {problem}");
    }

    private static string? Problem(string name)
    {
        if (!OutputPath.TryNormalize(name, out var normalized, out var problem))
        {
            return problem;
        }

        if (!string.Equals(normalized, name, StringComparison.Ordinal))
        {
            return $"must not contain empty segments (write '{normalized}')";
        }

        return Encoding.UTF8.GetByteCount(name) > MaxBytes ? $"must be at most {MaxBytes} bytes long" : null;
    }
}
