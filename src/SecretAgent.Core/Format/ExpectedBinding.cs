namespace SecretAgent.Core.Format;

/// <summary>
/// What a reader expects an object to be bound to: its config name and source scope exactly, and a generation at
/// least <see cref="MinGeneration"/> (a rollback floor).
/// </summary>
public sealed record ExpectedBinding(string Name, string Scope, long MinGeneration = 0);
