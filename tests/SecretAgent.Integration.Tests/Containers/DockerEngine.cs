using System.ComponentModel;
using System.Security.Cryptography;

namespace SecretAgent.Integration.Tests.Containers;

/// <summary>
/// The container tests' view of a real Docker engine, through the docker CLI (Docker.DotNet doesn't restore here).
/// Checks the engine once, builds the sample app image and the FROM-scratch agent image once per run from a small
/// staging directory, and removes every container and image it made when the collection ends.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    public const string BaseImage = "secret-agent-test-base:bookworm";
    public const string Label = "secret-agent-test";
    private const string SetupHint = "scripts/test.sh starts it";

    private static readonly Dictionary<string, string?> CliEnvironment = new()
    {
        // No buildx in the image: say so explicitly instead of depending on the CLI's fallback.
        ["DOCKER_BUILDKIT"] = "0",
    };

    private readonly string runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly List<string> images = [];
    private readonly List<string> containers = [];

    public DockerEngine()
    {
        CheckEngine();
        CheckBaseImage();
        var staging = ImageStaging.Create(PublishedAgent());
        try
        {
            AppImage = Build("docker/Dockerfile.app", "secret-agent-test-app", staging);
            ScratchImage = Build("docker/Dockerfile.scratch", "secret-agent-test-scratch", staging);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>The sample app behind secret-agent (docker/Dockerfile.app).</summary>
    public string AppImage { get; }

    /// <summary>secret-agent alone on scratch plus the libraries it needs (docker/Dockerfile.scratch).</summary>
    public string ScratchImage { get; }

    /// <summary>Runs the docker CLI; a non-zero exit is the caller's to judge.</summary>
    internal static CommandResult Cli(TimeSpan timeout, params string[] args)
    {
        try
        {
            return CommandRunner.Run("docker", args, CliEnvironment, timeout);
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"docker CLI not found ({ex.Message}): {SetupHint}", ex);
        }
    }

    /// <summary>Runs the docker CLI and fails the test on a non-zero exit, quoting docker's stderr.</summary>
    internal static CommandResult CliOk(TimeSpan timeout, params string[] args)
    {
        var result = Cli(timeout, args);
        return result.ExitCode == 0
            ? result
            : throw new InvalidOperationException($"docker {string.Join(' ', args)} failed: exit {result.ExitCode}: {result.Stderr.Trim()}");
    }

    /// <summary><c>docker run</c> in the foreground until the container exits; the container stays for inspection until disposed.</summary>
    internal Container Run(ContainerOptions options, TimeSpan? timeout = null)
    {
        var name = NewContainerName();
        var result = Cli(timeout ?? TimeSpan.FromSeconds(90), ["run", .. options.ToRunArguments(name)]);
        return new Container(name, result);
    }

    /// <summary><c>docker run --detach</c>: the container keeps running until the test stops it.</summary>
    internal Container Start(ContainerOptions options)
    {
        var name = NewContainerName();
        var result = CliOk(TimeSpan.FromSeconds(60), ["run", "--detach", .. options.ToRunArguments(name)]);
        return new Container(name, result);
    }

    public void Dispose()
    {
        foreach (var container in containers)
        {
            Cli(TimeSpan.FromSeconds(60), "rm", "--force", "--volumes", container);
        }

        foreach (var image in images)
        {
            Cli(TimeSpan.FromSeconds(60), "rmi", "--force", image);
        }
    }

    private static void CheckEngine()
    {
        var info = Cli(TimeSpan.FromSeconds(30), "info", "--format", "{{.ServerVersion}}");
        if (info.ExitCode != 0 || string.IsNullOrWhiteSpace(info.Stdout))
        {
            throw new InvalidOperationException($"Docker engine not running: {SetupHint} ({FirstLine(info.Stderr)})");
        }
    }

    private static void CheckBaseImage()
    {
        if (Cli(TimeSpan.FromSeconds(30), "image", "inspect", BaseImage).ExitCode != 0)
        {
            throw new InvalidOperationException($"test base image {BaseImage} missing: {SetupHint} (debootstrap + docker import)");
        }
    }

    // Inside a container only the published self-contained binary runs (the build's apphost needs a .NET install).
    private static string PublishedAgent()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SECRET_AGENT_BIN")))
        {
            throw new InvalidOperationException(
                "SECRET_AGENT_BIN is not set: container tests need the published self-contained secret-agent (scripts/test.sh publishes it to artifacts/bin and sets it)");
        }

        var path = Binaries.Agent;
        return File.Exists(path) ? path : throw new FileNotFoundException($"SECRET_AGENT_BIN names {path}, which does not exist");
    }

    private string Build(string dockerfile, string repository, string context)
    {
        var tag = $"{repository}:{runId}";
        CliOk(TimeSpan.FromMinutes(5), "build", "--quiet", "--file", Path.Combine(RepositoryPaths.Root, dockerfile), "--build-arg", "BASE=" + BaseImage, "--tag", tag, context);
        images.Add(tag);
        return tag;
    }

    private string NewContainerName()
    {
        var name = $"sa-test-{runId}-{containers.Count}";
        containers.Add(name);
        return name;
    }

    private static string FirstLine(string text) => text.Trim().Split('\n')[0];
}
