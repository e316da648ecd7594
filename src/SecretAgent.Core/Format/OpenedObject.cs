using System.Security.Cryptography;

namespace SecretAgent.Core.Format;

/// <summary>
/// Where a plaintext buffer comes from. The default, <see cref="OpenedObject.Pinned"/>, allocates on the pinned heap:
/// a compacting GC could otherwise move a secret and leave the old copy behind, where no Dispose can zero it. Tests
/// pass one that records the buffers, so zeroing is observable on every path.
/// </summary>
public delegate byte[] PlaintextAllocator(int length);

/// <summary>A decrypted object. The plaintext lives only here; Dispose zeroes it.</summary>
public sealed class OpenedObject : IDisposable
{
    private readonly byte[] plaintext;

    public OpenedObject(byte[] plaintext, Envelope envelope, string keyArn)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        this.plaintext = plaintext;
        Envelope = envelope;
        KeyArn = keyArn;
    }

    public ReadOnlySpan<byte> Plaintext => plaintext;

    /// <summary>The plaintext buffer itself, for writers that need an array. Do not keep references.</summary>
    public byte[] PlaintextBuffer => plaintext;

    public Envelope Envelope { get; }

    /// <summary>The key ARN the key service reported on Decrypt.</summary>
    public string KeyArn { get; }

    /// <summary>The allowlist entry (as configured: id, alias or ARN) that unwrapped the data key.</summary>
    public string? KeyId { get; init; }

    public void Dispose() => CryptographicOperations.ZeroMemory(plaintext);

    /// <summary>The default <see cref="PlaintextAllocator"/>: a buffer the GC never moves.</summary>
    public static byte[] Pinned(int length) => GC.AllocateArray<byte>(length, pinned: true);
}
