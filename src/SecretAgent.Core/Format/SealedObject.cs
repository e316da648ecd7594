namespace SecretAgent.Core.Format;

/// <summary>What the writer produces: the S3 body and the user metadata (keys without x-amz-meta-).</summary>
public sealed record SealedObject(byte[] Body, IReadOnlyDictionary<string, string> Metadata, string KeyArn);
