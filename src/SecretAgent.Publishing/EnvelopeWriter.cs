using System.Globalization;
using System.Security.Cryptography;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;

namespace SecretAgent.Publishing;

/// <summary>Encrypts a config into an S3 Encryption Client object (V3 by default, V2 on request).</summary>
public static class EnvelopeWriter
{
    private const int TagLength = 16;

    /// <summary>
    /// Seals <paramref name="plaintext"/> under a fresh data key from <paramref name="keys"/>. The stored context is
    /// <paramref name="context"/> plus aws:x-amz-cek-alg, which the context must not already hold.
    /// </summary>
    public static async Task<SealedObject> SealAsync(
        ReadOnlyMemory<byte> plaintext,
        EncryptionContext context,
        string keyId,
        EnvelopeFormat format,
        IDataKeyGenerator keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(keys);
        if (context.ContainsKey(EncryptionContext.CekAlgKey))
        {
            throw new SecretAgentException(ErrorKind.Usage, $"encryption context must not contain {EncryptionContext.CekAlgKey}");
        }

        var cekAlg = format == EnvelopeFormat.V3 ? MetadataKeys.V3SuiteValue : MetadataKeys.V2CekAlgValue;
        var stored = context.With(EncryptionContext.CekAlgKey, cekAlg);
        using var dataKey = await keys.GenerateDataKeyAsync(keyId, stored, cancellationToken);
        return format == EnvelopeFormat.V3
            ? SealV3(plaintext.Span, stored, dataKey)
            : SealV2(plaintext.Span, stored, dataKey);
    }

    private static SealedObject SealV2(ReadOnlySpan<byte> plaintext, EncryptionContext stored, DataKey dataKey)
    {
        var iv = RandomNumberGenerator.GetBytes(12);
        var body = Encrypt(dataKey.Plaintext, iv, plaintext, associatedData: default);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MetadataKeys.V2Key] = Convert.ToBase64String(dataKey.Encrypted),
            [MetadataKeys.V2Iv] = Convert.ToBase64String(iv),
            [MetadataKeys.V2CekAlg] = MetadataKeys.V2CekAlgValue,
            [MetadataKeys.V2WrapAlg] = MetadataKeys.V2WrapAlgValue,
            [MetadataKeys.V2TagLen] = MetadataKeys.V2TagLenValue,
            [MetadataKeys.V2MatDesc] = stored.ToAsciiJson(),
            [MetadataKeys.PlaintextLength] = plaintext.Length.ToString(CultureInfo.InvariantCulture),
        };
        return new SealedObject(body, metadata, dataKey.KeyArn);
    }

    private static SealedObject SealV3(ReadOnlySpan<byte> plaintext, EncryptionContext stored, DataKey dataKey)
    {
        var messageId = RandomNumberGenerator.GetBytes(CommittingSuite.MessageIdLength);
        Span<byte> contentKey = stackalloc byte[CommittingSuite.KeyLength];
        var commitment = new byte[CommittingSuite.CommitmentLength];
        try
        {
            CommittingSuite.Derive(dataKey.Plaintext, messageId, contentKey, commitment);
            var body = Encrypt(contentKey, CommittingSuite.Iv, plaintext, CommittingSuite.AssociatedData);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [MetadataKeys.V3Suite] = MetadataKeys.V3SuiteValue,
                [MetadataKeys.V3Key] = Convert.ToBase64String(dataKey.Encrypted),
                [MetadataKeys.V3Wrap] = MetadataKeys.V3WrapValue,
                [MetadataKeys.V3Commitment] = Convert.ToBase64String(commitment),
                [MetadataKeys.V3MessageId] = Convert.ToBase64String(messageId),
                [MetadataKeys.V3Context] = stored.ToAsciiJson(),
            };
            return new SealedObject(body, metadata, dataKey.KeyArn);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    private static byte[] Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var body = new byte[plaintext.Length + TagLength];
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(iv, plaintext, body.AsSpan(0, plaintext.Length), body.AsSpan(plaintext.Length), associatedData);
        return body;
    }
}

/// <summary>What the writer produces: the S3 body and the user metadata (keys without x-amz-meta-).</summary>
public sealed record SealedObject(byte[] Body, IReadOnlyDictionary<string, string> Metadata, string KeyArn);
