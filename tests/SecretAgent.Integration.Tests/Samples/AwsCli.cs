using System.Text.Json.Nodes;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Samples;

/// <summary>
/// The aws CLI (v1, in the machine image) against moto, for the services the test project has no SDK client for
/// (CloudFormation, ECS, IAM). Its client-side validation checks requests against the service's API shapes too.
/// </summary>
internal static class AwsCli
{
    public static JsonNode Run(MotoServer moto, params string[] args)
    {
        var environment = moto.Environment();
        environment["AWS_DEFAULT_REGION"] = MotoServer.Region;
        environment["AWS_PAGER"] = string.Empty;
        var result = CommandRunner.Run("aws", ["--endpoint-url", moto.Endpoint.ToString(), "--output", "json", .. args], environment, TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', args)}: {result}");
        return string.IsNullOrWhiteSpace(result.Stdout) ? new JsonObject() : JsonNode.Parse(result.Stdout)!;
    }
}
