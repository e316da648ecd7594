using SecretAgent.Core.Errors;
using SecretAgent.Core.Watch;

namespace SecretAgent.Agent;

/// <summary>
/// Keeps the sidecar at its live set: a gen0 collection after every round. The GC sizes its gen0 budget from the L3
/// cache (4/5 of it: about 25 MiB on a 32 MiB L3), so a loop that allocates a little per poll touches ~12 MiB of fresh
/// pages before its first collection and keeps them resident for good. Collecting once a round, when the round's
/// garbage is all dead, costs well under a millisecond and bounds what is touched to one round's allocations; a
/// smaller budget baked into the binary would do the same but costs fetch ~12 ms of CPU in extra collections
/// (docs/benchmarks.md, "The sidecar at rest"). Delegates everything else to the status observer.
/// </summary>
internal sealed class CollectAfterRound(IWatchObserver inner) : IWatchObserver
{
    public void Polled(string config, PollOutcome outcome, ErrorKind? failure = null) => inner.Polled(config, outcome, failure);

    public void Decrypted(string config) => inner.Decrypted(config);

    public void Applied(string config, long generation, string? versionId, DateTimeOffset at) => inner.Applied(config, generation, versionId, at);

    public void RoundCompleted(DateTimeOffset at)
    {
        inner.RoundCompleted(at);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
    }
}
