namespace SecretAgent.Core.Processes;

/// <summary>
/// Options for supervise mode. <paramref name="ProcessGroup"/>: start the app in its own session and process group
/// and forward signals to the whole group (like tini -g / dumb-init), so helpers the app spawned get them too.
/// <paramref name="BeforeStart"/> runs just before the app is started and may throw to call the start off; from then
/// on every signal is the app's (queued until it runs). <paramref name="Forwarder"/>: forwarding the caller set up
/// earlier (and disposes); without one the supervisor sets it up itself.
/// </summary>
public sealed record SuperviseOptions(bool ProcessGroup, Action? BeforeStart = null, SignalForwarder? Forwarder = null);
