namespace SecretAgent.Core.Target;

/// <summary>The directory secrets are published into; a seam so the pipeline can be tested with a fake.</summary>
public interface ISecretsTarget : IDisposable
{
    string Path { get; }

    /// <summary>True when the target is on tmpfs or ramfs, so plaintext never reaches a disk.</summary>
    bool IsMemoryBacked { get; }

    /// <summary>Replaces the published set with <paramref name="files"/>, all or nothing.</summary>
    void Publish(IReadOnlyList<MaterializedFile> files, FileOwner? owner);

    /// <summary>Removes everything published, overwriting file contents with zeros first (best effort).</summary>
    void Clear();
}

/// <summary>
/// A target that can move the live set's own file (the receipt) to new object versions without a swap: after a
/// rotation the content is the same, so the app's files and the "..data" link stay, and no reader sees a new set.
/// </summary>
public interface IOwnFileSink
{
    /// <summary>Replaces <paramref name="relativePath"/> inside the live set, atomically (written aside, renamed over).</summary>
    void ReplaceOwnFile(RelativePath relativePath, ReadOnlySpan<byte> content, FilePermissions mode, FileOwner? owner);
}

/// <summary>
/// One decrypted file to publish. <paramref name="Content"/> is owned by the caller, who zeroes it after publishing;
/// the target writes it straight from that memory and never copies it.
/// </summary>
/// <param name="RelativePath">Where inside the target, checked when it entered (the manifest, the receipt).</param>
/// <param name="Content">The plaintext bytes.</param>
/// <param name="Mode">Permission bits, e.g. 0400.</param>
public sealed record MaterializedFile(RelativePath RelativePath, ReadOnlyMemory<byte> Content, FilePermissions Mode)
{
    /// <summary>Names the path and size only, so a stray log line never shows content.</summary>
    public override string ToString() => $"{RelativePath} ({Content.Length} bytes, mode {Convert.ToString(Mode.Bits, 8)})";
}
