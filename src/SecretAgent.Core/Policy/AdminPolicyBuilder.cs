using System.Buffers;
using System.Text;
using System.Text.Json;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Policy;

/// <summary>
/// Writes the IAM policy the IT role needs to run every secret-agent-admin command under one source and key, and
/// nothing more. The actions are the requests the admin code paths make:
/// <list type="bullet">
/// <item>put, rollback, rotate: PutObject (conditional, If-Match / If-None-Match), after the generation floor has read
/// the key's versions (ListBucketVersions, HeadObject and GetObject with a version id: GetObjectVersion);</item>
/// <item>get, verify, list, history: GetObject, GetObjectVersion, ListBucket (ListObjectsV2 under the prefix),
/// ListBucketVersions; rm: HeadObject then DeleteObject without a version id (a delete marker; the bucket policy
/// denies DeleteObjectVersion to everyone);</item>
/// <item>KMS: GenerateDataKey to encrypt, Decrypt to read back (get, verify, the floor, rotate), both only under an
/// encryption context whose scope is this source.</item>
/// </list>
/// Rotating away from an earlier key (or rolling back or verifying across one) also needs Decrypt on that key, and
/// only Decrypt: pass it among <c>earlierKeyIds</c> (the commands' <c>--allow-key</c>).
/// </summary>
public static class AdminPolicyBuilder
{
    internal static readonly string[] ObjectActions = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"];
    internal static readonly string[] ListActions = ["s3:ListBucket", "s3:ListBucketVersions"];
    internal static readonly string[] KeyActions = ["kms:GenerateDataKey", "kms:Decrypt"];

    public static string Build(SourceUri source, string kmsKeyId, IReadOnlyList<string> earlierKeyIds)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(kmsKeyId);
        ArgumentNullException.ThrowIfNull(earlierKeyIds);
        if (!source.IsS3)
        {
            throw new SecretAgentException(ErrorKind.Usage, "policy applies to s3:// sources");
        }

        if (KmsKeyReference.IsLocal(kmsKeyId))
        {
            throw new SecretAgentException(ErrorKind.Usage, "policy needs a KMS key id (a local key file needs no IAM policy)");
        }

        var current = KmsKeyReference.Classify(kmsKeyId);
        var earlier = earlierKeyIds.Where(k => !KmsKeyReference.IsLocal(k)).Select(KmsKeyReference.Classify).Where(k => k != current).ToList();

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, IamPolicyBuilder.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("Version", "2012-10-17");
            writer.WriteStartArray("Statement");
            WriteS3Statements(writer, source);
            PolicyCondition[] context = [new("StringEquals", $"kms:EncryptionContext:{EncryptionContext.ScopeKey}", [PolicyText.InCondition(source.Scope)])];
            KeyStatements.Write(writer, "EncryptConfigKey", KeyActions, [current], context);
            KeyStatements.Write(writer, "DecryptEarlierKeys", ["kms:Decrypt"], earlier, context);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    // Everything under the prefix: IT publishes any config name there. In StringLike a '*' or '?' of the prefix
    // itself must be literal, as in a resource ARN.
    private static void WriteS3Statements(Utf8JsonWriter writer, SourceUri source)
    {
        var prefix = PolicyText.InResource(source.Prefix);
        PolicyStatement.Write(writer, "PublishConfigObjects", ObjectActions, [$"arn:aws:s3:::{source.Bucket}/{prefix}*"]);
        PolicyStatement.Write(
            writer,
            "ListConfigObjects",
            ListActions,
            [$"arn:aws:s3:::{source.Bucket}"],
            new PolicyCondition("StringLike", "s3:prefix", [prefix + "*"]));
    }
}
