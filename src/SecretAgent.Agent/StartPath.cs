using System.CommandLine;
using SecretAgent.Aws;
using SecretAgent.Core.Agent;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Target;

namespace SecretAgent.Agent;

/// <summary>
/// The part of run and fetch that puts configs on the target: target checks first (no network if the target is
/// unusable), then one parallel fetch under the deadline, then one atomic publish.
/// </summary>
internal static class StartPath
{
    /// <summary>
    /// Fetches and publishes under the deadline; a signal recorded by <paramref name="signals"/> cancels the fetch.
    /// The caller keeps <paramref name="signals"/> registered until the app starts (see <see cref="SignalCancellation"/>).
    /// </summary>
    public static async Task<DeliveryResult> DeliverAsync(AgentContext context, ParseResult parse, ISecretsTarget target, SignalCancellation signals)
    {
        var owner = parse.GetValue(AgentOptions.Owner) is { } text ? FileOwner.Parse(text) : null;
        var timeout = parse.GetValue(AgentOptions.Timeout);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(signals.Token);
        cancellation.CancelAfter(TimeSpan.FromSeconds(timeout));
        try
        {
            var (store, keys) = Backends.Create(context.Source, context.Settings.KmsGrantTokens);
            var fetcher = new ConfigFetcher(store, keys, context.Settings.KmsKeyIds, parse.GetValue(AgentOptions.MaxSize), context.Log);
            var delivery = new ConfigDelivery(fetcher, context.Source, TimeProvider.System, context.Log);
            return await delivery.DeliverAsync(context.Manifest.Files, context.Manifest.Sha256Hex, target, owner, cancellation.Token);
        }
        catch (OperationCanceledException) when (signals.Signal is { } signal)
        {
            throw new CancelledBySignalException(signal);
        }
        catch (OperationCanceledException) when (cancellation.Token.IsCancellationRequested)
        {
            throw AwsClients.PendingCredentialsError() ?? new SecretAgentException(ErrorKind.Unavailable, $"deadline of {timeout}s passed while fetching configs (S3 or KMS slow or unreachable); nothing was written");
        }
    }

    public static ISecretsTarget OpenTarget(AgentContext context, ParseResult parse) =>
        SecretsTarget.Open(context.Settings.Dir, parse.GetValue(AgentOptions.AllowDisk));
}
