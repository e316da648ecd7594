using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using ManifestModel = SecretAgent.Core.Manifest.Manifest;

namespace SecretAgent.Core.Policy;

/// <summary>
/// Writes the least-privilege IAM policy for the app's task role: read exactly the manifest's objects, list only
/// their keys (so a missing object is a 404, not a 403), and decrypt only with the allowed keys under an encryption
/// context naming this source and these configs. Output is deterministic indented JSON.
/// </summary>
public static class IamPolicyBuilder
{
    public static string Build(ManifestModel manifest, SourceUri source, IReadOnlyList<string> kmsKeyIds)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(kmsKeyIds);
        if (!source.IsS3)
        {
            throw new SecretAgentException(ErrorKind.Usage, "policy applies to s3:// sources");
        }

        if (manifest.Files.Count == 0)
        {
            throw new SecretAgentException(ErrorKind.Usage, "the manifest lists no files, so there is nothing to grant");
        }

        var names = manifest.Files.Select(f => f.Name.Value).ToList();
        var keys = kmsKeyIds.Select(KmsKeyReference.Classify).ToList();
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("Version", "2012-10-17");
            writer.WriteStartArray("Statement");
            WriteS3Statements(writer, source, names);
            WriteKmsStatements(writer, source, names, keys);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    internal static JsonWriterOptions Options => new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static void WriteS3Statements(Utf8JsonWriter writer, SourceUri source, List<string> names)
    {
        var objectKeys = names.Select(source.ObjectKey).ToList();
        var objectArns = objectKeys.Select(k => $"arn:aws:s3:::{source.Bucket}/{PolicyText.InResource(k)}");
        PolicyStatement.Write(writer, "ReadConfigObjects", "s3:GetObject", objectArns);
        PolicyStatement.Write(
            writer,
            "ListConfigObjects",
            "s3:ListBucket",
            [$"arn:aws:s3:::{source.Bucket}"],
            new PolicyCondition("StringEquals", "s3:prefix", objectKeys.Select(PolicyText.InCondition).ToList()));
    }

    private static void WriteKmsStatements(Utf8JsonWriter writer, SourceUri source, List<string> names, List<KmsKeyReference> keys)
    {
        PolicyCondition[] context =
        [
            new("StringEquals", $"kms:EncryptionContext:{EncryptionContext.ScopeKey}", [PolicyText.InCondition(source.Scope)]),
            new("StringEquals", $"kms:EncryptionContext:{EncryptionContext.NameKey}", names.Select(PolicyText.InCondition).ToList()),
        ];
        KeyStatements.Write(writer, "DecryptConfigKeys", ["kms:Decrypt"], keys, context);
    }
}

/// <summary>
/// The KMS statements of a policy: one on the key ARNs and ids, and one matching aliases through
/// kms:ResourceAliases (an alias cannot be a resource of Decrypt or GenerateDataKey).
/// </summary>
internal static class KeyStatements
{
    public static void Write(Utf8JsonWriter writer, string sid, IReadOnlyList<string> actions, List<KmsKeyReference> keys, PolicyCondition[] context)
    {
        var keyArns = keys.Where(k => k.Kind is KmsKeyKind.KeyArn or KmsKeyKind.KeyId).Select(k => k.Value).Distinct(StringComparer.Ordinal).ToList();
        if (keyArns.Count > 0)
        {
            PolicyStatement.Write(writer, sid, actions, keyArns, context);
        }

        var aliases = keys.Where(k => k.Kind == KmsKeyKind.Alias).Select(k => k.Value).Distinct(StringComparer.Ordinal).ToList();
        if (aliases.Count > 0)
        {
            PolicyStatement.Write(
                writer,
                sid + "ByAlias",
                actions,
                ["arn:aws:kms:*:*:key/*"],
                [.. context, new("ForAnyValue:StringEquals", "kms:ResourceAliases", aliases)]);
        }
    }
}

/// <summary>
/// Makes a config name literal inside a policy. IAM reads '*' and '?' in resource ARNs as wildcards and "${...}"
/// anywhere as a policy variable, so a name holding them would grant more than that one object; IAM's own
/// ${*}, ${?} and ${$} variables spell those characters literally.
/// </summary>
internal static class PolicyText
{
    public static string InResource(string text) =>
        text.Replace("$", "${$}", StringComparison.Ordinal)
            .Replace("*", "${*}", StringComparison.Ordinal)
            .Replace("?", "${?}", StringComparison.Ordinal);

    public static string InCondition(string text) => text.Replace("$", "${$}", StringComparison.Ordinal);
}
