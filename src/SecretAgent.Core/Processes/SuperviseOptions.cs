namespace SecretAgent.Core.Processes;

/// <summary>
/// Options for supervise mode. <paramref name="ProcessGroup"/>: start the app in its own session and process group
/// and forward signals to the whole group (like tini -g / dumb-init), so helpers the app spawned get them too.
/// </summary>
public sealed record SuperviseOptions(bool ProcessGroup);
