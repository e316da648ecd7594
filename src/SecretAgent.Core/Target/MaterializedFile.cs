namespace SecretAgent.Core.Target;

/// <summary>
/// One decrypted file to publish. <paramref name="Content"/> is owned by the caller, who zeroes it after publishing;
/// the target writes it straight from that memory and never copies it.
/// </summary>
/// <param name="RelativePath">'/'-separated path inside the target, already validated by the manifest parser.</param>
/// <param name="Content">The plaintext bytes.</param>
/// <param name="Mode">Permission bits, e.g. 0400 (octal).</param>
public sealed record MaterializedFile(string RelativePath, ReadOnlyMemory<byte> Content, int Mode)
{
    /// <summary>Names the path and size only, so a stray log line never shows content.</summary>
    public override string ToString() => $"{RelativePath} ({Content.Length} bytes, mode {Convert.ToString(Mode, 8)})";
}
