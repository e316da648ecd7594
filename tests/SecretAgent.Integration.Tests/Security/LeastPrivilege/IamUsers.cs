using System.Diagnostics;
using System.Text.Json;
using Amazon.Runtime;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Security.LeastPrivilege;

/// <summary>
/// Creates IAM users on moto, each with one managed policy and an access key. The test project has no IAM SDK
/// client and the aws CLI costs seconds a call, so one python3 process (boto3 comes with moto) makes them all.
/// </summary>
internal static class IamUsers
{
    private const string Script = """
        import json, sys, boto3
        endpoint, users = sys.argv[1], sys.argv[2:]
        iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
        keys = {}
        for user, path in zip(users[::2], users[1::2]):
            iam.create_user(UserName=user)
            arn = iam.create_policy(PolicyName=user, PolicyDocument=open(path).read())["Policy"]["Arn"]
            iam.attach_user_policy(UserName=user, PolicyArn=arn)
            key = iam.create_access_key(UserName=user)["AccessKey"]
            keys[user] = [key["AccessKeyId"], key["SecretAccessKey"]]
        print(json.dumps(keys))
        """;

    public static Dictionary<string, BasicAWSCredentials> Create(MotoServer moto, string scratch, params (string User, string Policy)[] users)
    {
        var info = new ProcessStartInfo("python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Script);
        info.ArgumentList.Add(moto.Endpoint.ToString());
        foreach (var (user, policy) in users)
        {
            var path = Path.Combine(scratch, user + ".policy.json");
            File.WriteAllText(path, policy);
            info.ArgumentList.Add(user);
            info.ArgumentList.Add(path);
        }

        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"creating IAM users failed: {stderr.Result}");
        }

        using var keys = JsonDocument.Parse(stdout);
        return keys.RootElement.EnumerateObject().ToDictionary(
            u => u.Name,
            u => new BasicAWSCredentials(u.Value[0].GetString(), u.Value[1].GetString()),
            StringComparer.Ordinal);
    }
}
