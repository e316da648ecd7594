using System.CommandLine;
using SecretAgent.Core.Policy;

namespace SecretAgent.Agent.Commands;

/// <summary><c>secret-agent policy</c>: the least-privilege IAM policy for the app's role, from the manifest.</summary>
internal static class PolicyCommand
{
    public static Command Create()
    {
        var command = new Command("policy", "Print the least-privilege IAM policy the app's role needs for this manifest");
        AgentOptions.AddCommon(command);
        command.SetAction(parse =>
        {
            var context = AgentContext.Load(parse);
            Console.Out.WriteLine(IamPolicyBuilder.Build(context.Manifest, context.Source, context.Settings.KmsKeyIds));
            return 0;
        });
        return command;
    }
}
