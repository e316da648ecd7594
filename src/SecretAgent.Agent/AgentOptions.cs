using System.CommandLine;

namespace SecretAgent.Agent;

/// <summary>The options shared by run, fetch and check. Flags override SECRET_AGENT_* variables, which override the manifest.</summary>
internal static class AgentOptions
{
    public static readonly Option<string?> Manifest = new("--manifest", "-m") { Description = "Manifest path (default: $SECRET_AGENT_MANIFEST or /etc/secret-agent.yaml)" };
    public static readonly Option<string?> Source = new("--source") { Description = "Config source: s3://bucket/prefix/ or file:///dir/ (default: $SECRET_AGENT_SOURCE)" };
    public static readonly Option<string?> KmsKeyIds = new("--kms-key-id") { Description = "Allowed KMS key ids, aliases or ARNs, comma-separated (default: $SECRET_AGENT_KMS_KEY_ID)" };
    public static readonly Option<string?> Dir = new("--dir") { Description = "Target directory, a tmpfs (default: $SECRET_AGENT_DIR or /run/secrets)" };
    public static readonly Option<bool> AllowDisk = new("--allow-disk") { Description = "Allow a target that is not memory-backed (development only)" };
    public static readonly Option<string?> Owner = new("--owner") { Description = "uid:gid to own the written files" };
    public static readonly Option<int> Timeout = new("--timeout") { Description = "Overall deadline in seconds for fetching, retries included", DefaultValueFactory = _ => 60 };
    public static readonly Option<long> MaxSize = new("--max-size") { Description = "Largest object to download, in bytes", DefaultValueFactory = _ => Core.Storage.GetRequest.DefaultMaxBytes };
    public static readonly Option<string> LogFormat = new("--log-format") { Description = "Log format on stderr: human or json", DefaultValueFactory = _ => "human" };

    /// <summary>A day: beyond that a deadline is a mistake (and past ~24.8 days a timer cannot be set at all).</summary>
    public const int MaxTimeoutSeconds = 86400;

    /// <summary>16 times the default; objects are held in memory, and a config is a file, not a disk image.</summary>
    public const long MaxMaxSize = 64L * 1024 * 1024;

    static AgentOptions()
    {
        // Range checks here make a bad value a one-line usage error (64) before anything else happens.
        LogFormat.Validators.Add(result => Check(result, result.GetValueOrDefault<string>() is "human" or "json", "--log-format must be human or json"));
        Timeout.Validators.Add(result => Check(result, result.GetValueOrDefault<int>() is >= 1 and <= MaxTimeoutSeconds, $"--timeout must be 1 to {MaxTimeoutSeconds} seconds"));
        MaxSize.Validators.Add(result => Check(result, result.GetValueOrDefault<long>() is >= 1 and <= MaxMaxSize, $"--max-size must be 1 to {MaxMaxSize} bytes"));
    }

    public static void AddCommon(Command command)
    {
        foreach (var option in new Option[] { Manifest, Source, KmsKeyIds, Dir, LogFormat })
        {
            command.Options.Add(option);
        }
    }

    private static void Check(System.CommandLine.Parsing.OptionResult result, bool valid, string error)
    {
        if (!valid)
        {
            result.AddError(error);
        }
    }

    public static void AddDelivery(Command command)
    {
        foreach (var option in new Option[] { AllowDisk, Owner, Timeout, MaxSize })
        {
            command.Options.Add(option);
        }
    }
}
