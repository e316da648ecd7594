namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// Locates the real executables. The test script publishes trimmed self-contained binaries and points
/// SECRET_AGENT_BIN / SECRET_AGENT_ADMIN_BIN at them; otherwise the apphosts from this build are used.
/// </summary>
internal static class Binaries
{
    public static string Agent => Locate("SECRET_AGENT_BIN", "SecretAgent.Agent", "secret-agent");

    public static string Admin => Locate("SECRET_AGENT_ADMIN_BIN", "SecretAgent.Admin", "secret-agent-admin");

    private static string Locate(string variable, string project, string name)
    {
        var fromEnv = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        // tests/SecretAgent.Integration.Tests/bin/<config>/net10.0 -> src/<project>/bin/<config>/net10.0/<name>
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testBin.Parent!.Name;
        var root = testBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", project, "bin", configuration, "net10.0", name);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{name} not built; expected at {path} or set {variable}");
    }
}
