using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Credentials;

/// <summary>
/// Every standard AWS credential source, through the real binaries: IT publishes one config to moto, then the agent
/// fetches it and the admin tool lists it with nothing but that source configured. All S3, KMS and STS traffic goes
/// through a recording proxy, so each test proves which access key signed the calls (moto itself accepts any).
/// Only loopback is used: instance metadata is disabled or pointed at a loopback server in every test.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed partial class CredentialSourceTests : IDisposable
{
    private const string Sentinel = "CANARY-creds-5b81";
    private const string RoleArn = "arn:aws:iam::123456789012:role/secret-agent-test";
    private readonly MotoServer moto;
    private readonly RecordingProxy proxy;
    private readonly string home = Directory.CreateTempSubdirectory("sa-creds-home-").FullName;
    private readonly string target = Path.Combine("/dev/shm", "sa-creds-" + Guid.NewGuid().ToString("N")[..12]);

    public CredentialSourceTests(MotoServer moto)
    {
        this.moto = moto;
        proxy = new RecordingProxy(moto.Endpoint);
        Directory.CreateDirectory(target);
    }

    public void Dispose()
    {
        proxy.Dispose();
        Directory.Delete(target, recursive: true);
        Directory.Delete(home, recursive: true);
    }

    [Fact]
    public async Task EnvironmentKeys_SignEveryCall()
    {
        var keys = new TestKeys("ASIAENVIRONMENT001");

        var used = await FetchAndListAsync(new()
        {
            ["AWS_ACCESS_KEY_ID"] = keys.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = keys.SecretAccessKey,
            ["AWS_SESSION_TOKEN"] = keys.SessionToken,
        });

        Assert.Equal([keys.AccessKeyId], used);
        Assert.All(proxy.Requests, r => Assert.Equal(keys.SessionToken, r.Header("x-amz-security-token")));
    }

    [Fact]
    public async Task SharedFiles_NamedProfile_SignsEveryCall()
    {
        var keys = new TestKeys("AKIASHAREDPROFILE1");
        var credentials = Write("credentials", $"[default]\naws_access_key_id = AKIAWRONGDEFAULT01\naws_secret_access_key = x\n\n[team]\naws_access_key_id = {keys.AccessKeyId}\naws_secret_access_key = {keys.SecretAccessKey}\n");
        var config = Write("config", "[profile team]\nregion = us-east-1\n");

        var used = await FetchAndListAsync(new()
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = credentials,
            ["AWS_CONFIG_FILE"] = config,
            ["AWS_PROFILE"] = "team",
        });

        Assert.Equal([keys.AccessKeyId], used);
    }

    [Fact]
    public async Task AssumeRoleProfile_WithSourceProfile_UsesTheRoleFromSts()
    {
        var config = Write("config", $"[profile base]\naws_access_key_id = AKIASOURCEPROFILE1\naws_secret_access_key = x\n\n[profile deploy]\nrole_arn = {RoleArn}\nsource_profile = base\nrole_session_name = sa-test\n");

        var used = await FetchAndListAsync(new() { ["AWS_CONFIG_FILE"] = config, ["AWS_PROFILE"] = "deploy" });

        AssertUsedOnlyKeysFrom("AssumeRole", used, signedBy: "AKIASOURCEPROFILE1");
    }

    [Fact]
    public async Task AssumeRoleProfile_WithCredentialSourceEc2InstanceMetadata_UsesTheRoleFromSts()
    {
        var instance = new TestKeys("ASIAINSTANCEROLE01");
        using var imds = CredentialEndpoints.Imds(instance);
        var config = Write("config", $"[profile deploy]\nrole_arn = {RoleArn}\ncredential_source = Ec2InstanceMetadata\n");

        var used = await FetchAndListAsync(new() { ["AWS_CONFIG_FILE"] = config, ["AWS_PROFILE"] = "deploy" }, imds: imds);

        AssertUsedOnlyKeysFrom("AssumeRole", used, signedBy: instance.AccessKeyId);
        Assert.Contains(imds.Requests, r => r.Method == "PUT" && r.PathAndQuery == "/latest/api/token");
    }

    [Fact]
    public async Task AssumeRoleProfile_WithCredentialSourceEcsContainer_UsesTheRoleFromSts()
    {
        const string Token = "container-auth-token-91d2";
        var task = new TestKeys("ASIATASKROLE000001");
        using var container = CredentialEndpoints.Container(task, Token);
        var config = Write("config", $"[profile deploy]\nrole_arn = {RoleArn}\ncredential_source = EcsContainer\n");

        var used = await FetchAndListAsync(new()
        {
            ["AWS_CONFIG_FILE"] = config,
            ["AWS_PROFILE"] = "deploy",
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = new Uri(container.Endpoint, "v1/credentials").ToString(),
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = Token,
        });

        AssertUsedOnlyKeysFrom("AssumeRole", used, signedBy: task.AccessKeyId);
    }

    [Fact]
    public async Task WebIdentity_FromEnvironment_UsesTheRoleFromSts()
    {
        var token = Write("token", WebIdentityToken);

        var used = await FetchAndListAsync(new() { ["AWS_ROLE_ARN"] = RoleArn, ["AWS_WEB_IDENTITY_TOKEN_FILE"] = token, ["AWS_ROLE_SESSION_NAME"] = "sa-test" });

        AssertUsedOnlyKeysFrom("AssumeRoleWithWebIdentity", used, signedBy: null);
        Assert.All(proxy.Sts("AssumeRoleWithWebIdentity"), r => Assert.Contains("WebIdentityToken=" + Uri.EscapeDataString(WebIdentityToken), r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WebIdentity_FromProfile_UsesTheRoleFromSts()
    {
        var token = Write("token", WebIdentityToken);
        var config = Write("config", $"[profile irsa]\nrole_arn = {RoleArn}\nweb_identity_token_file = {token}\n");

        var used = await FetchAndListAsync(new() { ["AWS_CONFIG_FILE"] = config, ["AWS_PROFILE"] = "irsa" });

        AssertUsedOnlyKeysFrom("AssumeRoleWithWebIdentity", used, signedBy: null);
    }

    [Fact]
    public async Task CredentialProcess_SignsWithWhatTheProcessPrints()
    {
        var keys = new TestKeys("ASIAPROCESS0000001");
        var script = Write("creds.sh", $"#!/bin/sh\nprintf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"{keys.AccessKeyId}\", \"SecretAccessKey\": \"{keys.SecretAccessKey}\", \"SessionToken\": \"{keys.SessionToken}\", \"Expiration\": \"{TestKeys.Expiration}\"}}'\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var config = Write("config", $"[profile tool]\ncredential_process = {script}\n");

        var used = await FetchAndListAsync(new() { ["AWS_CONFIG_FILE"] = config, ["AWS_PROFILE"] = "tool" });

        Assert.Equal([keys.AccessKeyId], used);
    }

    [Fact]
    public async Task SsoProfile_WithCachedToken_SignsWithRoleCredentialsFromThePortal()
    {
        const string AccessToken = "sso-access-token-0c4e";
        const string StartUrl = "https://example.awsapps.com/start";
        var keys = new TestKeys("ASIASSOROLE0000001");
        using var portal = CredentialEndpoints.SsoPortal(keys, AccessToken, "123456789012", "ReadConfig");
        var config = Write("config", $"[profile sso]\nsso_start_url = {StartUrl}\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = ReadConfig\nregion = us-east-1\n");
        WriteSsoCache(StartUrl, AccessToken);

        var used = await FetchAndListAsync(new()
        {
            ["AWS_CONFIG_FILE"] = config,
            ["AWS_PROFILE"] = "sso",
            ["AWS_ENDPOINT_URL_SSO"] = portal.Endpoint.ToString(),
        });

        Assert.Equal([keys.AccessKeyId], used);
        Assert.Contains(portal.Requests, r => r.Header("x-amz-sso_bearer_token") == AccessToken);
    }

    [Fact]
    public async Task ContainerCredentials_FullUriWithTokenFile_SignWithTheTaskRole()
    {
        const string Token = "pod-identity-token-3a7f";
        var keys = new TestKeys("ASIAPODIDENTITY001");
        using var container = CredentialEndpoints.Container(keys, Token);
        var tokenFile = Write("eks-pod-identity-token", Token);

        var used = await FetchAndListAsync(new()
        {
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = new Uri(container.Endpoint, "v1/credentials").ToString(),
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = tokenFile,
        });

        Assert.Equal([keys.AccessKeyId], used);
        Assert.All(container.Requests, r => Assert.Equal(Token, r.Header("authorization")));
    }

    /// <summary>
    /// The ECS task-role form (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) always goes to 169.254.170.2, so it runs only
    /// inside a network namespace made for it (unshare -n, root), with that address on the namespace's own loopback.
    /// Moto is outside the namespace: the script's stand-in S3 answers NoSuchKey (66), recording the signing key.
    /// </summary>
    [Fact]
    public void ContainerCredentials_RelativeUriInsideANetworkNamespace_SignWithTheTaskRole()
    {
        const string RelativeUri = "/v2/credentials/5e0c7a1d-test";
        const string KeyId = "ASIAECSTASKROLE001";
        File.WriteAllText(Path.Combine(home, "secret-agent.yaml"), "version: 1\nfiles:\n  - name: db.json\n");

        var result = CommandRunner.Run("unshare", ["-n", "python3", Script("ecs-relative-uri.py"), Binaries.Agent, RelativeUri, KeyId, Path.Combine(home, "secret-agent.yaml"), target], new Dictionary<string, string?>());

        Assert.True(result.ExitCode == 0, $"needs root for unshare -n; {result}");
        using var report = System.Text.Json.JsonDocument.Parse(result.Stdout);
        var requests = report.RootElement.GetProperty("requests").EnumerateArray().ToList();
        Assert.Contains(requests, r => r.GetProperty("host").GetString() == "169.254.170.2" && r.GetProperty("path").GetString() == RelativeUri);
        var s3 = requests.Where(r => r.GetProperty("host").GetString() == "127.0.0.1").ToList();
        Assert.NotEmpty(s3);
        Assert.All(s3, r => Assert.Equal(KeyId, r.GetProperty("signer").GetString()));
        Assert.True(report.RootElement.GetProperty("exit").GetInt32() == 66, report.RootElement.GetProperty("stderr").GetString());
    }

    [Fact]
    public async Task InstanceMetadataV2_SignsWithTheInstanceRole()
    {
        var keys = new TestKeys("ASIAINSTANCEROLE02");
        using var imds = CredentialEndpoints.Imds(keys);

        var used = await FetchAndListAsync([], imds: imds);

        Assert.Equal([keys.AccessKeyId], used);
        Assert.Contains(imds.Requests, r => r.Method == "PUT" && r.PathAndQuery == "/latest/api/token");
        Assert.Contains(imds.Requests, r => r.PathAndQuery == "/latest/meta-data/iam/security-credentials/" + CredentialEndpoints.ImdsRole);
    }

    [Fact]
    public async Task WebIdentity_WhenTokenFileMissing_ExitsWithCredentialErrorNamingTheSource()
    {
        using var world = await PublishAsync();
        var environment = SourceEnvironment(world, new() { ["AWS_ROLE_ARN"] = RoleArn, ["AWS_WEB_IDENTITY_TOKEN_FILE"] = Path.Combine(home, "missing-token") }, null);

        var result = CommandRunner.Run(Binaries.Agent, ["fetch"], environment);

        Assert.True(result.ExitCode == 77, result.ToString());
        Assert.Contains("web identity token", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(proxy.Requests);
        Assert.DoesNotContain(Sentinel, result.Stderr + result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("exit 3")]
    [InlineData("echo 'not json CANARY-process-output-77'")]
    public async Task CredentialProcess_WhenItFailsOrPrintsJunk_ExitsWithCredentialErrorQuotingNothing(string body)
    {
        using var world = await PublishAsync();
        var script = Write("creds.sh", $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var config = Write("config", $"[profile tool]\ncredential_process = {script}\n");
        var environment = SourceEnvironment(world, new() { ["AWS_CONFIG_FILE"] = config, ["AWS_PROFILE"] = "tool" }, null);

        var agent = CommandRunner.Run(Binaries.Agent, ["fetch"], environment);
        var admin = CommandRunner.Run(Binaries.Admin, ["ls"], environment);

        foreach (var result in new[] { agent, admin })
        {
            Assert.True(result.ExitCode == 77, result.ToString());
            Assert.Contains("credential", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
            Assert.DoesNotContain("CANARY-process-output", result.Stderr + result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_WhenAgentUsedIdentityVariables_AppReceivesNone()
    {
        using var world = await PublishAsync();
        var config = Write("config", "[default]\nregion = us-east-1\n");
        var environment = SourceEnvironment(world, new()
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIAAGENTONLY00001",
            ["AWS_SECRET_KEY"] = "legacy-secret-name",
            ["AWS_SECRET_ACCESS_KEY"] = "agent-secret",
            ["AWS_CONFIG_FILE"] = config,
            ["AWS_DEFAULT_PROFILE"] = "default",
            ["AWS_ACCESS_KEY"] = "AKIAAGENTONLY00001",
        }, null);

        var result = CommandRunner.Run(Binaries.Agent, ["run", "--", "sh", "-c", "env | cut -d= -f1 | grep '^AWS_' | sort"], environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var inherited = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("AWS_REGION", inherited);
        Assert.Contains("AWS_EC2_METADATA_DISABLED", inherited);
        Assert.DoesNotContain(inherited, name => name.Contains("KEY", StringComparison.Ordinal) || name.Contains("PROFILE", StringComparison.Ordinal) || name.Contains("FILE", StringComparison.Ordinal));
    }

    private const string WebIdentityToken = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cHJvZDphcHAifQ.";

    /// <summary>
    /// Publishes one config (directly to moto, with test keys), then fetches it with the agent and lists it with the
    /// admin tool, both through the proxy with only <paramref name="source"/>; returns the access key ids that
    /// signed S3 and KMS calls.
    /// </summary>
    private async Task<string[]> FetchAndListAsync(Dictionary<string, string?> source, LoopbackHttpServer? imds = null)
    {
        using var world = await PublishAsync();
        var environment = SourceEnvironment(world, source, imds?.Endpoint);

        var fetch = CommandRunner.Run(Binaries.Agent, ["fetch"], environment);
        var list = CommandRunner.Run(Binaries.Admin, ["ls"], environment);

        Assert.True(fetch.ExitCode == 0, $"{fetch}\nIMDS saw:\n{imds?.Describe()}");
        Assert.Equal(Sentinel, File.ReadAllText(Path.Combine(target, "db.json")));
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("db.json", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, fetch.Stdout + fetch.Stderr + list.Stdout + list.Stderr, StringComparison.Ordinal);
        Assert.NotEmpty(proxy.Kms("Decrypt"));
        Assert.NotEmpty(proxy.S3);
        var signers = proxy.S3.Concat(proxy.Kms("Decrypt")).Select(r => r.SigningKeyId).ToList();
        Assert.DoesNotContain(null, signers);
        return [.. signers.Distinct().Order(StringComparer.Ordinal)!];
    }

    private async Task<AdminWorld> PublishAsync()
    {
        var world = await AdminWorld.CreateAsync(moto);
        world.Put("db.json", Sentinel);
        File.WriteAllText(Path.Combine(home, "secret-agent.yaml"), "version: 1\nfiles:\n  - name: db.json\n");
        return world;
    }

    /// <summary>The world's environment with every credential source cleared, then only <paramref name="source"/>.</summary>
    private Dictionary<string, string?> SourceEnvironment(AdminWorld world, Dictionary<string, string?> source, Uri? imds)
    {
        var environment = world.Environment();
        foreach (var name in ClearedVariables)
        {
            environment[name] = null;
        }

        environment["HOME"] = home;
        environment["AWS_ENDPOINT_URL"] = proxy.Endpoint.ToString();
        environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, "no-credentials");
        environment["AWS_CONFIG_FILE"] = Path.Combine(home, "no-config");
        environment["AWS_EC2_METADATA_DISABLED"] = imds is null ? "true" : null;
        environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds?.ToString().TrimEnd('/');
        environment["SECRET_AGENT_MANIFEST"] = Path.Combine(home, "secret-agent.yaml");
        environment["SECRET_AGENT_DIR"] = target;
        foreach (var (key, value) in source)
        {
            environment[key] = value;
        }

        return environment;
    }

    private static readonly string[] ClearedVariables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    ];

    /// <summary>Each S3/KMS call was signed by a key STS issued for <paramref name="action"/>, which the source signed.</summary>
    private void AssertUsedOnlyKeysFrom(string action, string[] used, string? signedBy)
    {
        var calls = proxy.Sts(action).ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.Equal(signedBy, c.SigningKeyId));
        Assert.All(calls, c => Assert.Contains("RoleArn=" + Uri.EscapeDataString(RoleArn), c.Body, StringComparison.Ordinal));
        var issued = calls.Select(c => AccessKeyIdPattern().Match(c.ResponseBody).Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(string.Empty, issued);
        Assert.All(used, key => Assert.Contains(key, issued));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(home, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    // The SDK looks the cached token up by the SHA-1 of the start URL (legacy sso_start_url profiles).
    private void WriteSsoCache(string startUrl, string accessToken)
    {
        var cache = Directory.CreateDirectory(Path.Combine(home, ".aws", "sso", "cache")).FullName;
#pragma warning disable CA5350 // The cache file name is the SDK's choice, not a security use.
        var name = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(startUrl))) + ".json";
#pragma warning restore CA5350
        File.WriteAllText(Path.Combine(cache, name), $"{{\"startUrl\": \"{startUrl}\", \"region\": \"us-east-1\", \"accessToken\": \"{accessToken}\", \"expiresAt\": \"{DateTime.UtcNow.AddHours(8):yyyy-MM-ddTHH:mm:ssZ}\"}}");
    }

    private static string Script(string name)
    {
        // tests/SecretAgent.Integration.Tests/bin/<config>/net10.0 -> tests/SecretAgent.Integration.Tests
        var project = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(project, "Credentials", "scripts", name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"test script not found: {path}");
    }

    [GeneratedRegex("<AccessKeyId>([^<]+)</AccessKeyId>")]
    private static partial Regex AccessKeyIdPattern();
}
