using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using SecretAgent.Aws;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using SecretAgent.Integration.Tests.Moto;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Admin;

/// <summary>
/// One test's deployment on moto: a fresh versioned bucket, a KMS key with an alias, a scratch directory, and a
/// runner for the real secret-agent-admin binary with SECRET_AGENT_SOURCE / SECRET_AGENT_KMS_KEY_ID set.
/// </summary>
internal sealed class AdminWorld : IDisposable
{
    private AdminWorld(MotoServer moto, string bucket, string prefix, string keyArn, string keyAlias)
    {
        Moto = moto;
        Bucket = bucket;
        Source = SourceUri.Parse($"s3://{bucket}/{prefix}");
        KeyArn = keyArn;
        KeyAlias = keyAlias;
        Scratch = Directory.CreateTempSubdirectory("sa-admin-").FullName;
    }

    public MotoServer Moto { get; }

    public string Bucket { get; }

    public SourceUri Source { get; }

    public string KeyArn { get; }

    public string KeyAlias { get; }

    public string Scratch { get; }

    public static async Task<AdminWorld> CreateAsync(MotoServer moto, string prefix = "prod/")
    {
        var bucket = await moto.CreateVersionedBucketAsync();
        var (arn, alias) = await moto.CreateKeyAsync();
        return new AdminWorld(moto, bucket, prefix, arn, alias);
    }

    public S3ObjectStore Store(SourceUri? source = null) => new(source ?? Source, Moto.Clients());

    public Dictionary<string, string?> Environment()
    {
        var environment = Moto.Environment();
        environment["SECRET_AGENT_SOURCE"] = Source.Scope;
        environment["SECRET_AGENT_KMS_KEY_ID"] = KeyAlias;
        return environment;
    }

    public CommandResult Admin(params string[] args) => CommandRunner.Run(Binaries.Admin, args, Environment());

    public static CommandResult Admin(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        CommandRunner.Run(Binaries.Admin, args, environment);

    public CommandResult AdminWithStdin(string stdin, params string[] args) =>
        CommandRunner.Run(Binaries.Admin, args, Environment(), stdin: stdin);

    public string WriteInput(string content, string name = "input.txt")
    {
        var path = Path.Combine(Scratch, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    /// <summary>Publishes through the binary and returns the parsed --json result.</summary>
    public JsonElement Put(string name, string content, string format = "v3")
    {
        var result = Admin("put", name, WriteInput(content, Guid.NewGuid().ToString("N")), "--format", format, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return Json(result);
    }

    public static JsonElement Json(CommandResult result)
    {
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }

    // What an attacker with s3:PutObject can do: copy a version (the latest, or versionId) over the key as its newest
    // version, optionally with the stored context's generation edited. Returns the new version id.
    public async Task<string> CopyAsNewestAsync(string name, string? versionId, string? generation = null)
    {
        var key = Source.ObjectKey(name);
        var copy = new CopyObjectRequest { SourceBucket = Bucket, SourceKey = key, SourceVersionId = versionId, DestinationBucket = Bucket, DestinationKey = key };
        if (generation is not null)
        {
            var head = await Moto.S3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = key, VersionId = versionId });
            copy.MetadataDirective = Amazon.S3.S3MetadataDirective.REPLACE;
            foreach (var field in head.Metadata.Keys)
            {
                var bare = field.StartsWith("x-amz-meta-", StringComparison.Ordinal) ? field["x-amz-meta-".Length..] : field;
                var value = head.Metadata[field];
                copy.Metadata.Add(bare, bare == "x-amz-t" ? WithGeneration(value, generation) : value);
            }
        }

        return (await Moto.S3.CopyObjectAsync(copy)).VersionId;
    }

    private static string WithGeneration(string contextJson, string generation)
    {
        var context = JsonNode.Parse(contextJson)!.AsObject();
        context[EncryptionContext.GenerationKey] = generation;
        return context.ToJsonString();
    }

    public void Dispose() => Directory.Delete(Scratch, recursive: true);
}
