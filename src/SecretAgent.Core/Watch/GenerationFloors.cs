using System.Globalization;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Watch;

/// <summary>
/// Rollback floors from the deployment ("name=generation,name=generation"), so IT can raise a floor after an
/// incident without rebuilding images. A floor only ever raises what the manifest's minGeneration, the live set or
/// the adopted receipt already require.
/// </summary>
public static class GenerationFloors
{
    public static IReadOnlyDictionary<string, long> Parse(string? text, string settingName)
    {
        var floors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.LastIndexOf('=');
            if (equals <= 0
                || !ConfigName.TryParse(pair[..equals], out var name, out _)
                || !long.TryParse(pair[(equals + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
                || !floors.TryAdd(name, generation))
            {
                throw new SecretAgentException(ErrorKind.Usage, $"{settingName} must be name=generation pairs, comma-separated, each name once (a generation is a whole number)");
            }
        }

        return floors;
    }
}
