using System.CommandLine;
using SecretAgent.Core.Status;
using SecretAgent.Core.Target;

namespace SecretAgent.Agent;

/// <summary>
/// How the watch command builds its status: the observer it hands the watcher (writing the status file into the
/// target each round) and, with --listen, the listener over it. The watcher provides the refresh request.
/// </summary>
internal static class StatusWiring
{
    public static WatchStatus Observer(AgentContext context, ISecretsTarget target) => new(
        context.Manifest.Files.Select(file => new TrackedConfig(file.Name, Required: !file.Optional)),
        TimeProvider.System,
        target as IStatusSink,
        context.Log);

    /// <summary>The listener when --listen (or SECRET_AGENT_LISTEN) asks for one; null otherwise. Throws ErrorKind.Usage.</summary>
    public static StatusListener? Listen(ParseResult parse, AgentContext context, WatchStatus status, Func<bool> refresh) =>
        AgentOptions.ListenEndpoint(parse) is { } endpoint
            ? StatusListener.Start(endpoint, status, refresh, AgentOptions.MaxStaleBound(parse), TimeProvider.System, context.Log)
            : null;
}
