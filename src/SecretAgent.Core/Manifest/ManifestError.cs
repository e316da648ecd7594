using SecretAgent.Core.Errors;
using YamlDotNet.Core;

namespace SecretAgent.Core.Manifest;

/// <summary>Builds the one error shape the manifest uses: "file:line:col: cause" (never a scalar value).</summary>
internal static class ManifestError
{
    public static SecretAgentException At(string fileName, Mark mark, string cause) =>
        At(fileName, mark.Line, mark.Column, cause);

    public static SecretAgentException At(string fileName, long line, long column, string cause) =>
        new(ErrorKind.Manifest, $"{fileName}:{line}:{column}: {cause}");
}
