namespace SecretAgent.Core.Processes;

/// <summary>
/// Options for supervise mode. <paramref name="ProcessGroup"/>: start the app in its own session and process group
/// and forward signals to the whole group (like tini -g / dumb-init), so helpers the app spawned get them too.
/// <paramref name="BeforeStart"/> runs once signal forwarding is in place and just before the app is started; it may
/// throw to call the start off. From then on every signal is forwarded (queued until the app runs).
/// </summary>
public sealed record SuperviseOptions(bool ProcessGroup, Action? BeforeStart = null);
