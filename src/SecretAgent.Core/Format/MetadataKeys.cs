namespace SecretAgent.Core.Format;

/// <summary>S3 Encryption Client metadata keys (stored as x-amz-meta-&lt;key&gt;; listed here without the prefix).</summary>
internal static class MetadataKeys
{
    // V1: refused (no authenticated content algorithm, no commitment).
    public const string V1Key = "x-amz-key";

    // V2
    public const string V2Key = "x-amz-key-v2";
    public const string V2Iv = "x-amz-iv";
    public const string V2CekAlg = "x-amz-cek-alg";
    public const string V2WrapAlg = "x-amz-wrap-alg";
    public const string V2TagLen = "x-amz-tag-len";
    public const string V2MatDesc = "x-amz-matdesc";
    public const string PlaintextLength = "x-amz-unencrypted-content-length";

    // V3 (compressed names)
    public const string V3Suite = "x-amz-c";
    public const string V3Key = "x-amz-3";
    public const string V3Wrap = "x-amz-w";
    public const string V3Commitment = "x-amz-d";
    public const string V3MessageId = "x-amz-i";
    public const string V3Context = "x-amz-t";

    public const string V2CekAlgValue = "AES/GCM/NoPadding";
    public const string V2WrapAlgValue = "kms+context";
    public const string V2TagLenValue = "128";
    public const string V3SuiteValue = "115";
    public const string V3WrapValue = "12";

    public static readonly string[] V2Required = [V2Key, V2Iv, V2CekAlg, V2WrapAlg, V2MatDesc];
    public static readonly string[] V2Optional = [V2TagLen, PlaintextLength];
    public static readonly string[] V3Required = [V3Suite, V3Key, V3Wrap, V3Commitment, V3MessageId, V3Context];
    public static readonly string[] V3Optional = [PlaintextLength];
}
