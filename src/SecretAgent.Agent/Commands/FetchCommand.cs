using System.CommandLine;

namespace SecretAgent.Agent.Commands;

/// <summary><c>secret-agent fetch</c>: deliver the configs and exit 0 (init containers, ECS dependsOn).</summary>
internal static class FetchCommand
{
    public static Command Create()
    {
        var command = new Command("fetch", "Deliver the configs onto the tmpfs and exit (for init containers)");
        AgentOptions.AddCommon(command);
        AgentOptions.AddDelivery(command);
        command.SetAction(async (parse, _) =>
        {
            var context = AgentContext.Load(parse);
            using var target = StartPath.OpenTarget(context, parse);
            using var signals = new SignalCancellation();
            await StartPath.DeliverAsync(context, parse, target, signals);
            return 0;
        });
        return command;
    }
}
