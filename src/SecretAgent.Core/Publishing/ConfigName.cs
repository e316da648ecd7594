using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Manifest;

namespace SecretAgent.Core.Publishing;

/// <summary>
/// The one rule for config names, used by the manifest reader and by the admin tool alike: the path rules of
/// <see cref="OutputPath"/> (a name is the default output path), already in canonical spelling, at most 1024 bytes
/// (the name is the suffix of an S3 key), so every published name can be listed in a manifest and delivered.
/// </summary>
public static class ConfigName
{
    public const int MaxBytes = 1024;

    public static string Validate(string? name)
    {
        var problem = Problem(name ?? string.Empty);
        return problem is null ? name! : throw new SecretAgentException(ErrorKind.Usage, $"config name '{name}' is invalid: it {problem}");
    }

    /// <summary>Why <paramref name="name"/> is not a valid config name ("must not ..."), or null; echoes at most the corrected spelling.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
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
