namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// Assembles the build context for docker/Dockerfile.app and docker/Dockerfile.scratch: the two Dockerfiles and only
/// the files they copy, so a build sends a few megabytes instead of the whole repository.
/// </summary>
internal static class ImageStaging
{
    private const UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static string Create(string agentBinary)
    {
        var dir = Directory.CreateTempSubdirectory("sa-image-").FullName;
        Copy(agentBinary, dir, "secret-agent", Executable);
        Copy(RepositoryPaths.SampleApp("app.sh"), dir, "app.sh", Executable);
        Copy(RepositoryPaths.SampleApp("secret-agent.yaml"), dir, "secret-agent.yaml", null);
        foreach (var dockerfile in new[] { "Dockerfile.app", "Dockerfile.scratch" })
        {
            Copy(RepositoryPaths.Docker(dockerfile), dir, dockerfile, null);
        }

        return dir;
    }

    private static void Copy(string source, string dir, string name, UnixFileMode? mode)
    {
        var destination = Path.Combine(dir, name);
        File.Copy(source, destination);
        if (mode is { } value)
        {
            File.SetUnixFileMode(destination, value);
        }
    }
}
