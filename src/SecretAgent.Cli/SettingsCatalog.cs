using System.CommandLine;
using System.Globalization;

namespace SecretAgent.Cli;

/// <summary>Which executable reads a setting.</summary>
[Flags]
public enum Programs
{
    Agent = 1,
    Admin = 2,
    Both = Agent | Admin,
}

/// <summary>
/// One setting as a user sees it: its flag and/or environment variable, the default shown in help and docs, what it
/// means, and which program reads it. Options are built from it, so a flag's help always names its variable.
/// </summary>
public sealed record Setting(string? Flag, string? Variable, string? Default, string Help, Programs Programs)
{
    /// <summary>A short form of the flag (<c>-m</c>), if it has one.</summary>
    public string? Alias { get; init; }

    /// <summary>The value's placeholder in help (<c>URI</c>), if not the flag's name.</summary>
    public string? HelpName { get; init; }

    /// <summary>Help text plus where the value comes from when the flag is not given.</summary>
    public string Description => (Variable, Default) switch
    {
        ({ } variable, { } fallback) => $"{Help} (default: ${variable} or {fallback})",
        ({ } variable, null) => $"{Help} (default: ${variable})",
        (null, { } fallback) => $"{Help} (default: {fallback})",
        _ => Help,
    };

    /// <summary>"--source or SECRET_AGENT_SOURCE", as the usage errors name a setting.</summary>
    public string FlagOrVariable => $"{Flag} or {Variable}";

    /// <summary>The command-line option for this setting; <paramref name="defaultValue"/> for typed defaults.</summary>
    public Option<T> ToOption<T>(Func<T>? defaultValue = null, bool recursive = false)
    {
        var name = Flag ?? throw new InvalidOperationException($"{Variable} has no flag");
        var option = Alias is null ? new Option<T>(name) : new Option<T>(name, Alias);
        // A typed default is shown by System.CommandLine itself ("[default: 60]"); say it once.
        option.Description = defaultValue is not null && Variable is null ? Help : Description;
        option.HelpName = HelpName;
        option.Recursive = recursive;
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue();
        }

        return option;
    }

    /// <summary>The variable's value through <paramref name="environment"/>; null if the setting has no variable.</summary>
    public string? Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Variable is null ? null : environment(Variable);
    }
}

/// <summary>
/// Every setting secret-agent and secret-agent-admin read: the one list of flags, variables, defaults and help.
/// Flags override variables, which override the manifest (agent), which overrides the default. docs/agent.md and
/// docs/admin.md list each of them (SettingsCatalogDocsTests). The AWS SDK's own variables are not settings.
/// </summary>
public static class SettingsCatalog
{
    /// <summary>Prefix of every variable we own: env files may not set them and the app does not inherit them.</summary>
    public const string VariablePrefix = Core.EnvFiles.EnvFileParser.ReservedPrefix;

    public const string DefaultManifestPath = "/etc/secret-agent.yaml";
    public const string DefaultDir = "/run/secrets";
    public const int DefaultTimeoutSeconds = 60;

    /// <summary>A day: beyond that a deadline is a mistake (and past ~24.8 days a timer cannot be set at all).</summary>
    public const int MaxTimeoutSeconds = 86400;

    public const long DefaultMaxSize = Core.Storage.GetRequest.DefaultMaxBytes;

    /// <summary>16 times the default; objects are held in memory, and a config is a file, not a disk image.</summary>
    public const long MaxMaxSize = 64L * 1024 * 1024;

    // The agent's settings (run, fetch, check, policy).
    public static readonly Setting Manifest = new("--manifest", "SECRET_AGENT_MANIFEST", DefaultManifestPath, "Manifest path", Programs.Agent) { Alias = "-m" };
    public static readonly Setting Source = new("--source", "SECRET_AGENT_SOURCE", null, "Config source: s3://bucket/prefix/ or file:///dir/", Programs.Agent);
    public static readonly Setting KmsKeyIds = new("--kms-key-id", "SECRET_AGENT_KMS_KEY_ID", null, "Allowed KMS key ids, aliases or ARNs, comma-separated", Programs.Agent);
    public static readonly Setting Dir = new("--dir", "SECRET_AGENT_DIR", DefaultDir, "Target directory, a tmpfs", Programs.Agent);
    public static readonly Setting LogFormat = new("--log-format", null, "human", "Log format on stderr: human or json", Programs.Agent);
    public static readonly Setting AllowDisk = new("--allow-disk", null, null, "Allow a target that is not memory-backed (development only)", Programs.Agent);
    public static readonly Setting Owner = new("--owner", null, null, "uid:gid to own the written files", Programs.Agent);
    public static readonly Setting Timeout = new("--timeout", null, Invariant(DefaultTimeoutSeconds), "Overall deadline in seconds for fetching, retries included", Programs.Agent);
    public static readonly Setting MaxSize = new("--max-size", null, Invariant(DefaultMaxSize), "Largest object to download, in bytes", Programs.Agent);
    public static readonly Setting Supervise = new("--supervise", null, null, "Stay as PID 1: start the app, forward signals, reap zombies, mirror its exit status", Programs.Agent);
    public static readonly Setting ProcessGroup = new("--process-group", null, null, "With --supervise, run the app in its own session and forward signals to its whole process group", Programs.Agent);
    public static readonly Setting KeepAwsEnv = new("--keep-aws-env", null, null, "Keep AWS credential variables in the app's environment", Programs.Agent);

    /// <summary>
    /// KMS grant tokens, comma-separated: a grant is usable with its token before it is eventually consistent, so a
    /// freshly granted app can start at once (faults.md row 43).
    /// </summary>
    public static readonly Setting KmsGrantTokens = new(null, "SECRET_AGENT_KMS_GRANT_TOKENS", null, "KMS grant tokens, comma-separated", Programs.Agent);

    // The admin tool's settings (recursive on its root command). Same flags and variables, its own meaning.
    public static readonly Setting AdminSource = new("--source", "SECRET_AGENT_SOURCE", null, "Where configs are stored: s3://bucket/prefix/ or file:///dir/", Programs.Admin) { HelpName = "URI" };
    public static readonly Setting AdminKmsKeyId = new("--kms-key-id", "SECRET_AGENT_KMS_KEY_ID", null, "KMS key id, ARN or alias/name to encrypt with (put, rollback, rotate) or to require (get, verify)", Programs.Admin) { HelpName = "KEY" };
    public static readonly Setting AdminJson = new("--json", null, null, "Print the result as JSON on stdout", Programs.Admin);

    /// <summary>"1": an unexpected failure shows the whole exception, not only its type (both programs).</summary>
    public static readonly Setting Debug = new(null, "SECRET_AGENT_DEBUG", null, "1 shows an unexpected failure's details, not only its type", Programs.Both);

    public static IReadOnlyList<Setting> All { get; } =
    [
        Manifest, Source, KmsKeyIds, Dir, LogFormat, AllowDisk, Owner, Timeout, MaxSize, Supervise, ProcessGroup, KeepAwsEnv,
        KmsGrantTokens, AdminSource, AdminKmsKeyId, AdminJson, Debug,
    ];

    /// <summary>The grant tokens from the environment, cleaned; none if the variable is unset.</summary>
    public static IReadOnlyList<string> GrantTokens(Func<string, string?> environment) =>
        (KmsGrantTokens.Read(environment) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Whether SECRET_AGENT_DEBUG=1 asks for full details of an unexpected failure.</summary>
    public static bool WantsDebug(Func<string, string?> environment) => Debug.Read(environment) == "1";

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The one place the programs read their process environment for settings (tests pass their own lookup).</summary>
public static class CliEnvironment
{
    public static string? Read(string name) => Environment.GetEnvironmentVariable(name);
}
