using System.CommandLine;
using System.Globalization;
using SecretAgent.Admin.Output;
using SecretAgent.Core.Catalog;
using SecretAgent.Core.Errors;

namespace SecretAgent.Admin.Commands;

/// <summary>
/// <c>verify [--allow-key KEY] [--json]</c>: open every stored version of every current config with the agent's
/// checks and check that each name's authenticated generations strictly increase. A report row per version on stdout;
/// any finding ends with one error line and exit 65, so a scheduled job can alert on it.
/// </summary>
internal static class VerifyCommand
{
    private static readonly Option<string[]> AllowKey = EarlierKeys.Create();

    public static Command Create()
    {
        var command = new Command("verify", "Decrypt every version of every config and check the generations only go up (exit 65 on a finding)") { AllowKey };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var context = AdminContext.Load(parse);
        IReadOnlyList<string> allowed = [context.KeyId, .. EarlierKeys.Read(parse, AllowKey).Where(k => k != context.KeyId)];
        var checks = await Consoles.WithStatusAsync($"Verifying {context.Source.Location}", () => context.Verifier.VerifyAsync(allowed, cancellationToken));
        if (context.Json)
        {
            PrintJson(context, checks);
        }
        else
        {
            PrintTable(checks);
        }

        var findings = checks.Where(c => c.Finding is not null).ToList();
        return findings.Count == 0
            ? 0
            : throw new SecretAgentException(ErrorKind.Integrity, $"verify found {findings.Count} problem(s) in {findings.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count()} config(s), first: config '{findings[0].Name}' version {findings[0].VersionId ?? "-"}: {findings[0].Finding}");
    }

    private static void PrintTable(IReadOnlyList<VersionCheck> checks)
    {
        var table = PlainTable.Create("NAME", "VERSION", "GENERATION", "LATEST", "STATUS");
        foreach (var check in checks)
        {
            table.AddPlainRow(
                check.Name,
                check.VersionId ?? "-",
                check.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-",
                check.IsLatest ? "latest" : string.Empty,
                check.Finding ?? "ok");
        }

        Consoles.Stdout().Write(table);
    }

    private static void PrintJson(AdminContext context, IReadOnlyList<VersionCheck> checks) => JsonOutput.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("source", context.Source.Location);
        w.WriteBoolean("ok", checks.All(c => c.Finding is null));
        w.WriteNumber("findings", checks.Count(c => c.Finding is not null));
        w.WriteStartArray("versions");
        foreach (var check in checks)
        {
            w.WriteStartObject();
            w.WriteString("name", check.Name);
            w.WriteNullable("versionId", check.VersionId);
            w.WriteNullable("generation", check.Generation);
            w.WriteBoolean("latest", check.IsLatest);
            w.WriteNullable("problem", check.Finding);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
