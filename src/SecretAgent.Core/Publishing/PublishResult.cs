namespace SecretAgent.Core.Publishing;

/// <summary>What a publish stored: the generation bound into the object's context, and where S3 put it.</summary>
public sealed record PublishResult(string Name, long Generation, string? VersionId, string ETag, string KeyArn)
{
    /// <summary>Versions whose generation claims were passed over (forged or bound elsewhere): IT should delete them.</summary>
    public IReadOnlyList<SkippedVersion> Skipped { get; init; } = [];
}
