namespace SecretAgent.Integration.Tests.BlackBox;

/// <summary>Locates the shell scripts in BlackBox/scripts of the source tree (run with `sh FILE`).</summary>
internal static class ProcessTestScripts
{
    public static string Path(string name)
    {
        // tests/SecretAgent.Integration.Tests/bin/<config>/net10.0 -> tests/SecretAgent.Integration.Tests
        var project = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Parent!.FullName;
        var path = System.IO.Path.Combine(project, "BlackBox", "scripts", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"test script not found: {path}");
    }
}
