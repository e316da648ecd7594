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
    public static readonly Option<TimeSpan?> Timeout = SettingsCatalog.Timeout.ToDurationOption(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(SettingsCatalog.MaxTimeoutSeconds));
    public static readonly Option<long> MaxSize = SettingsCatalog.MaxSize.ToOption(() => SettingsCatalog.DefaultMaxSize);
    public static readonly Option<string> LogFormat = SettingsCatalog.LogFormat.ToOption(() => SettingsCatalog.LogFormat.Default!);
    public static readonly Option<TimeSpan?> Interval = SettingsCatalog.Interval.ToDurationOption(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
    public static readonly Option<TimeSpan?> MaxStale = SettingsCatalog.MaxStale.ToDurationOption(TimeSpan.FromSeconds(1), TimeSpan.FromDays(30));
    public static readonly Option<bool> Supervise = SettingsCatalog.Supervise.ToOption<bool>();
    public static readonly Option<bool> ProcessGroup = SettingsCatalog.ProcessGroup.ToOption<bool>();
    public static readonly Option<bool> KeepAwsEnv = SettingsCatalog.KeepAwsEnv.ToOption<bool>();

    static AgentOptions()
    {
        // Range checks here make a bad value a one-line usage error (64) before anything else happens.
        LogFormat.Validators.Add(result => Check(result, result.GetValueOrDefault<string>() is "human" or "json", $"{LogFormat.Name} must be human or json"));
        MaxSize.Validators.Add(result => Check(result, result.GetValueOrDefault<long>() is >= 1 and <= SettingsCatalog.MaxMaxSize, $"{MaxSize.Name} must be 1 to {SettingsCatalog.MaxMaxSize} bytes"));
    }

    /// <summary>The deadline in whole seconds (the delivery's unit), rounded up so "1500ms" is not cut short.</summary>
    public static int TimeoutSeconds(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(Timeout) is { } timeout ? (int)Math.Ceiling(timeout.TotalSeconds) : SettingsCatalog.DefaultTimeoutSeconds;
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

    private static void Check(System.CommandLine.Parsing.OptionResult result, bool valid, string error)
    {
        if (!valid)
        {
            result.AddError(error);
        }
    }
}
