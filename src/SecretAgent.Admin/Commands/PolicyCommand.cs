using System.CommandLine;
using SecretAgent.Core.Policy;

namespace SecretAgent.Admin.Commands;

/// <summary>
/// <c>policy</c>: the IAM policy the IT role needs for every admin command under this source and key (and Decrypt
/// on the earlier keys given with --allow-key). Offline: it reads nothing from AWS.
/// </summary>
internal static class PolicyCommand
{
    public static Command Create()
    {
        var allowKey = EarlierKeys.Create();
        var command = new Command("policy", "Print the IAM policy the IT role needs to run every command under this source and KMS key") { allowKey };
        command.SetAction(parse =>
        {
            var context = AdminContext.Load(parse);
            Console.Out.Write(AdminPolicyBuilder.Build(context.Source, context.KeyId, EarlierKeys.Read(parse, allowKey)));
            return 0;
        });
        return command;
    }
}
