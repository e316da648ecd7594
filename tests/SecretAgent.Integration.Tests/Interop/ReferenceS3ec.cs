using System.Text.Json;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Interop;

/// <summary>The independent Python S3EC client (tests/vectors/s3ec.py) driven against moto.</summary>
internal sealed class ReferenceS3ec(MotoServer moto)
{
    public static string Script { get; } = FindScript();

    public CommandResult Run(params string[] args) =>
        CommandRunner.Run("python3", [Script, .. args], BotoEnvironment(), TimeSpan.FromSeconds(120));

    /// <summary>The shared fixture's environment, plus the default-region variable boto3 reads.</summary>
    private Dictionary<string, string?> BotoEnvironment()
    {
        var environment = moto.Environment();
        environment["AWS_DEFAULT_REGION"] = MotoServer.Region;
        return environment;
    }

    public string CreateKey()
    {
        var result = Run("create-key");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.GetProperty("key_id").GetString()!;
    }

    public void CreateBucket(string bucket)
    {
        var result = Run("create-bucket", "--bucket", bucket, "--versioned");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public static string ContextJson(string name, string scope, int generation) =>
        JsonSerializer.Serialize(
            new Dictionary<string, string>
            {
                ["secret-agent:name"] = name,
                ["secret-agent:scope"] = scope,
                ["secret-agent:generation"] = generation.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            InteropJson.Default.DictionaryStringString);

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "vectors", "s3ec.py");
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"tests/vectors/s3ec.py not found above {AppContext.BaseDirectory}");
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class InteropJson : System.Text.Json.Serialization.JsonSerializerContext;
