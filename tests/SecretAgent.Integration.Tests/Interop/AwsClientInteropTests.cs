using System.Text.Json;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Interop;

/// <summary>
/// An independent AWS-style S3EC client (tests/vectors/s3ec.py: boto3, real KMS GenerateDataKey/Decrypt with the
/// encryption context) and secret-agent-admin read each other's objects in S3, through moto.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AwsClientInteropTests : IDisposable
{
    private const string Prefix = "checkout/";
    private const string Sentinel = "CANARY-interop-e4a2";

    private readonly MotoServer moto;
    private readonly ReferenceS3ec reference;
    private readonly string bucket = "interop-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string keyId;
    private readonly string dir = Directory.CreateTempSubdirectory("sa-interop-").FullName;

    public AwsClientInteropTests(MotoServer moto)
    {
        this.moto = moto;
        reference = new ReferenceS3ec(moto);
        reference.CreateBucket(bucket);
        keyId = reference.CreateKey();
    }

    private string Scope => $"s3://{bucket}/{Prefix}";

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("v2")]
    [InlineData("v3")]
    public void AdminGet_WhenWrittenByReferenceClient_PrintsThePlaintext(string format)
    {
        var name = $"db-{format}.env";
        var content = $"PASSWORD={Sentinel}-{format}\n";
        ReferencePut(format, name, content, ReferenceS3ec.ContextJson(name, Scope, 1));

        var result = Admin("get", name);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(content, result.Stdout);
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v3")]
    public void AdminGet_WhenReferenceObjectBoundToAnotherName_Exits65(string format)
    {
        // KMS would happily decrypt this (the context is self-consistent): only our binding check refuses it.
        var name = $"swapped-{format}.env";
        ReferencePut(format, name, $"PASSWORD={Sentinel}\n", ReferenceS3ec.ContextJson("someone-else.env", Scope, 1));

        var result = Admin("get", name);

        Assert.Equal(65, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Contains(name, Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceGet_WhenWrittenByAdmin_ReturnsThePlaintextAndV3Metadata()
    {
        const string name = "api.env";
        var content = $"API_KEY={Sentinel}\n";
        var file = Path.Combine(dir, "api.env");
        File.WriteAllText(file, content);
        var put = Admin("put", name, file);
        Assert.True(put.ExitCode == 0, put.ToString());
        var objectJson = Path.Combine(dir, "object.json");

        var result = reference.Run(
            "kms-get", "--bucket", bucket, "--key", Prefix + name, "--kms-key-id", keyId,
            "--expect-context", ReferenceS3ec.ContextJson(name, Scope, 1), "--object-out", objectJson);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(content, result.Stdout);
        using var stored = JsonDocument.Parse(File.ReadAllText(objectJson));
        var keys = stored.RootElement.GetProperty("metadata").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["x-amz-3", "x-amz-c", "x-amz-d", "x-amz-i", "x-amz-t", "x-amz-w"], keys);
    }

    [Fact]
    public void ReferenceGet_WhenAdminPublishedTwice_SeesGenerationTwo()
    {
        const string name = "rotating.env";
        var file = Path.Combine(dir, "rotating.env");
        File.WriteAllText(file, "v1\n");
        Assert.Equal(0, Admin("put", name, file).ExitCode);
        File.WriteAllText(file, $"v2 {Sentinel}\n");
        Assert.Equal(0, Admin("put", name, file).ExitCode);

        var result = reference.Run(
            "kms-get", "--bucket", bucket, "--key", Prefix + name, "--kms-key-id", keyId,
            "--expect-context", ReferenceS3ec.ContextJson(name, Scope, 2));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"v2 {Sentinel}\n", result.Stdout);
    }

    [Fact]
    public void ReferenceGet_WhenAdminPublishesUnderNonAsciiPrefix_ReturnsThePlaintext()
    {
        // S3 keys (so prefixes and scopes) may be any UTF-8, but metadata travels in HTTP headers: the context JSON
        // in x-amz-t must be ASCII (\u-escaped) or the PUT fails. Fails today: put exits 69 "cannot reach the endpoint".
        const string prefix = "caf\u00e9/";
        const string name = "app.env";
        var file = Path.Combine(dir, name);
        File.WriteAllText(file, $"K={Sentinel}\n");
        var scope = $"s3://{bucket}/{prefix}";

        var put = CommandRunner.Run(Binaries.Admin, ["put", name, file, "--source", scope, "--kms-key-id", keyId], moto.Environment());
        var result = reference.Run(
            "kms-get", "--bucket", bucket, "--key", prefix + name, "--kms-key-id", keyId, "--expect-context", ReferenceS3ec.ContextJson(name, scope, 1));

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"K={Sentinel}\n", result.Stdout);
    }

    private void ReferencePut(string format, string name, string content, string contextJson)
    {
        var file = Path.Combine(dir, name);
        File.WriteAllText(file, content);
        var result = reference.Run(
            "kms-put", "--format", format, "--bucket", bucket, "--key", Prefix + name, "--kms-key-id", keyId,
            "--context", contextJson, "--plaintext-file", file);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private CommandResult Admin(params string[] args) =>
        CommandRunner.Run(Binaries.Admin, [.. args, "--source", Scope, "--kms-key-id", keyId], moto.Environment());
}
