using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Manifest;

/// <summary>
/// Cross-entry checks: each config name once, each cleaned output path once, and no output path inside another
/// (a file "tls" and a file "tls/key.pem" cannot both exist).
/// </summary>
internal static class ManifestPathChecks
{
    public static void Check(IReadOnlyList<ManifestFile> files, YamlScalars scalars)
    {
        var names = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        var paths = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!names.TryAdd(file.Name, file))
            {
                throw At(scalars, file, $"duplicate config name '{file.Name}' (first on line {names[file.Name].Line})");
            }

            if (!paths.TryAdd(file.Path, file))
            {
                var first = paths[file.Path];
                throw At(scalars, file, $"config '{file.Name}' has the same output path as '{first.Name}' (line {first.Line})");
            }
        }

        foreach (var file in files)
        {
            foreach (var directory in Ancestors(file.Path))
            {
                if (paths.TryGetValue(directory, out var outer))
                {
                    throw At(scalars, file, $"config '{file.Name}' has an output path inside the output path of '{outer.Name}' (line {outer.Line})");
                }
            }
        }
    }

    private static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }

    private static SecretAgentException At(YamlScalars scalars, ManifestFile file, string cause) =>
        ManifestError.At(scalars.FileName, file.Line, file.Column, cause);
}
