using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using SecretAgent.Cli;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Notify;

namespace SecretAgent.Agent;

/// <summary>
/// The agent's options, built from <see cref="SettingsCatalog"/> (names, variables, defaults, help). Flags override
/// SECRET_AGENT_* variables, which override the manifest.
/// </summary>
internal static class AgentOptions
{
    private static readonly TimeSpan MinMaxStale = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxMaxStale = TimeSpan.FromDays(30);

    public static readonly Option<string?> Manifest = SettingsCatalog.Manifest.ToOption<string?>();
    public static readonly Option<string?> Source = SettingsCatalog.Source.ToOption<string?>();
    public static readonly Option<string?> Scope = SettingsCatalog.Scope.ToOption<string?>();
    public static readonly Option<string?> KmsKeyIds = SettingsCatalog.KmsKeyIds.ToOption<string?>();
    public static readonly Option<string?> Dir = SettingsCatalog.Dir.ToOption<string?>();
    public static readonly Option<bool> AllowDisk = SettingsCatalog.AllowDisk.ToOption<bool>();
    public static readonly Option<string?> Owner = SettingsCatalog.Owner.ToOption<string?>();
    public static readonly Option<TimeSpan?> Timeout = SettingsCatalog.Timeout.ToDurationOption(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(SettingsCatalog.MaxTimeoutSeconds));
    public static readonly Option<long> MaxSize = SettingsCatalog.MaxSize.ToOption(() => SettingsCatalog.DefaultMaxSize);
    public static readonly Option<string> LogFormat = SettingsCatalog.LogFormat.ToOption(() => SettingsCatalog.LogFormat.Default!);
    public static readonly Option<TimeSpan?> Interval = SettingsCatalog.Interval.ToDurationOption(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
    public static readonly Option<TimeSpan?> MaxStale = SettingsCatalog.MaxStale.ToDurationOption(MinMaxStale, MaxMaxStale);
    public static readonly Option<bool> Supervise = SettingsCatalog.Supervise.ToOption<bool>();
    public static readonly Option<bool> ProcessGroup = SettingsCatalog.ProcessGroup.ToOption<bool>();
    public static readonly Option<bool> Watch = SettingsCatalog.Watch.ToOption<bool>();
    public static readonly Option<bool> KeepAwsEnv = SettingsCatalog.KeepAwsEnv.ToOption<bool>();
    public static readonly Option<string?> User = SettingsCatalog.User.ToOption<string?>();
    public static readonly Option<string?> Groups = SettingsCatalog.Groups.ToOption<string?>();
    public static readonly Option<string?> Listen = SettingsCatalog.Listen.ToOption<string?>();
    public static readonly Option<bool> ListenRemote = SettingsCatalog.ListenRemote.ToOption<bool>();
    public static readonly Option<string?> NotifyPidFile = SettingsCatalog.NotifyPidFile.ToOption<string?>();
    public static readonly Option<string?> NotifyProcess = SettingsCatalog.NotifyProcess.ToOption<string?>();
    public static readonly Option<string?> NotifySignal = SettingsCatalog.NotifySignal.ToOption<string?>();
    public static readonly Option<string?> NotifyCommand = SettingsCatalog.NotifyCommand.ToOption<string?>();
    public static readonly Option<string?> NotifyUrl = SettingsCatalog.NotifyUrl.ToOption<string?>();
    public static readonly Option<TimeSpan?> Splay = SettingsCatalog.Splay.ToDurationOption(TimeSpan.Zero, TimeSpan.FromSeconds(SettingsCatalog.MaxTimeoutSeconds));
    public static readonly Option<string?> OnChange = SettingsCatalog.OnChange.ToOption<string?>();

    static AgentOptions()
    {
        // Range checks here make a bad value a one-line usage error (64) before anything else happens.
        LogFormat.Validators.Add(result => Check(result, result.GetValueOrDefault<string>() is "human" or "json", $"{LogFormat.Name} must be human or json"));
        OnChange.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && TryOnChange(value) is { } error)
            {
                result.AddError(error);
            }
        });
        MaxSize.Validators.Add(result =>
        {
            // A value that is not a number is the parser's own usage error; reading it here would throw instead.
            if (result.Tokens.Count == 0 || long.TryParse(result.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                Check(result, result.GetValueOrDefault<long>() is >= 1 and <= SettingsCatalog.MaxMaxSize, $"{MaxSize.Name} must be 1 to {SettingsCatalog.MaxMaxSize} bytes");
            }
        });
    }

    /// <summary>The deadline in whole seconds (the delivery's unit), rounded up so "1500ms" is not cut short.</summary>
    public static int TimeoutSeconds(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(Timeout) is { } timeout ? (int)Math.Ceiling(timeout.TotalSeconds) : SettingsCatalog.DefaultTimeoutSeconds;
    }

    public static void AddCommon(Command command)
    {
        foreach (var option in new Option[] { Manifest, Source, Scope, KmsKeyIds, Dir, LogFormat })
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
        foreach (var option in new Option[] { Supervise, ProcessGroup, KeepAwsEnv, User, Groups })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// run's --user and --groups, checked before anything is fetched (a non-root agent cannot switch users); null
    /// without --user. --groups alone is a usage error: it would silently do nothing.
    /// </summary>
    public static Core.Processes.RunAs? RunAsOf(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var groups = parse.GetValue(Groups);
        if (parse.GetValue(User) is not { } user)
        {
            return groups is null ? null : throw new SecretAgentException(ErrorKind.Usage, $"{SettingsCatalog.Groups.Flag} needs {SettingsCatalog.User.Flag}");
        }

        var runAs = Core.Processes.RunAs.Parse(user, groups);
        runAs.CheckCanSwitch();
        return runAs;
    }

    /// <summary>watch's: the listener and its opt-in, and the staleness bound of /readyz.</summary>
    public static void AddStatus(Command command)
    {
        foreach (var option in new Option[] { Listen, ListenRemote, MaxStale })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>watch's: how the app is told of a change (--notify-*, --splay).</summary>
    public static void AddNotify(Command command)
    {
        foreach (var option in new Option[] { NotifyPidFile, NotifyProcess, NotifySignal, NotifyCommand, NotifyUrl, Splay })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The --max-stale bound (flag, then variable), or null when off. Throws ErrorKind.Usage on a bad duration.</summary>
    public static TimeSpan? MaxStaleBound(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetValue(MaxStale) is { } flag)
        {
            return flag;
        }

        var text = SettingsCatalog.MaxStale.Read(CliEnvironment.Read);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return Durations.TryParse(text, out var bound) && bound >= MinMaxStale && bound <= MaxMaxStale
            ? bound
            : throw new SecretAgentException(ErrorKind.Usage, Printable.Escape($"{SettingsCatalog.MaxStale.Variable} must be a duration of {Durations.Format(MinMaxStale)} to {Durations.Format(MaxMaxStale)} (30s, 5m, 1h; a bare number is seconds), not '{text}'"));
    }

    /// <summary>Where the listener binds (flag, then variable), or null when off. Throws ErrorKind.Usage.</summary>
    public static System.Net.IPEndPoint? ListenEndpoint(ParseResult parse)
    {
        var text = parse.GetValue(Listen) ?? SettingsCatalog.Listen.Read(CliEnvironment.Read);
        return string.IsNullOrEmpty(text)
            ? null
            : Core.Status.StatusListener.ParseEndpoint(text, parse.GetValue(ListenRemote), SettingsCatalog.Listen.FlagOrVariable, SettingsCatalog.ListenRemote.Flag!);
    }


    /// <summary>
    /// run's --watch and everything it brings from watch (--interval, the status and notify options, --on-change).
    /// </summary>
    public static void AddWatch(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Watch);
        command.Options.Add(Interval);
        AddStatus(command);
        AddNotify(command);
        command.Options.Add(OnChange);
    }

    /// <summary>
    /// Whether run watches: --watch needs --supervise (the agent must stay to watch), and the watch's own options
    /// need --watch (silently ignoring --interval on a plain run would hide a mistake). Usage errors (64).
    /// </summary>
    public static bool RunWatches(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var watch = parse.GetValue(Watch);
        if (watch && !parse.GetValue(Supervise))
        {
            throw new SecretAgentException(ErrorKind.Usage, $"{SettingsCatalog.Watch.Flag} needs {SettingsCatalog.Supervise.Flag}: the agent must stay to keep the configs current (run --supervise --watch -- COMMAND)");
        }

        Option[] watchOnly = [Interval, Listen, ListenRemote, MaxStale, NotifyPidFile, NotifyProcess, NotifySignal, NotifyCommand, NotifyUrl, Splay, OnChange];
        if (!watch && watchOnly.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } stray)
        {
            throw new SecretAgentException(ErrorKind.Usage, $"{stray.Name} needs {SettingsCatalog.Supervise.Flag} {SettingsCatalog.Watch.Flag} with run");
        }

        return watch;
    }

    /// <summary>The notify options as given; <see cref="ChangeNotifiers.Create"/> checks them (Usage, 64).</summary>
    public static NotifyOptions Notify(ParseResult parse) => new(
        parse.GetValue(NotifyPidFile),
        parse.GetValue(NotifyProcess),
        parse.GetValue(NotifySignal),
        parse.GetValue(NotifyCommand),
        parse.GetValue(NotifyUrl),
        parse.GetValue(Splay) ?? TimeSpan.Zero);

    /// <summary>--on-change as given, null if absent; a bad value was already refused by its validator.</summary>
    public static OnChange? OnChangeOf(ParseResult parse) =>
        parse.GetValue(OnChange) is { } value ? Core.Notify.OnChange.Parse(value) : null;

    private static string? TryOnChange(string value)
    {
        try
        {
            _ = Core.Notify.OnChange.Parse(value);
            return null;
        }
        catch (SecretAgentException ex)
        {
            return ex.Message;
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
