namespace SecretAgent.Core.Manifest;

/// <summary>
/// A parsed and validated secret-agent.yaml. <paramref name="Source"/>, <paramref name="KmsKeyIds"/> and
/// <paramref name="Dir"/> are optional defaults that flags and environment variables override.
/// <paramref name="Sha256Hex"/> is the lowercase hex SHA-256 of the raw manifest bytes, recorded in receipts.
/// </summary>
public sealed record Manifest(
    int Version,
    IReadOnlyList<ManifestFile> Files,
    string? Source,
    IReadOnlyList<string>? KmsKeyIds,
    string? Dir,
    string Sha256Hex,
    string FileName);
