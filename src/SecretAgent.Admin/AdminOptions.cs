using System.CommandLine;

namespace SecretAgent.Admin;

/// <summary>The options every command accepts (recursive on the root command).</summary>
internal static class AdminOptions
{
    public const string SourceVariable = "SECRET_AGENT_SOURCE";
    public const string KeyIdVariable = "SECRET_AGENT_KMS_KEY_ID";

    public static readonly Option<string?> Source = new("--source")
    {
        Description = $"Where configs are stored: s3://bucket/prefix/ or file:///dir/ [env: {SourceVariable}]",
        HelpName = "URI",
        Recursive = true,
    };

    public static readonly Option<string?> KmsKeyId = new("--kms-key-id")
    {
        Description = $"KMS key id, ARN or alias/name to encrypt with (put) or to require (get) [env: {KeyIdVariable}]",
        HelpName = "KEY",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the result as JSON on stdout",
        Recursive = true,
    };
}
