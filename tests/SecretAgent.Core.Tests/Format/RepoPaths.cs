namespace SecretAgent.Core.Tests.Format;

/// <summary>Finds the repository root (the directory holding SecretAgent.sln) from the test's output directory.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Vectors => Path.Combine(Root, "tests", "vectors");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecretAgent.sln")) && Directory.Exists(Path.Combine(dir.FullName, "tests", "vectors")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no SecretAgent.sln with tests/vectors above {AppContext.BaseDirectory}");
    }
}
