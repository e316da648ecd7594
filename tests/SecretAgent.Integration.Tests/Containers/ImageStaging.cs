namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// The build contexts of the test images, each holding its Dockerfile and only the files it copies, so a build sends
/// a few megabytes instead of the whole repository: the carrier (the staged /opt/secret-agent tree), the sample app,
/// the busybox-only base, and the probe app (for Debian and busybox, and with a static busybox for scratch).
/// </summary>
internal sealed class ImageStaging : IDisposable
{
    private const UnixFileMode Executable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly string root = Directory.CreateTempSubdirectory("sa-image-").FullName;

    private ImageStaging()
    {
    }

    public string Carrier => Path.Combine(root, "carrier");

    public string App => Path.Combine(root, "app");

    public string BusyboxBase => Path.Combine(root, "busybox");

    public string Probe => Path.Combine(root, "probe");

    public string StaticProbe => Path.Combine(root, "static-probe");

    public static ImageStaging Create(string carrierDirectory, string busybox)
    {
        var staging = new ImageStaging();
        staging.Fill(carrierDirectory, busybox);
        return staging;
    }

    /// <summary>Only the carrier and the static probe: the arm64 images (an arm64 carrier, an arm64 static busybox).</summary>
    public static ImageStaging CreateStatic(string carrierDirectory, string busybox)
    {
        var staging = new ImageStaging();
        staging.FillCarrier(carrierDirectory);
        FillProbe(staging.StaticProbe);
        Copy(busybox, Path.Combine(staging.StaticProbe, "app"), "busybox", Executable);
        return staging;
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static string ImagesFile(string name) =>
        Path.Combine(RepositoryPaths.Root, "tests", "SecretAgent.Integration.Tests", "Containers", "Images", name);

    private void FillCarrier(string carrierDirectory)
    {
        CopyTree(carrierDirectory, Path.Combine(Carrier, "secret-agent"));
        Copy(RepositoryPaths.Docker("Dockerfile.carrier"), Carrier, "Dockerfile.carrier", null);
    }

    private static void FillProbe(string context)
    {
        Copy(ImagesFile("Dockerfile.anybase"), context, "Dockerfile.anybase", null);
        Copy(ImagesFile("probe.sh"), Path.Combine(context, "app"), "probe.sh", Executable);
    }

    private void Fill(string carrierDirectory, string busybox)
    {
        FillCarrier(carrierDirectory);

        Copy(RepositoryPaths.Docker("Dockerfile.app"), App, "Dockerfile.app", null);
        Copy(RepositoryPaths.SampleApp("app.sh"), App, "app.sh", Executable);
        Copy(RepositoryPaths.SampleApp("secret-agent.yaml"), App, "secret-agent.yaml", null);

        Copy(ImagesFile("Dockerfile.busybox"), BusyboxBase, "Dockerfile.busybox", null);
        Copy(busybox, Path.Combine(BusyboxBase, "bin"), "busybox", Executable);
        File.CreateSymbolicLink(Path.Combine(BusyboxBase, "bin", "sh"), "busybox");

        FillProbe(Probe);
        FillProbe(StaticProbe);

        Copy(busybox, Path.Combine(StaticProbe, "app"), "busybox", Executable);
    }

    private static void CopyTree(string source, string destination)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories).Prepend(source))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            File.Copy(file, target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
    }

    private static void Copy(string source, string dir, string name, UnixFileMode? mode)
    {
        Directory.CreateDirectory(dir);
        var destination = Path.Combine(dir, name);
        File.Copy(source, destination);
        if (mode is { } value)
        {
            File.SetUnixFileMode(destination, value);
        }
    }
}
