using System.Security.Cryptography;
using SecretAgent.Core.Errors;

namespace SecretAgent.Core.Format;

/// <summary>Decrypts an object body with an unwrapped data key, checking the V3 key commitment first.</summary>
internal static class ContentDecryptor
{
    private const int TagLength = 16;

    public static byte[] Decrypt(Envelope envelope, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> body, string config, PlaintextAllocator allocate)
    {
        if (body.Length < TagLength)
        {
            throw new SecretAgentException(ErrorKind.Integrity, "object body is shorter than its authentication tag (truncated)", config);
        }

        if (envelope.PlaintextLength is { } length && length != body.Length - TagLength)
        {
            throw new SecretAgentException(ErrorKind.Integrity, "object body length does not match its recorded plaintext length (truncated or extended)", config);
        }

        return envelope.Format == EnvelopeFormat.V3
            ? DecryptV3(envelope, dataKey, body, config, allocate)
            : Open(dataKey, envelope.Nonce, body, default, config, allocate);
    }

    private static byte[] DecryptV3(Envelope envelope, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> body, string config, PlaintextAllocator allocate)
    {
        Span<byte> contentKey = stackalloc byte[CommittingSuite.KeyLength];
        Span<byte> commitment = stackalloc byte[CommittingSuite.CommitmentLength];
        try
        {
            CommittingSuite.Derive(dataKey, envelope.Nonce, contentKey, commitment);
            if (!CryptographicOperations.FixedTimeEquals(commitment, envelope.Commitment))
            {
                throw new SecretAgentException(ErrorKind.Integrity, "key commitment does not match the data key (tampered metadata)", config);
            }

            return Open(contentKey, CommittingSuite.Iv, body, CommittingSuite.AssociatedData, config, allocate);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    private static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> body, ReadOnlySpan<byte> associatedData, string config, PlaintextAllocator allocate)
    {
        var plaintext = allocate(body.Length - TagLength);
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(iv, body[..^TagLength], body[^TagLength..], plaintext, associatedData);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new SecretAgentException(ErrorKind.Integrity, "content authentication failed (tampered or truncated body)", config);
        }
    }
}
