namespace SecretAgent.Core.Storage;

/// <summary>
/// One GET. <see cref="MaxBytes"/> is enforced while streaming, so an oversized object is never fully read.
/// <see cref="IfNoneMatch"/> makes the GET conditional (the sidecar's cheap "has it changed?" probe).
/// </summary>
public sealed record GetRequest(string Key, long MaxBytes, string? VersionId = null, string? IfNoneMatch = null);
