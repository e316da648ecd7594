using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Storage;

/// <summary>
/// A config source: s3://bucket/prefix/ or file:///absolute/dir/. The canonical text (always ending in '/') is the
/// "scope" bound into every object's encryption context, so the same bytes can't be replayed under another source,
/// unless IT and the deployment name a logical scope instead (<see cref="WithScope"/>): then every source of that
/// name (a bucket and its cross-region replica) serves the same objects, and any other source's are refused.
/// </summary>
public sealed record SourceUri
{
    private const int MaxKeyBytes = 1024;
    private const int MaxPathBytes = 4096;

    /// <summary>A logical scope's longest length: it is an encryption context value (CloudTrail, IAM conditions).</summary>
    public const int MaxScopeLength = 256;

    private string? logicalScope;

    private SourceUri(string scheme, string bucket, string prefix)
    {
        Scheme = scheme;
        Bucket = bucket;
        Prefix = prefix;
    }

    /// <summary>"s3" or "file".</summary>
    public string Scheme { get; }

    /// <summary>The bucket for s3; empty for file.</summary>
    public string Bucket { get; }

    /// <summary>Key prefix for s3 (may be empty, else ends in '/'); absolute directory ending in '/' for file.</summary>
    public string Prefix { get; }

    public bool IsS3 => Scheme == "s3";

    public bool IsFile => Scheme == "file";

    /// <summary>The canonical URI: where the objects are (messages, receipts).</summary>
    public string Location => IsS3 ? $"s3://{Bucket}/{Prefix}" : $"file://{Prefix}";

    /// <summary>What objects are bound to in their encryption context: the logical scope if named, else <see cref="Location"/>.</summary>
    public string Scope => logicalScope ?? Location;

    /// <summary>Whether a logical scope was named (not the default, the URI).</summary>
    public bool HasLogicalScope => logicalScope is not null;

    public string ObjectKey(string configName) => IsS3 ? Prefix + configName : configName;

    public override string ToString() => Location;

    /// <summary>
    /// This source bound to the logical scope <paramref name="name"/> (null or empty: the URI, as before scopes had
    /// names). A name is 1 to 256 characters of letters, digits and <c>-._:/@+=</c>, so it prints and reads the same
    /// in CloudTrail and in IAM conditions. Throws Usage naming <paramref name="setting"/>.
    /// </summary>
    public SourceUri WithScope(string? name, string setting)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return this;
        }

        var valid = name.Length <= MaxScopeLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or ':' or '/' or '@' or '+' or '=');
        return valid
            ? this with { logicalScope = name }
            : throw Bad(Errors.Printable.Escape($"{setting} '{name}' is not a scope name (1 to {MaxScopeLength} letters, digits or -._:/@+=)"));
    }

    public static SourceUri Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Bad("no source given (s3://bucket/prefix/ or file:///dir/)");
        }

        // The source is bound into every encryption context and echoed in messages; it has no use for them.
        if (text.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
        {
            throw Bad($"source '{text}' must not contain control or invisible format characters");
        }

        if (text.StartsWith("s3://", StringComparison.Ordinal))
        {
            return ParseS3(text);
        }

        if (text.StartsWith("file://", StringComparison.Ordinal))
        {
            return ParseFile(text);
        }

        throw Bad($"source '{text}' is not an s3:// or file:// URI");
    }

    private static SourceUri ParseS3(string text)
    {
        var rest = text["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (!IsValidBucket(bucket))
        {
            throw Bad($"source '{text}' has an invalid bucket name");
        }

        if (prefix.Length > 0 && !prefix.EndsWith('/'))
        {
            prefix += "/";
        }

        if (prefix.StartsWith('/') || prefix.Contains("//", StringComparison.Ordinal) || prefix.Contains('?') || prefix.Contains('#'))
        {
            throw Bad($"source '{text}' has an invalid prefix");
        }

        // An S3 key is at most 1024 bytes and every object key is the prefix plus a config name.
        if (System.Text.Encoding.UTF8.GetByteCount(prefix) >= MaxKeyBytes)
        {
            throw Bad($"source prefix is {System.Text.Encoding.UTF8.GetByteCount(prefix)} bytes; an S3 key, prefix included, is at most {MaxKeyBytes} bytes");
        }

        return new SourceUri("s3", bucket, prefix);
    }

    private static SourceUri ParseFile(string text)
    {
        var path = text["file://".Length..];
        if (!path.StartsWith('/') || path.Contains('?') || path.Contains('#') || path.Contains('\0', StringComparison.Ordinal))
        {
            throw Bad($"source '{text}' must be file:///absolute/directory/");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            throw Bad($"source directory is longer than {MaxPathBytes} bytes");
        }

        var full = Path.GetFullPath(path);
        if (!full.EndsWith('/'))
        {
            full += "/";
        }

        return new SourceUri("file", string.Empty, full);
    }

    // S3 bucket naming rules: 3-63 characters of lower-case letters, digits, '.', '-', starting and ending alphanumeric.
    private static bool IsValidBucket(string bucket) =>
        bucket.Length is >= 3 and <= 63
        && char.IsAsciiLetterOrDigit(bucket[0])
        && char.IsAsciiLetterOrDigit(bucket[^1])
        && bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-');

    private static SecretAgentException Bad(string message) => new(ErrorKind.Usage, message);
}
