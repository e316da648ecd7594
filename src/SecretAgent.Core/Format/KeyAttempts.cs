using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Format;

/// <summary>
/// The refusals collected while trying each key of an allowlist. Any refusal that concerns one key (not found,
/// disabled or pending deletion, access denied, wrong key, context refused) moves on to the next key; a failure
/// that would hit every key alike (no credentials, KMS unreachable, a bad grant token) is not collected and stops.
/// </summary>
internal sealed class KeyAttempts
{
    private readonly List<SecretAgentException> refusals = [];

    public static bool MovesOn(SecretAgentException error) =>
        error.Kind is ErrorKind.NotFound or ErrorKind.KeyUnusable or ErrorKind.AccessDenied or ErrorKind.Integrity or ErrorKind.WrongKey;

    public void Add(SecretAgentException refusal) => refusals.Add(refusal);

    /// <summary>
    /// The order to try an allowlist in for a config: the entry that last unwrapped it first, then the others in
    /// their configured order. After a rotation to a new key the watcher pays the fall-through once (old key refused,
    /// new key works), and from then on one Decrypt per change, not one per key before it in the list.
    /// </summary>
    public static IReadOnlyList<string> LastWorkedFirst(IReadOnlyList<string> allowed, string? lastWorked)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (lastWorked is null || allowed.Count < 2 || allowed[0] == lastWorked || !allowed.Contains(lastWorked))
        {
            return allowed;
        }

        return [lastWorked, .. allowed.Where(id => id != lastWorked)];
    }

    /// <summary>
    /// One key: its own error. Several: one line naming each key's cause, with the most telling kind. A key we may
    /// not use (77) says more than "encrypted under another key" (65, expected for all but one key of a list), which
    /// says more than a key that does not exist (66, most likely a typo in the list).
    /// </summary>
    public SecretAgentException Failure(string config)
    {
        if (refusals.Count == 1)
        {
            return refusals[0].ForConfig(config);
        }

        var kind = refusals.Select(r => r.Kind).MaxBy(Rank);
        var causes = string.Join("; ", refusals.Select(r => Cause(r, config)));
        return new SecretAgentException(kind, $"no allowed KMS key could unwrap the data key: {causes}", config);
    }

    private static int Rank(ErrorKind kind) => kind switch
    {
        ErrorKind.AccessDenied or ErrorKind.KeyUnusable => 3,
        ErrorKind.Integrity or ErrorKind.WrongKey => 2,
        _ => 1,
    };

    private static string Cause(SecretAgentException refusal, string config)
    {
        var prefix = $"config '{config}': ";
        return refusal.Message.StartsWith(prefix, StringComparison.Ordinal) ? refusal.Message[prefix.Length..] : refusal.Message;
    }
}
