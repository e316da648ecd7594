using System.Globalization;
using System.Text.Json;
using SecretAgent.Bench.Fleet;

// bench/run.sh's fleet simulation (issue 12): N agents as in-process instances of the real pipeline, each with its
// own SDK clients, against a KMS behind a token bucket well below what moto serves; for a deploy (every agent starts
// at once) and for a rotation (every sidecar sees a new generation); then a soak of sidecars at a 1 s interval with
// random faults. Writes one JSON document (read by bench/report.py); every figure is printed as it comes.
var options = FleetOptions.Parse(args);
var results = new Dictionary<string, object>
{
    ["kms_rate"] = options.KmsRate,
    ["kms_burst"] = options.KmsBurst,
};

await using (var quota = await ProxyProcess.StartAsync(options.ProxyScript, options.Moto, $"--kms-rate {options.KmsRate.ToString(CultureInfo.InvariantCulture)} --kms-burst {options.KmsBurst.ToString(CultureInfo.InvariantCulture)}"))
{
    var world = new FleetWorld(options, quota.Endpoint, new Uri(options.Moto));
    await world.PublishAsync("fleet.json");
    var starts = new List<PhaseResult>();
    var rotations = new List<PhaseResult>();
    foreach (var n in options.Agents)
    {
        starts.Add(await world.StartAsync(n, quota));
        Console.WriteLine(starts[^1].Describe("start"));
    }

    foreach (var n in options.Agents.Where(n => n <= options.RotationMax))
    {
        rotations.Add(await world.RotateAsync(n, quota));
        Console.WriteLine(rotations[^1].Describe("rotation"));
    }

    results["start"] = starts.Select(r => r.ToJson()).ToList();
    results["rotation"] = rotations.Select(r => r.ToJson()).ToList();
}

if (options.SoakSeconds > 0)
{
    await using var faults = await ProxyProcess.StartAsync(options.ProxyScript, options.Moto, $"--fault-rate {options.FaultRate.ToString(CultureInfo.InvariantCulture)}");
    var world = new FleetWorld(options, faults.Endpoint, faults.Endpoint);
    var soak = await new Soak(world, faults, options).RunAsync();
    Console.WriteLine($"soak: {JsonSerializer.Serialize(soak)}");
    results["soak"] = soak;
}

await File.WriteAllTextAsync(options.Out, JsonSerializer.Serialize(results));
