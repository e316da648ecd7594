namespace SecretAgent.Core.Target;

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
