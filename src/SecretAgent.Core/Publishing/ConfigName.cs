using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Publishing;

/// <summary>
/// Config names as the admin tool accepts them: relative, '/'-separated, no empty, '.' or '..' segment. The manifest
/// applies the same rules to output paths, so a published name can always be delivered.
/// </summary>
public static class ConfigName
{
    public const int MaxLength = 1024;

    public static string Validate(string? name)
    {
        var problem = Problem(name);
        return problem is null ? name! : throw new SecretAgentException(ErrorKind.Usage, $"config name '{name}' is invalid: {problem}");
    }

    private static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        if (name.StartsWith('/'))
        {
            return "it must be relative (no leading '/')";
        }

        if (name.Any(char.IsControl) || name.Contains('\\', StringComparison.Ordinal))
        {
            return "it contains a control character or a backslash";
        }

        var segments = name.Split('/');
        if (segments.Any(s => s.Length == 0))
        {
            return "it has an empty segment ('//' or a trailing '/')";
        }

        return segments.Any(s => s is "." or "..") ? "it has a '.' or '..' segment" : null;
    }
}
