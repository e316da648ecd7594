using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;

namespace SecretAgent.Core.Policy;

internal enum KmsKeyKind
{
    KeyArn,
    KeyId,
    Alias,
    Local,
}

/// <summary>How an allowlisted key id can appear in an IAM policy.</summary>
internal sealed record KmsKeyReference(KmsKeyKind Kind, string Value)
{
    /// <summary>
    /// Classifies a key id: a key ARN stays as is; a bare id becomes a wildcard-region key ARN; an alias or alias ARN
    /// becomes its alias name (usable only in a kms:ResourceAliases condition); a file:// key is local and needs no grant.
    /// </summary>
    public static KmsKeyReference Classify(string keyId)
    {
        if (KeyIds.IsLocal(keyId))
        {
            return new(KmsKeyKind.Local, keyId);
        }

        if (keyId.StartsWith("alias/", StringComparison.Ordinal) && keyId.Length > "alias/".Length)
        {
            return new(KmsKeyKind.Alias, keyId);
        }

        if (keyId.StartsWith("arn:", StringComparison.Ordinal))
        {
            return ClassifyArn(keyId);
        }

        return keyId.Length > 0 && keyId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? new(KmsKeyKind.KeyId, $"arn:aws:kms:*:*:key/{keyId}")
            : throw Unrecognized();
    }

    // arn:PARTITION:kms:REGION:ACCOUNT:key/ID or arn:PARTITION:kms:REGION:ACCOUNT:alias/NAME
    private static KmsKeyReference ClassifyArn(string arn)
    {
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[2] != "kms")
        {
            throw Unrecognized();
        }

        var resource = parts[5];
        if (resource.StartsWith("key/", StringComparison.Ordinal) && resource.Length > "key/".Length)
        {
            return new(KmsKeyKind.KeyArn, arn);
        }

        return resource.StartsWith("alias/", StringComparison.Ordinal) && resource.Length > "alias/".Length
            ? new(KmsKeyKind.Alias, resource)
            : throw Unrecognized();
    }

    private static SecretAgentException Unrecognized() =>
        new(ErrorKind.Usage, "a KMS key allowlist entry is not a key id, key ARN, alias, alias ARN or file:// key URI");
}
