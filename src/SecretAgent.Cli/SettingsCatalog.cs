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

    /// <summary>watch: the default time between rounds.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    public const long DefaultMaxSize = Core.Storage.GetRequest.DefaultMaxBytes;

    /// <summary>16 times the default; objects are held in memory, and a config is a file, not a disk image.</summary>
    public const long MaxMaxSize = 64L * 1024 * 1024;

    // The agent's settings (run, fetch, check, policy).
    public static readonly Setting Manifest = new("--manifest", "SECRET_AGENT_MANIFEST", DefaultManifestPath, "Manifest path", Programs.Agent) { Alias = "-m" };
    public static readonly Setting Source = new("--source", "SECRET_AGENT_SOURCE", null, "Config source: s3://bucket/prefix/ or file:///dir/", Programs.Agent);
    public static readonly Setting Scope = new("--scope", "SECRET_AGENT_SCOPE", null, "Logical scope the configs are bound to, as IT published them with --scope (e.g. a bucket and its replica in another region; default: the source URI)", Programs.Agent) { HelpName = "NAME" };
    public static readonly Setting KmsKeyIds = new("--kms-key-id", "SECRET_AGENT_KMS_KEY_ID", null, "Allowed KMS key ids, aliases or ARNs, comma-separated", Programs.Agent);
    public static readonly Setting Dir = new("--dir", "SECRET_AGENT_DIR", DefaultDir, "Target directory, a tmpfs", Programs.Agent);
    public static readonly Setting LogFormat = new("--log-format", null, "human", "Log format on stderr: human or json", Programs.Agent);
    public static readonly Setting AllowDisk = new("--allow-disk", null, null, "Allow a target that is not memory-backed (development only)", Programs.Agent);
    public static readonly Setting Owner = new("--owner", null, null, "uid:gid to own the written files", Programs.Agent);
    public static readonly Setting Timeout = new("--timeout", null, Invariant(DefaultTimeoutSeconds), "Overall deadline for fetching, retries included: 30s, 5m, 1h, or a bare number of seconds", Programs.Agent);
    public static readonly Setting MaxSize = new("--max-size", null, Invariant(DefaultMaxSize), "Largest object to download, in bytes", Programs.Agent);
    public static readonly Setting Interval = new("--interval", null, "30s", "watch: time between polling rounds (each agent draws one interval within +-10 %)", Programs.Agent);
    public static readonly Setting MaxStale = new("--max-stale", "SECRET_AGENT_MAX_STALE", null, "Opt in to staleness: once a config has gone this long without a successful poll, watch exits 69 and health and /readyz report unhealthy (default: never; the last good set keeps being served)", Programs.Agent);

    /// <summary>
    /// Rollback floors from the deployment, "name=generation,name=generation": IT raises them without rebuilding
    /// images. The watcher and the start path refuse a generation below the floor, as below a manifest minGeneration.
    /// </summary>
    public static readonly Setting MinGenerations = new(null, "SECRET_AGENT_MIN_GENERATIONS", null, "Rollback floors per config, name=generation,name=generation (raise without rebuilding images)", Programs.Agent);
    public static readonly Setting Supervise = new("--supervise", null, null, "Stay as PID 1: start the app, forward signals, reap zombies, mirror its exit status", Programs.Agent);
    public static readonly Setting ProcessGroup = new("--process-group", null, null, "With --supervise, run the app in its own session and forward signals to its whole process group", Programs.Agent);
    public static readonly Setting Watch = new("--watch", null, null, "With --supervise: keep the configs current while the app runs (watch's polling, status and notify options apply)", Programs.Agent);
    public static readonly Setting User = new("--user", null, null, "Run the app as this numeric uid:gid (the agent must be root; the files are owned by it unless --owner)", Programs.Agent) { HelpName = "UID:GID" };
    public static readonly Setting Groups = new("--groups", null, null, "With --user, the app's supplementary gids, comma-separated (default: none)", Programs.Agent) { HelpName = "GID,GID" };
    public static readonly Setting KeepAwsEnv = new("--keep-aws-env", null, null, "Keep AWS credential variables in the app's environment", Programs.Agent);

    // The watcher's status: health, readiness and the listener.
    public static readonly Setting Listen = new("--listen", "SECRET_AGENT_LISTEN", null, "Serve /healthz, /readyz, /metrics and POST /refresh on ADDRESS:PORT, e.g. 127.0.0.1:9100 (loopback only unless --listen-remote)", Programs.Agent) { HelpName = "ADDRESS:PORT" };
    public static readonly Setting ListenRemote = new("--listen-remote", null, null, "Allow --listen on a non-loopback address (a Prometheus scrape from another host); POST /refresh stays loopback-only", Programs.Agent);

    // Telling the app of a change (watch; run --supervise --watch for --on-change). docs/agent.md "Telling the app".
    public static readonly Setting NotifyPidFile = new("--notify-pidfile", null, null, "After a change, signal the process whose pid this file holds (shared PID namespace)", Programs.Agent) { HelpName = "FILE" };
    public static readonly Setting NotifyProcess = new("--notify-process", null, null, "After a change, signal the process(es) of this name (shared PID namespace; the topmost of each tree)", Programs.Agent) { HelpName = "NAME" };
    public static readonly Setting NotifySignal = new("--notify-signal", null, Core.Notify.NotifyOptions.DefaultSignal, "Signal for --notify-pidfile or --notify-process", Programs.Agent) { HelpName = "SIG" };
    public static readonly Setting NotifyCommand = new("--notify-command", null, null, "After a change, run this command (split on spaces, no shell; 30 s timeout)", Programs.Agent) { HelpName = "CMD" };
    public static readonly Setting NotifyUrl = new("--notify-url", null, null, "After a change, POST to this loopback http:// URL (5 s timeout, 3 attempts)", Programs.Agent) { HelpName = "URL" };
    public static readonly Setting Splay = new("--splay", null, "0", "Wait a random part of this duration before notifying (30s, 5m, or seconds)", Programs.Agent) { HelpName = "DURATION" };
    public static readonly Setting OnChange = new("--on-change", null, null, "With run --supervise --watch: signal:SIG sends the app SIG, restart restarts it", Programs.Agent) { HelpName = "signal:SIG|restart" };

    /// <summary>
    /// KMS grant tokens, comma-separated: a grant is usable with its token before it is eventually consistent, so a
    /// freshly granted app can start at once (faults.md row 43).
    /// </summary>
    public static readonly Setting KmsGrantTokens = new(null, "SECRET_AGENT_KMS_GRANT_TOKENS", null, "KMS grant tokens, comma-separated", Programs.Agent);

    // The admin tool's settings (recursive on its root command). Same flags and variables, its own meaning.
    public static readonly Setting AdminSource = new("--source", "SECRET_AGENT_SOURCE", null, "Where configs are stored: s3://bucket/prefix/ or file:///dir/", Programs.Admin) { HelpName = "URI" };
    public static readonly Setting AdminScope = new("--scope", "SECRET_AGENT_SCOPE", null, "Logical scope to bind configs to (put, rollback, rotate) or to expect (get, list, verify), shared by a bucket and its replicas (default: the source URI)", Programs.Admin) { HelpName = "NAME" };
    public static readonly Setting AdminKmsKeyId = new("--kms-key-id", "SECRET_AGENT_KMS_KEY_ID", null, "KMS key id, ARN or alias/name to encrypt with (put, rollback, rotate) or to require (get, verify)", Programs.Admin) { HelpName = "KEY" };
    public static readonly Setting AdminJson = new("--json", null, null, "Print the result as JSON on stdout", Programs.Admin);

    /// <summary>"1": an unexpected failure shows the whole exception, not only its type (both programs).</summary>
    public static readonly Setting Debug = new(null, "SECRET_AGENT_DEBUG", null, "1 shows an unexpected failure's details, not only its type", Programs.Both);

    public static IReadOnlyList<Setting> All { get; } =
    [
        Manifest, Source, Scope, KmsKeyIds, Dir, LogFormat, AllowDisk, Owner, Timeout, MaxSize, Interval, MaxStale, MinGenerations, Supervise, ProcessGroup, Watch, KeepAwsEnv,
        User, Groups,
        Listen, ListenRemote,
        NotifyPidFile, NotifyProcess, NotifySignal, NotifyCommand, NotifyUrl, Splay, OnChange,
        KmsGrantTokens, AdminSource, AdminScope, AdminKmsKeyId, AdminJson, Debug,
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
