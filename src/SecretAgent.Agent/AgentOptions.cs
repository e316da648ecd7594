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
    public static readonly Option<long> MaxSize = new("--max-size") { Description = "Largest object to download, in bytes", DefaultValueFactory = _ => Core.Agent.ConfigFetcher.DefaultMaxBytes };
    public static readonly Option<string> LogFormat = new("--log-format") { Description = "Log format on stderr: human or json", DefaultValueFactory = _ => "human" };

    static AgentOptions()
    {
        LogFormat.AcceptOnlyFromAmong("human", "json");
    }

    public static void AddCommon(Command command)
    {
        foreach (var option in new Option[] { Manifest, Source, KmsKeyIds, Dir, LogFormat })
        {
            command.Options.Add(option);
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
