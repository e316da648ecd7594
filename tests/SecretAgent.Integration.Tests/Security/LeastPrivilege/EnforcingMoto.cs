using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SecretAgent.Core.Storage;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Security.LeastPrivilege;

/// <summary>
/// A moto server of its own with IAM enforcement on. moto lets the first INITIAL_NO_AUTH_ACTION_COUNT requests
/// through unauthenticated; the fixture spends them on the setup (a bucket, IT's published configs, two IAM users
/// whose only policies are what <c>secret-agent policy</c> and <c>secret-agent-admin policy</c> print, and their
/// access keys), then uses up the rest until moto refuses the setup's own credentials, so every test request is
/// authorized against those policies. moto checks actions and resources, not conditions, and refuses every KMS
/// call once enforcing: configs are sealed with a local key file, which needs no IAM (the conditions are checked
/// statically in PolicyMatchesRequestsTests). moto also miscomputes the signature of a list request whose prefix
/// holds a '/' (SignatureDoesNotMatch), which every admin command under a prefix makes (ListObjectVersions for the
/// generation floor); so a second IT user, for a source at a second bucket's root, runs the admin binary end to end.
/// </summary>
public sealed class EnforcingMoto : IAsyncLifetime
{
    public const string Prefix = "prod/";

    // Generous: the setup makes about 40 requests; a shortfall fails the setup with InvalidAccessKeyId.
    private const int UnauthenticatedRequests = 200;

    public static readonly string[] Listed = ["database.json", "tls/server.key"];

    /// <summary>Published but not in the manifest, and objects outside the source's prefix or beside a listed key.</summary>
    public static readonly string[] Unlisted = ["other.json", "tls/server.key.old"];

    public static readonly string[] OutsideKeys = ["staging/database.json", "database.json", "prod-old/database.json"];

    public const string Optional = "extra.yaml";

    public MotoServer Server { get; } = new(new Dictionary<string, string> { ["INITIAL_NO_AUTH_ACTION_COUNT"] = UnauthenticatedRequests.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public string Scratch { get; } = Directory.CreateTempSubdirectory("sa-iam11-").FullName;

    public string Bucket { get; private set; } = null!;

    public SourceUri Source { get; private set; } = null!;

    /// <summary>A second bucket's root, where moto's signature check lets the admin binary list.</summary>
    public SourceUri RootSource { get; private set; } = null!;

    public string KeyFile => Path.Combine(Scratch, "it.key");

    public string ManifestPath => Path.Combine(Scratch, "secret-agent.yaml");

    public string AppPolicy { get; private set; } = null!;

    public string ItPolicy { get; private set; } = null!;

    public BasicAWSCredentials App { get; private set; } = null!;

    public BasicAWSCredentials It { get; private set; } = null!;

    public BasicAWSCredentials ItAtRoot { get; private set; } = null!;

    /// <summary>What IT published, by config name (test values, not secrets).</summary>
    public Dictionary<string, string> Published { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Bucket = await Server.CreateVersionedBucketAsync();
        Source = SourceUri.Parse($"s3://{Bucket}/{Prefix}");
        RootSource = SourceUri.Parse($"s3://{await Server.CreateVersionedBucketAsync()}/");
        Local.LocalKeyFile.Create(KeyFile);
        File.WriteAllText(ManifestPath, "version: 1\nfiles:\n" + string.Concat(Listed.Select(n => $"  - name: {n}\n")) + $"  - name: {Optional}\n    optional: true\n");
        foreach (var name in Listed.Concat(Unlisted))
        {
            Publish(name, $"value of {name} {Guid.NewGuid():N}");
        }

        foreach (var key in OutsideKeys)
        {
            await Server.S3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = "outside the source" });
        }

        AppPolicy = Policy(Binaries.Agent, Source, "alias/sa-iam11-app");
        ItPolicy = Policy(Binaries.Admin, Source, "alias/sa-iam11-it");
        var keys = IamUsers.Create(
            Server,
            Scratch,
            ("sa-iam11-app", AppPolicy),
            ("sa-iam11-it", ItPolicy),
            ("sa-iam11-it-root", Policy(Binaries.Admin, RootSource, "alias/sa-iam11-it")));
        App = keys["sa-iam11-app"];
        It = keys["sa-iam11-it"];
        ItAtRoot = keys["sa-iam11-it-root"];
        await UseUpUnauthenticatedRequestsAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Scratch, recursive: true);
    }

    /// <summary>The real binaries' environment under one role's access key, with the local key and this manifest.</summary>
    public Dictionary<string, string?> Environment(BasicAWSCredentials role, string? manifest = null, string? target = null, SourceUri? source = null)
    {
        var credentials = role.GetCredentials();
        var environment = Server.Environment();
        environment["AWS_ACCESS_KEY_ID"] = credentials.AccessKey;
        environment["AWS_SECRET_ACCESS_KEY"] = credentials.SecretKey;
        environment["SECRET_AGENT_SOURCE"] = (source ?? Source).Scope;
        environment["SECRET_AGENT_KMS_KEY_ID"] = "file://" + KeyFile;
        environment["SECRET_AGENT_MANIFEST"] = manifest ?? ManifestPath;
        environment["SECRET_AGENT_DIR"] = target;
        return environment;
    }

    public AmazonS3Client S3(BasicAWSCredentials role) =>
        new(role, new AmazonS3Config { ServiceURL = Server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServer.Region, MaxErrorRetry = 0 });

    private void Publish(string name, string content)
    {
        var input = Path.Combine(Scratch, "input");
        File.WriteAllText(input, content);
        var environment = Server.Environment();
        environment["SECRET_AGENT_SOURCE"] = Source.Scope;
        environment["SECRET_AGENT_KMS_KEY_ID"] = "file://" + KeyFile;
        var result = AdminWorld.Admin(environment, "put", name, input);
        Assert.True(result.ExitCode == 0, result.ToString());
        Published[name] = content;
        File.Delete(input);
    }

    // The policies exactly as the two binaries print them for this source, with a KMS alias as production would
    // have (a local key needs no IAM; the KMS statements are then inert here, as moto refuses KMS anyway).
    private string Policy(string binary, SourceUri source, string kmsKeyId)
    {
        var environment = Server.Environment();
        environment["SECRET_AGENT_SOURCE"] = source.Scope;
        environment["SECRET_AGENT_KMS_KEY_ID"] = kmsKeyId;
        environment["SECRET_AGENT_MANIFEST"] = ManifestPath;
        var result = CommandRunner.Run(binary, ["policy"], environment);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var parsed = JsonDocument.Parse(result.Stdout);
        return result.Stdout;
    }

    // Each refused-or-answered ListBuckets is one request; once moto enforces, the setup's credentials (no IAM user)
    // are refused. Bounded by the count itself.
    private async Task UseUpUnauthenticatedRequestsAsync()
    {
        for (var i = 0; i <= UnauthenticatedRequests; i++)
        {
            try
            {
                await Server.S3.ListBucketsAsync();
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "InvalidAccessKeyId")
            {
                return;
            }
        }

        throw new InvalidOperationException($"moto did not start enforcing IAM after {UnauthenticatedRequests} requests");
    }
}

[CollectionDefinition(Name)]
public sealed class UsesEnforcingMoto : ICollectionFixture<EnforcingMoto>
{
    public const string Name = "moto with IAM enforcement";
}
