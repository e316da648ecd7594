using System.CommandLine;
using System.Security.Cryptography;
using SecretAgent.Admin.Output;
using SecretAgent.Core.Format;
using SecretAgent.Core.Storage;
using SecretAgent.Publishing;

namespace SecretAgent.Admin.Commands;

/// <summary><c>put NAME [FILE|-] [--format v2|v3]</c>: encrypt a config under the KMS key and publish it as the next generation.</summary>
internal static class PutCommand
{
    private static readonly Argument<string> Name = new("NAME") { Description = "Config name, e.g. app/settings.json" };

    private static readonly Argument<string?> File = new("FILE")
    {
        Description = "File to publish, or '-' for stdin (the default when input is piped)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static readonly Option<string> Format = new("--format")
    {
        Description = "Stored format: v3 (key commitment, default) or v2 (for older S3 Encryption Clients)",
        DefaultValueFactory = _ => "v3",
        HelpName = "v2|v3",
    };

    public static Command Create()
    {
        Format.AcceptOnlyFromAmong("v2", "v3");
        var command = new Command("put", "Encrypt a config under the KMS key and publish it as its next generation") { Name, File, Format };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var name = ConfigName.Parse(parse.GetValue(Name));
        var format = parse.GetValue(Format) == "v2" ? EnvelopeFormat.V2 : EnvelopeFormat.V3;
        var context = AdminContext.Load(parse);
        var keyId = context.KeyId;
        var plaintext = await InputReader.ReadAsync(parse.GetValue(File), name, cancellationToken);
        PublishResult result;
        try
        {
            result = await Consoles.WithStatusAsync(
                $"Encrypting and publishing {name}",
                () => context.Publisher.PublishAsync(name, plaintext, keyId, format, cancellationToken));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        WarnAboutSkipped(context, result);
        Print(context, result, format);
        return 0;
    }

    // Forged or misplaced generation claims were passed over; they stay in the history until IT deletes them.
    internal static void WarnAboutSkipped(AdminContext context, PublishResult result)
    {
        foreach (var skipped in result.Skipped)
        {
            var remove = context.Source.IsS3 && skipped.VersionId is not null
                ? $"; delete it: aws s3api delete-object --bucket {context.Source.Bucket} --key {context.Source.ObjectKey(result.Name)} --version-id {skipped.VersionId}"
                : string.Empty;
            Console.Error.WriteLine($"{Program.Name}: warning: config '{result.Name}': ignored version {skipped.VersionId ?? "-"}, which claims generation {skipped.ClaimedGeneration}: {skipped.Reason}{remove}");
        }
    }

    private static void Print(AdminContext context, PublishResult result, EnvelopeFormat format)
    {
        if (context.Json)
        {
            JsonOutput.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("name", result.Name);
                w.WriteNumber("generation", result.Generation);
                w.WriteNullable("versionId", result.VersionId);
                w.WriteString("etag", result.ETag);
                w.WriteString("keyArn", result.KeyArn);
                w.WriteString("format", format.ToString().ToLowerInvariant());
                w.WriteString("source", context.Source.Location);
                w.WriteString("scope", context.Source.Scope);
                w.WriteStartArray("skippedVersions");
                foreach (var skipped in result.Skipped)
                {
                    w.WriteStartObject();
                    w.WriteNullable("versionId", skipped.VersionId);
                    w.WriteNumber("claimedGeneration", skipped.ClaimedGeneration);
                    w.WriteString("reason", skipped.Reason);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }

        Console.Out.WriteLine(Core.Errors.Printable.Escape($"published {result.Name} generation {result.Generation} version {result.VersionId ?? "-"} ({format.ToString().ToLowerInvariant()}, key {result.KeyArn})"));
    }
}
