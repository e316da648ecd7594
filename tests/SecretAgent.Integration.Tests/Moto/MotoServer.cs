using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SecretAgent.Aws;

namespace SecretAgent.Integration.Tests.Moto;

/// <summary>
/// A moto server (S3 + KMS) on a free loopback port for one test collection: started once, killed by its PID on
/// dispose. Its output goes to a log file whose path failing tests can print.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    public const string Region = "us-east-1";
    private const string InstallHint = "moto not installed: run pip install 'moto[server]'";

    private readonly Dictionary<string, string> serverEnvironment;
    private Process? process;

    public MotoServer()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>A server whose process gets these variables too (INITIAL_NO_AUTH_ACTION_COUNT turns on IAM enforcement). Internal: xunit wants one public constructor on a fixture.</summary>
    internal MotoServer(Dictionary<string, string> serverEnvironment)
    {
        this.serverEnvironment = serverEnvironment;
    }

    public Uri Endpoint { get; private set; } = null!;

    public string LogPath { get; private set; } = null!;

    public AmazonS3Client S3 { get; private set; } = null!;

    public AmazonKeyManagementServiceClient Kms { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await RequireMotoAsync();
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        LogPath = Path.Combine(Path.GetTempPath(), $"moto-{port}-{Guid.NewGuid():N}.log");

        // exec keeps the PID, so Kill reaches python itself.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var (name, value) in serverEnvironment)
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec python3 -m moto.server -H 127.0.0.1 -p {port} >'{LogPath}' 2>&1");
        process = Process.Start(info) ?? throw new InvalidOperationException("could not start moto");
        await WaitUntilAnsweringAsync(port);
        S3 = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = Region });
        Kms = new AmazonKeyManagementServiceClient(Credentials, new AmazonKeyManagementServiceConfig { ServiceURL = Endpoint.ToString(), AuthenticationRegion = Region });
    }

    public Task DisposeAsync()
    {
        S3?.Dispose();
        Kms?.Dispose();
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit(10_000);
        }

        process?.Dispose();
        if (LogPath is not null && File.Exists(LogPath))
        {
            File.Delete(LogPath);
        }

        return Task.CompletedTask;
    }

    private static BasicAWSCredentials Credentials => new("test", "test");

    /// <summary>Our adapter's clients, pointed at this server with test credentials.</summary>
    public AwsClients Clients(TimeSpan? attemptTimeout = null, int maxErrorRetry = 3) => new(new AwsSettings
    {
        Region = Region,
        S3Endpoint = Endpoint,
        KmsEndpoint = Endpoint,
        Credentials = Credentials,
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
        MaxErrorRetry = maxErrorRetry,
    });

    /// <summary>The environment for running the real binaries against this server (nothing else from AWS_*).</summary>
    public Dictionary<string, string?> Environment() => new()
    {
        ["AWS_ENDPOINT_URL"] = Endpoint.ToString(),
        ["AWS_ACCESS_KEY_ID"] = "test",
        ["AWS_SECRET_ACCESS_KEY"] = "test",
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_REGION"] = Region,
        ["AWS_DEFAULT_REGION"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/credentials",
        ["AWS_CONFIG_FILE"] = "/nonexistent/config",
        ["SECRET_AGENT_SOURCE"] = null,
        ["SECRET_AGENT_KMS_KEY_ID"] = null,
    };

    public async Task<string> CreateVersionedBucketAsync()
    {
        var bucket = "sa-test-" + Guid.NewGuid().ToString("N")[..16];
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        return bucket;
    }

    /// <summary>Creates a symmetric key and an alias for it; returns the key ARN and the alias name ("alias/...").</summary>
    public async Task<(string Arn, string Alias)> CreateKeyAsync()
    {
        var key = await Kms.CreateKeyAsync(new CreateKeyRequest { Description = "secret-agent test key" });
        var alias = "alias/sa-test-" + Guid.NewGuid().ToString("N")[..12];
        await Kms.CreateAliasAsync(new CreateAliasRequest { AliasName = alias, TargetKeyId = key.KeyMetadata.KeyId });
        return (key.KeyMetadata.Arn, alias);
    }

    private static async Task RequireMotoAsync()
    {
        try
        {
            using var check = Process.Start(new ProcessStartInfo("python3", ["-c", "import moto.server"])
            {
                UseShellExecute = false,
                RedirectStandardError = true,
            })!;
            await check.StandardError.ReadToEndAsync();
            await check.WaitForExitAsync();
            if (check.ExitCode != 0)
            {
                throw new InvalidOperationException(InstallHint);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("python3 not found; " + InstallHint);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilAnsweringAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException($"moto exited with {process.ExitCode}: {await File.ReadAllTextAsync(LogPath)}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/moto-api/"));
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
            catch (TaskCanceledException)
            {
                await Task.Delay(200);
            }
        }

        throw new InvalidOperationException($"moto did not answer on port {port} within 60 s; log: {LogPath}");
    }
}

[CollectionDefinition(Name)]
public sealed class UsesMoto : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
