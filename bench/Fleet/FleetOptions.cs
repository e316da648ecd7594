using System.Globalization;

namespace SecretAgent.Bench.Fleet;

/// <summary>
/// The fleet's command line (bench/run.sh passes it). The quota defaults to 100 KMS requests per second (burst 100):
/// well below what moto serves on this machine, and the order of a real account's Decrypt quota shared by a few
/// thousand tasks. Rotation runs for N up to <see cref="RotationMax"/>, at an interval that keeps moto's S3 load
/// near 200 conditional GETs per second (one poll per agent per interval).
/// </summary>
internal sealed record FleetOptions(
    string Moto,
    string Admin,
    string Dir,
    IReadOnlyList<int> Agents,
    int SoakSeconds,
    string ProxyScript,
    string Out)
{
    public double KmsRate { get; init; } = 100;

    public double KmsBurst { get; init; } = 100;

    public int RotationMax { get; init; } = 1000;

    public double FaultRate { get; init; } = 0.05;

    public int SoakAgents { get; init; } = 20;

    public static FleetOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i]] = args[i + 1];
        }

        string Get(string key) => map.TryGetValue(key, out var v) ? v : throw new ArgumentException($"Fleet: missing {key}");
        double Number(string key, double fallback) => map.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new FleetOptions(
            Get("--moto"),
            Get("--admin"),
            Get("--dir"),
            Get("--agents").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(),
            (int)Number("--soak-seconds", 0),
            Get("--proxy"),
            Get("--out"))
        {
            KmsRate = Number("--kms-rate", 100),
            KmsBurst = Number("--kms-burst", 100),
            RotationMax = (int)Number("--rotation-max", 1000),
            FaultRate = Number("--fault-rate", 0.05),
            SoakAgents = (int)Number("--soak-agents", 20),
        };
    }
}
