using System.CommandLine;
using SecretAgent.Admin.Output;
using SecretAgent.Core.Format;
using SecretAgent.Core.Output;
using SecretAgent.Core.Storage;

namespace SecretAgent.Admin.Commands;

/// <summary>
/// <c>get NAME [--version ID] [-o FILE [--force]]</c>: fetch, verify and decrypt one config with the agent's checks.
/// The plaintext goes to stdout (or the file) only after every check passed; on any failure stdout stays empty.
/// </summary>
internal static class GetCommand
{
    private static readonly Argument<string> Name = new("NAME") { Description = "Config name" };

    private static readonly Option<string?> Version = new("--version")
    {
        Description = "S3 version id to read instead of the latest (see history)",
        HelpName = "ID",
    };

    private static readonly Option<string?> OutputFile = new("--output", "-o")
    {
        Description = "Write the plaintext to a new file (mode 0600) instead of stdout",
        HelpName = "FILE",
    };

    private static readonly Option<bool> Force = new("--force") { Description = "With -o, replace an existing file" };

    public static Command Create()
    {
        var command = new Command("get", "Fetch, verify and decrypt a config; plaintext to stdout or -o FILE") { Name, Version, OutputFile, Force };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var name = ConfigName.Parse(parse.GetValue(Name));
        var output = parse.GetValue(OutputFile);
        var force = parse.GetValue(Force);
        if (output is not null)
        {
            SecretFile.CheckWritable(output, force, name);
        }

        var context = AdminContext.Load(parse);
        var keyId = context.KeyId;
        using var opened = await Consoles.WithStatusAsync(
            $"Fetching and decrypting {name}",
            () => context.Catalog.GetAsync(name, parse.GetValue(Version), [keyId], cancellationToken));
        if (output is null)
        {
            await using var stdout = new StandardOutputStream();
            stdout.Write(opened.Plaintext);
            return 0;
        }

        SecretFile.Write(output, opened.Plaintext, force, name);
        if (context.Json)
        {
            PrintJson(name, output, opened);
        }

        return 0;
    }

    private static void PrintJson(string name, string output, OpenedObject opened) => JsonOutput.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteNumber("generation", opened.Envelope.Generation);
        w.WriteString("format", opened.Envelope.Format.ToString().ToLowerInvariant());
        w.WriteString("keyArn", opened.KeyArn);
        w.WriteString("file", Path.GetFullPath(output));
        w.WriteEndObject();
    });
}
