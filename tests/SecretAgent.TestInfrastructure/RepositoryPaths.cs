namespace SecretAgent.Tests.Infrastructure;

/// <summary>The one way tests find files of the repository the tests build from or run (Dockerfiles, the sample app and configs, tests/vectors).</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Docker(string file) => Path.Combine(Root, "docker", file);

    public static string SampleApp(string file) => Path.Combine(Root, "samples", "app", file);

    public static string SampleConfig(string name) => Path.Combine(Root, "samples", "configs", name);

    /// <summary>tests/vectors: the committed known-answer vectors and the Python reference S3EC client.</summary>
    public static string VectorsDirectory => Path.Combine(Root, "tests", "vectors");

    /// <summary>One file in <see cref="VectorsDirectory"/>.</summary>
    public static string Vectors(string file) => Path.Combine(VectorsDirectory, file);

    /// <summary>
    /// artifacts/abi (or $SECRET_AGENT_ABI_DIR): linux-x64.txt and linux-arm64.txt, the ABI values tests/abi/linux-abi.c
    /// printed when scripts/test.sh compiled and ran it for each architecture.
    /// </summary>
    public static string AbiDirectory =>
        Environment.GetEnvironmentVariable("SECRET_AGENT_ABI_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Root, "artifacts", "abi");

    // The tests run from tests/<project>/bin/<config>/net10.0; walk up to the solution.
    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecretAgent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no SecretAgent.sln above {AppContext.BaseDirectory}");
    }
}
