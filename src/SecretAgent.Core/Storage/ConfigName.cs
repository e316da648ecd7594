using System.Diagnostics.CodeAnalysis;
using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Target;

namespace SecretAgent.Core.Storage;

/// <summary>
/// A config's name, the one rule for the manifest reader and the admin tool alike: the rules of
/// <see cref="RelativePath"/> (a name is the default output path), already in canonical spelling, at most 1024 bytes
/// (the name is the suffix of an S3 key), so every published name can be listed in a manifest and delivered. Only
/// <see cref="Parse"/> and <see cref="TryParse"/> make one, so a ConfigName in hand has been checked.
/// </summary>
public sealed record ConfigName
{
    public const int MaxBytes = 1024;

    private ConfigName(RelativePath path) => Path = path;

    /// <summary>The name as the output path it lands at when the manifest gives no 'path'.</summary>
    public RelativePath Path { get; }

    public string Value => Path.Value;

    // Names flow into strings everywhere (S3 keys, messages, the encryption context); never the other way round.
    public static implicit operator string(ConfigName name) => name?.Value!;

    /// <summary>The admin tool's edge: ErrorKind.Usage "config name '...' is invalid: it ..." when it is not a name.</summary>
    public static ConfigName Parse(string? name) =>
        TryParse(name ?? string.Empty, out var result, out var problem)
            ? result
            : throw new SecretAgentException(ErrorKind.Usage, $"config name '{name}' is invalid: it {problem}");

    /// <summary>On failure <paramref name="problem"/> says why ("must not ..."), echoing at most the corrected spelling.</summary>
    public static bool TryParse(string name, [NotNullWhen(true)] out ConfigName? result, out string problem)
    {
        ArgumentNullException.ThrowIfNull(name);
        result = null;
        if (!RelativePath.TryParse(name, out var path, out problem))
        {
            return false;
        }

        if (!string.Equals(path.Value, name, StringComparison.Ordinal))
        {
            problem = $"must not contain empty segments (write '{path.Value}')";
            return false;
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxBytes)
        {
            problem = $"must be at most {MaxBytes} bytes long";
            return false;
        }

        result = new ConfigName(path);
        return true;
    }

    public override string ToString() => Value;
}
