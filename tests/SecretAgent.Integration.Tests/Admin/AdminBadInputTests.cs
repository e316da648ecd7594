using System.Diagnostics;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Admin;

/// <summary>Each bad input: the documented exit code, nothing on stdout, exactly one error line on stderr.</summary>
[Collection(UsesMoto.Name)]
public sealed class AdminBadInputTests(MotoServer moto)
{
    [Fact]
    public async Task Put_MissingFile_ExitsNotFound()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var put = world.Admin("put", "app.yaml", Path.Combine(world.Scratch, "absent.yaml"));

        AdminAssert.FailedCleanly(put, 66, "config 'app.yaml': input file ");
        Assert.Contains("absent.yaml not found", put.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_EmptyFile_ExitsUsage()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var put = world.Admin("put", "app.yaml", world.WriteInput(string.Empty));

        AdminAssert.FailedCleanly(put, 64, "config 'app.yaml': input is empty");
    }

    [Fact]
    public async Task Put_Directory_ExitsNotFound()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var put = world.Admin("put", "app.yaml", world.Scratch);

        AdminAssert.FailedCleanly(put, 66, "is a directory, not a file");
    }

    [Fact]
    public async Task Put_FileWithoutReadPermission_ExitsNotFound()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var input = world.WriteInput("secret-canary");
        File.SetUnixFileMode(input, UnixFileMode.None);
        File.SetUnixFileMode(world.Scratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);

        // Root reads anything, so run as nobody when we are root.
        var put = Environment.UserName == "root"
            ? CommandRunner.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Binaries.Admin, "put", "app.yaml", input], WithHome(world.Environment()))
            : world.Admin("put", "app.yaml", input);

        AdminAssert.FailedCleanly(put, 66, "cannot be read (permission denied)");
    }

    [Fact]
    public async Task AnyCommand_WithBadSourceUri_ExitsUsage()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var ls = world.Admin("ls", "--source", "https://example.com/bucket");

        AdminAssert.FailedCleanly(ls, 64, "source 'https://example.com/bucket' is not an s3:// or file:// URI");
    }

    [Fact]
    public async Task Put_WithoutKeyId_ExitsUsage()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var environment = world.Environment();
        environment["SECRET_AGENT_KMS_KEY_ID"] = null;

        var put = AdminWorld.Admin(environment, "put", "app.yaml", world.WriteInput("x"));

        AdminAssert.FailedCleanly(put, 64, "no KMS key id given (set --kms-key-id or SECRET_AGENT_KMS_KEY_ID)");
    }

    [Fact]
    public async Task Put_WithInvalidName_ExitsUsage()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var put = world.Admin("put", "../etc/passwd", world.WriteInput("x"));

        AdminAssert.FailedCleanly(put, 64, "config name '../etc/passwd' is invalid");
    }

    [Fact]
    public async Task Commands_WithoutCredentials_FailFastWithNoCredentials()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var environment = WithoutCredentials(world.Environment());
        var clock = Stopwatch.StartNew();
        var ls = AdminWorld.Admin(environment, "ls");
        var put = AdminWorld.Admin(environment, "put", "app.yaml", world.WriteInput("x"));

        AdminAssert.FailedCleanly(ls, 77, "no AWS credentials found");
        AdminAssert.FailedCleanly(put, 77, "no AWS credentials found");
        Assert.DoesNotContain("denied", ls.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Commands_WhenInstanceMetadataHangs_GiveUpWithinTheCredentialBound()
    {
        // The IMDS hop-limit case (faults 42): connections are accepted and never answered.
        using var world = await AdminWorld.CreateAsync(moto);
        using var imds = new Aws.RawHttpServer(response: null);
        var environment = WithoutCredentials(world.Environment());
        environment["AWS_EC2_METADATA_DISABLED"] = null;
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.Endpoint.ToString();

        var clock = Stopwatch.StartNew();
        var ls = AdminWorld.Admin(environment, "ls");

        AdminAssert.FailedCleanly(ls, 77, "no AWS credentials found within 10s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Commands_WithoutRegion_ExitUsage_BeforeAnyNetworkCall()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var environment = world.Environment();
        environment["AWS_REGION"] = null;
        environment["AWS_ENDPOINT_URL"] = null;

        var ls = AdminWorld.Admin(environment, "ls");

        AdminAssert.FailedCleanly(ls, 64, "no AWS region configured (set AWS_REGION");
    }

    [Fact]
    public async Task Commands_OnUnknownBucket_ExitNotFound()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var ls = world.Admin("ls", "--source", "s3://sa-no-such-bucket/prod/");
        var put = world.Admin("put", "app.yaml", world.WriteInput("x"), "--source", "s3://sa-no-such-bucket/prod/");

        AdminAssert.FailedCleanly(ls, 66, "bucket sa-no-such-bucket does not exist");
        AdminAssert.FailedCleanly(put, 66, "config 'app.yaml': bucket sa-no-such-bucket does not exist");
    }

    [Fact]
    public async Task Get_UnknownConfig_ExitsNotFound_AndPrintsNothing()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var get = world.Admin("get", "absent.yaml");

        AdminAssert.FailedCleanly(get, 66, $"config 'absent.yaml': object s3://{world.Bucket}/prod/absent.yaml not found");
    }

    [Fact]
    public async Task UnknownOption_ExitsUsage()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var result = world.Admin("ls", "--bogus");

        AdminAssert.FailedCleanly(result, 64, "--bogus");
    }

    private static Dictionary<string, string?> WithoutCredentials(Dictionary<string, string?> environment)
    {
        string[] variables =
        [
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ];
        foreach (var variable in variables)
        {
            environment[variable] = null;
        }

        return environment;
    }

    private static Dictionary<string, string?> WithHome(Dictionary<string, string?> environment)
    {
        environment["HOME"] = "/tmp";
        return environment;
    }
}
