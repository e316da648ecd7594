using System.Reflection;

namespace SecretAgent.Core;

/// <summary>
/// This build's version, "0.9.0+&lt;git commit&gt;" (Directory.Build.props: Version plus SourceRevisionId, "unknown"
/// without git): what --version prints and every receipt records, so an auditor can trace a running container to the
/// exact agent build. Every project of the repository carries the same value.
/// </summary>
public static class BuildInfo
{
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
