using System.Globalization;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;

namespace SecretAgent.Core.Format;

/// <summary>
/// Strict parse of S3EC metadata into an <see cref="Envelope"/>, before any key service call: exactly one format's
/// keys, fixed algorithm values, canonical base64 of the right lengths, and our three context keys.
/// </summary>
internal static class EnvelopeParser
{
    public static Envelope Parse(IReadOnlyDictionary<string, string> metadata, string config)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var hasV2 = metadata.ContainsKey(MetadataKeys.V2Key);
        var hasV3 = metadata.ContainsKey(MetadataKeys.V3Key) || metadata.ContainsKey(MetadataKeys.V3Suite);
        if (hasV2 && hasV3)
        {
            throw Refuse(config, "object metadata mixes S3EC V2 and V3 keys");
        }

        if (hasV3)
        {
            return ParseV3(metadata, config);
        }

        if (hasV2)
        {
            return ParseV2(metadata, config);
        }

        throw metadata.ContainsKey(MetadataKeys.V1Key)
            ? Refuse(config, "object is in S3 Encryption Client V1 format, which is not accepted; re-publish it")
            : Refuse(config, "object is not encrypted in the S3 Encryption Client format (no envelope metadata)");
    }

    private static Envelope ParseV2(IReadOnlyDictionary<string, string> metadata, string config)
    {
        RequireExactKeys(metadata, MetadataKeys.V2Required, MetadataKeys.V2Optional, "V2", config);
        RequireValue(metadata, MetadataKeys.V2CekAlg, MetadataKeys.V2CekAlgValue, config);
        RequireValue(metadata, MetadataKeys.V2WrapAlg, MetadataKeys.V2WrapAlgValue, config);
        if (metadata.ContainsKey(MetadataKeys.V2TagLen))
        {
            RequireValue(metadata, MetadataKeys.V2TagLen, MetadataKeys.V2TagLenValue, config);
        }

        var context = ParseContext(metadata[MetadataKeys.V2MatDesc], MetadataKeys.V2CekAlgValue, MetadataKeys.V2MatDesc, config);
        return new Envelope(
            EnvelopeFormat.V2,
            Base64(metadata, MetadataKeys.V2Key, null, config),
            Base64(metadata, MetadataKeys.V2Iv, 12, config),
            null,
            context,
            ParseGeneration(context, config),
            ParseLength(metadata, config));
    }

    private static Envelope ParseV3(IReadOnlyDictionary<string, string> metadata, string config)
    {
        RequireExactKeys(metadata, MetadataKeys.V3Required, MetadataKeys.V3Optional, "V3", config);
        RequireValue(metadata, MetadataKeys.V3Suite, MetadataKeys.V3SuiteValue, config);
        RequireValue(metadata, MetadataKeys.V3Wrap, MetadataKeys.V3WrapValue, config);
        var context = ParseContext(metadata[MetadataKeys.V3Context], MetadataKeys.V3SuiteValue, MetadataKeys.V3Context, config);
        return new Envelope(
            EnvelopeFormat.V3,
            Base64(metadata, MetadataKeys.V3Key, null, config),
            Base64(metadata, MetadataKeys.V3MessageId, CommittingSuite.MessageIdLength, config),
            Base64(metadata, MetadataKeys.V3Commitment, CommittingSuite.CommitmentLength, config),
            context,
            ParseGeneration(context, config),
            ParseLength(metadata, config));
    }

    private static void RequireExactKeys(
        IReadOnlyDictionary<string, string> metadata, string[] required, string[] optional, string format, string config)
    {
        var missing = required.FirstOrDefault(k => !metadata.ContainsKey(k));
        if (missing is not null)
        {
            throw Refuse(config, $"S3EC {format} metadata is missing {missing}");
        }

        var unknown = metadata.Keys.FirstOrDefault(k => !required.Contains(k) && !optional.Contains(k));
        if (unknown is not null)
        {
            throw Refuse(config, $"S3EC {format} metadata has an unexpected key {Printable(unknown)}");
        }
    }

    private static void RequireValue(IReadOnlyDictionary<string, string> metadata, string key, string expected, string config)
    {
        if (!string.Equals(metadata[key], expected, StringComparison.Ordinal))
        {
            throw Refuse(config, $"metadata {key} is not {expected}");
        }
    }

    private static byte[] Base64(IReadOnlyDictionary<string, string> metadata, string key, int? length, string config) =>
        StrictBase64.Decode(metadata[key], length)
        ?? throw Refuse(config, $"metadata {key} is not valid base64{(length is null ? string.Empty : $" of {length} bytes")}");

    private static EncryptionContext ParseContext(string json, string cekAlg, string key, string config)
    {
        var map = FlatJson.Parse(json) ?? throw Refuse(config, $"metadata {key} is not a JSON object of strings");
        if (!map.TryGetValue(EncryptionContext.CekAlgKey, out var alg) || !string.Equals(alg, cekAlg, StringComparison.Ordinal))
        {
            throw Refuse(config, $"metadata {key} does not carry {EncryptionContext.CekAlgKey}={cekAlg}");
        }

        string[] ours = [EncryptionContext.NameKey, EncryptionContext.ScopeKey, EncryptionContext.GenerationKey, EncryptionContext.CekAlgKey];
        var missing = ours.FirstOrDefault(k => !map.ContainsKey(k));
        if (missing is not null)
        {
            throw Refuse(config, $"encryption context lacks {missing}");
        }

        if (map.Count != ours.Length)
        {
            throw Refuse(config, "encryption context has keys SecretAgent does not write");
        }

        return new EncryptionContext(map);
    }

    private static long ParseGeneration(EncryptionContext context, string config)
    {
        var text = context[EncryptionContext.GenerationKey];
        var canonical = text.Length is > 0 and <= 18 && text[0] != '0' && text.All(char.IsAsciiDigit);
        return canonical && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            && generation <= EncryptionContext.MaxGeneration
            ? generation
            : throw Refuse(config, "encryption context generation is not a positive decimal");
    }

    private static long? ParseLength(IReadOnlyDictionary<string, string> metadata, string config)
    {
        if (!metadata.TryGetValue(MetadataKeys.PlaintextLength, out var text))
        {
            return null;
        }

        return text.Length is > 0 and <= 18 && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : throw Refuse(config, $"metadata {MetadataKeys.PlaintextLength} is not a decimal");
    }

    // Metadata keys come from the store and could be anything: show only a bounded, printable form.
    private static string Printable(string key) =>
        key.Length <= 64 && key.All(c => c is >= ' ' and <= '~') ? key : "(unprintable)";

    private static SecretAgentException Refuse(string config, string message) => new(ErrorKind.Integrity, message, config);
}
