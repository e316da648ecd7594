using System.CommandLine;
using SecretAgent.Aws;
using SecretAgent.Cli;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Notify;
using SecretAgent.Core.Processes;
using SecretAgent.Core.Storage;
using SecretAgent.Core.Target;
using SecretAgent.Local;

namespace SecretAgent.Agent;

/// <summary>
/// The agent's composition root: the one place that picks real adapters. Reading halves only; the agent references
/// no writing code (tests/SecretAgent.Integration.Tests/Architecture/DecryptOnlyTests.cs). Cheap: no AWS work
/// happens until first use, and a purely local demo never reads AWS configuration. Beside it, the binding of the
/// delivery options into a <see cref="DeliveryRequest"/>, which run and fetch share.
/// </summary>
internal static class AgentComposition
{
    /// <summary>The real seams for a delivery onto <paramref name="target"/>, starting the app through <paramref name="launcher"/>.</summary>
    public static DeliverySeams Seams(AgentContext context, ISecretsTarget target, IAppLauncher launcher) =>
        new(Reader(context.Source), Unwrapper(context.Settings.KmsGrantTokens), target, launcher, TimeProvider.System, context.Log, AppEnvironment.Current())
        {
            DeadlineExplanation = AwsClients.PendingCredentialsError,
        };

    /// <summary>The delivery options; <paramref name="impliedOwner"/> (run --user's) owns the files unless --owner is given.</summary>
    public static DeliveryRequest Request(AgentContext context, ParseResult parse, FileOwner? impliedOwner = null) => new(
        context.Manifest.Files,
        context.Manifest.Sha256Hex,
        context.Source,
        context.Settings.KmsKeyIds,
        parse.GetValue(AgentOptions.MaxSize),
        parse.GetValue(AgentOptions.Owner) is { } owner ? FileOwner.Parse(owner) : impliedOwner,
        AgentOptions.TimeoutSeconds(parse));

    /// <summary>
    /// The notifier the watcher calls once per swap (watch, and run --supervise --watch): the --notify-* targets and,
    /// given <paramref name="app"/>, its --on-change, behind debounce and --splay. <c>await using</c> it for the
    /// watch. Throws a Usage error (64) for bad notify options, or --on-change without --supervise.
    /// </summary>
    public static ScheduledNotifier Notifier(ParseResult parse, ILog log, SupervisedApp? app)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var onChange = AgentOptions.OnChangeOf(parse);
        if (onChange is not null && (app is null || !parse.GetValue(AgentOptions.Supervise)))
        {
            throw new SecretAgentException(ErrorKind.Usage, $"{SettingsCatalog.OnChange.Flag} needs {SettingsCatalog.Supervise.Flag} (and --watch)");
        }

        IChangeNotifier[] extra = onChange is null || app is null ? [] : [new SupervisedAppNotifier(app, onChange, log)];
        return ChangeNotifiers.Create(AgentOptions.Notify(parse), log, TimeProvider.System, Random.Shared, extra);
    }

    public static ISecretsTarget OpenTarget(AgentContext context, ParseResult parse) =>
        SecretsTarget.Open(context.Settings.Dir, parse.GetValue(AgentOptions.AllowDisk), $"pass {SettingsCatalog.AllowDisk.Flag}");

    /// <summary>
    /// Runs a use case that <paramref name="signals"/> can cancel; a cancellation by signal leaves as
    /// <see cref="CancelledBySignalException"/> (exit 128+n). The caller keeps <paramref name="signals"/> registered
    /// until the app starts (see <see cref="SignalCancellation"/>).
    /// </summary>
    public static async Task<T> UnderSignalsAsync<T>(SignalCancellation signals, Func<CancellationToken, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work(signals.Token);
        }
        catch (OperationCanceledException) when (signals.Signal is { } signal)
        {
            throw new CancelledBySignalException(signal);
        }
    }

    public static IObjectReader Reader(SourceUri source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.IsS3 ? new S3ObjectReader(source, AwsClients.Shared) : new FileObjectReader(source);
    }

    public static IKeyUnwrapper Unwrapper(IReadOnlyList<string> grantTokens) =>
        new KeyUnwrapperRouter(() => new LocalKeyUnwrapper(), () => new KmsKeyUnwrapper(AwsClients.Shared, grantTokens));

    /// <summary>Sends file:// key ids to the local key file and everything else to KMS (<see cref="KmsKeyReference.IsLocal"/>).</summary>
    private sealed class KeyUnwrapperRouter(Func<IKeyUnwrapper> local, Func<IKeyUnwrapper> kms) : IKeyUnwrapper
    {
        private readonly Lazy<IKeyUnwrapper> local = new(local);
        private readonly Lazy<IKeyUnwrapper> kms = new(kms);

        public Task<DataKey> DecryptAsync(ReadOnlyMemory<byte> encryptedKey, string keyId, EncryptionContext context, CancellationToken cancellationToken) =>
            (KmsKeyReference.IsLocal(keyId) ? local.Value : kms.Value).DecryptAsync(encryptedKey, keyId, context, cancellationToken);
    }
}
