using System.Globalization;

namespace SecretAgent.Bench.Fleet;

/// <summary>A fleet phase's outcome: when the last (and the median, the 99th percentile) agent was ready, against the bound.</summary>
internal sealed record PhaseResult(int Agents, double AllReadyS, double P50S, double P99S, double BoundS, int Failed, int Restarts, Counts Counts)
{
    public static PhaseResult From(int n, IReadOnlyList<TimeSpan?> ready, TimeSpan bound, int restarts, Counts counts)
    {
        var times = ready.Where(t => t is not null).Select(t => t!.Value.TotalSeconds).Order().ToList();
        double At(double q) => times.Count == 0 ? double.NaN : times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        return new PhaseResult(n, At(1.0), At(0.5), At(0.99), bound.TotalSeconds, n - times.Count, restarts, counts);
    }

    public string Describe(string phase) => string.Create(
        CultureInfo.InvariantCulture,
        $"fleet {phase}: {Agents} agents, all ready in {AllReadyS:0.0} s (p50 {P50S:0.0}, p99 {P99S:0.0}; bound {BoundS:0}), {Failed} not ready, {Restarts} restarts, KMS {Counts.Kms} calls ({Counts.Throttled} throttled), S3 {Counts.S3}");

    public Dictionary<string, object> ToJson() => new()
    {
        ["agents"] = Agents,
        ["all_ready_s"] = double.IsNaN(AllReadyS) ? -1 : AllReadyS,
        ["p50_s"] = double.IsNaN(P50S) ? -1 : P50S,
        ["p99_s"] = double.IsNaN(P99S) ? -1 : P99S,
        ["bound_s"] = BoundS,
        ["failed"] = Failed,
        ["restarts"] = Restarts,
        ["kms"] = Counts.Kms,
        ["throttled"] = Counts.Throttled,
        ["s3"] = Counts.S3,
    };
}
