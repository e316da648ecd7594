namespace SecretAgent.Core.Processes;

/// <summary>
/// What to start: the command as the user wrote it (resolved through PATH like execvp), its arguments (without
/// argv[0]) and the complete environment the app receives.
/// </summary>
public sealed record LaunchSpec(
    string Command,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment);
