using System.CommandLine;
using SecretAgent.Cli;

namespace SecretAgent.Agent;

/// <summary>
/// The agent's options, built from <see cref="SettingsCatalog"/> (names, variables, defaults, help). Flags override
/// SECRET_AGENT_* variables, which override the manifest.
/// </summary>
internal static class AgentOptions
{
    public static readonly Option<string?> Manifest = SettingsCatalog.Manifest.ToOption<string?>();
    public static readonly Option<string?> Source = SettingsCatalog.Source.ToOption<string?>();
    public static readonly Option<string?> KmsKeyIds = SettingsCatalog.KmsKeyIds.ToOption<string?>();
    public static readonly Option<string?> Dir = SettingsCatalog.Dir.ToOption<string?>();
    public static readonly Option<bool> AllowDisk = SettingsCatalog.AllowDisk.ToOption<bool>();
    public static readonly Option<string?> Owner = SettingsCatalog.Owner.ToOption<string?>();
    public static readonly Option<int> Timeout = SettingsCatalog.Timeout.ToOption(() => SettingsCatalog.DefaultTimeoutSeconds);
    public static readonly Option<long> MaxSize = SettingsCatalog.MaxSize.ToOption(() => SettingsCatalog.DefaultMaxSize);
    public static readonly Option<string> LogFormat = SettingsCatalog.LogFormat.ToOption(() => SettingsCatalog.LogFormat.Default!);
    public static readonly Option<bool> Supervise = SettingsCatalog.Supervise.ToOption<bool>();
    public static readonly Option<bool> ProcessGroup = SettingsCatalog.ProcessGroup.ToOption<bool>();
    public static readonly Option<bool> KeepAwsEnv = SettingsCatalog.KeepAwsEnv.ToOption<bool>();
    public static readonly Option<string?> MaxStale = SettingsCatalog.MaxStale.ToOption<string?>();
    public static readonly Option<string?> Listen = SettingsCatalog.Listen.ToOption<string?>();
    public static readonly Option<bool> ListenRemote = SettingsCatalog.ListenRemote.ToOption<bool>();

    static AgentOptions()
    {
        // Range checks here make a bad value a one-line usage error (64) before anything else happens.
        LogFormat.Validators.Add(result => Check(result, result.GetValueOrDefault<string>() is "human" or "json", $"{LogFormat.Name} must be human or json"));
        Timeout.Validators.Add(result => Check(result, result.GetValueOrDefault<int>() is >= 1 and <= SettingsCatalog.MaxTimeoutSeconds, $"{Timeout.Name} must be 1 to {SettingsCatalog.MaxTimeoutSeconds} seconds"));
        MaxSize.Validators.Add(result => Check(result, result.GetValueOrDefault<long>() is >= 1 and <= SettingsCatalog.MaxMaxSize, $"{MaxSize.Name} must be 1 to {SettingsCatalog.MaxMaxSize} bytes"));
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

    /// <summary>run's own: how the app is started.</summary>
    public static void AddLaunch(Command command)
    {
        foreach (var option in new Option[] { Supervise, ProcessGroup, KeepAwsEnv })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>watch's: the listener and its opt-in, and the staleness bound of /readyz.</summary>
    public static void AddStatus(Command command)
    {
        foreach (var option in new Option[] { Listen, ListenRemote, MaxStale })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The --max-stale bound (flag, then variable), or null when off. Throws ErrorKind.Usage on a bad duration.</summary>
    public static TimeSpan? MaxStaleBound(ParseResult parse)
    {
        var text = parse.GetValue(MaxStale) ?? SettingsCatalog.MaxStale.Read(CliEnvironment.Read);
        return string.IsNullOrEmpty(text) ? null : StatusDuration(text, SettingsCatalog.MaxStale.FlagOrVariable);
    }

    /// <summary>Where the listener binds (flag, then variable), or null when off. Throws ErrorKind.Usage.</summary>
    public static System.Net.IPEndPoint? ListenEndpoint(ParseResult parse)
    {
        var text = parse.GetValue(Listen) ?? SettingsCatalog.Listen.Read(CliEnvironment.Read);
        return string.IsNullOrEmpty(text)
            ? null
            : Core.Status.StatusListener.ParseEndpoint(text, parse.GetValue(ListenRemote), SettingsCatalog.Listen.FlagOrVariable, SettingsCatalog.ListenRemote.Flag!);
    }

    // Whole seconds, bare or with an s, m or h unit ("90", "90s", "5m", "1h"), 1 s to a day. Small on purpose: the one
    // duration parser of every duration flag replaces it.
    private static TimeSpan StatusDuration(string text, string what)
    {
        var unit = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        var digits = unit == 0 ? text : text[..^1];
        var valid = digits.Length is > 0 and <= 6 && digits.All(char.IsAsciiDigit);
        var seconds = valid ? long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) * Math.Max(unit, 1) : 0;
        return seconds is >= 1 and <= SettingsCatalog.MaxTimeoutSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new Core.Errors.SecretAgentException(Core.Errors.ErrorKind.Usage, Core.Errors.Printable.Escape($"{what} must be a duration of 1s to 24h (90s, 5m, 1h or seconds), not '{text}'"));
    }

    private static void Check(System.CommandLine.Parsing.OptionResult result, bool valid, string error)
    {
        if (!valid)
        {
            result.AddError(error);
        }
    }
}
