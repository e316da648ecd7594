using System.CommandLine;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Processes;

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
            using var target = AgentComposition.OpenTarget(context, parse);
            using var signals = new SignalCancellation();
            var seams = AgentComposition.Seams(context, target, new AppLauncher(false, new SuperviseOptions(false)));
            await AgentComposition.UnderSignalsAsync(signals, ct => ConfigDelivery.DeliverAsync(AgentComposition.Request(context, parse), seams, ct));
            return 0;
        });
        return command;
    }
}
