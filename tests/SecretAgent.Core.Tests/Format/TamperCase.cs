using System.Security.Cryptography;
using SecretAgent.Core.Format;

namespace SecretAgent.Core.Tests.Format;

/// <summary>
/// One tampering of a valid object. <see cref="Mutate"/> edits the metadata in place and returns the body to store.
/// <see cref="BeforeKeyService"/> says the reader itself must refuse it, before the key service is asked.
/// </summary>
internal sealed record TamperCase(EnvelopeFormat Format, Func<Dictionary<string, string>, byte[], byte[]> Mutate, bool BeforeKeyService);

/// <summary>The sweep: every metadata field, format mixing, V1 keys, context changes, and body damage.</summary>
internal static class TamperCases
{
    public const string Name = "tamper/app.env";
    public const string Scope = "s3://tamper-bucket/configs/";
    public const long Generation = 5;

    private static readonly string[] V2Fields =
        ["x-amz-key-v2", "x-amz-iv", "x-amz-cek-alg", "x-amz-wrap-alg", "x-amz-tag-len", "x-amz-matdesc", "x-amz-unencrypted-content-length"];

    private static readonly string[] V2Optional = ["x-amz-tag-len", "x-amz-unencrypted-content-length"];

    private static readonly string[] V3Fields = ["x-amz-c", "x-amz-3", "x-amz-w", "x-amz-d", "x-amz-i", "x-amz-t"];

    private static readonly string[] Base64Fields = ["x-amz-key-v2", "x-amz-iv", "x-amz-3", "x-amz-d", "x-amz-i"];

    public static IReadOnlyDictionary<string, TamperCase> All { get; } = Build();

    private static Dictionary<string, TamperCase> Build()
    {
        var cases = new Dictionary<string, TamperCase>(StringComparer.Ordinal);
        AddFieldCases(cases, EnvelopeFormat.V2, V2Fields);
        AddFieldCases(cases, EnvelopeFormat.V3, V3Fields);
        AddMixCases(cases);
        AddV1Cases(cases);
        AddContextCases(cases, EnvelopeFormat.V2);
        AddContextCases(cases, EnvelopeFormat.V3);
        AddBodyCases(cases, EnvelopeFormat.V2);
        AddBodyCases(cases, EnvelopeFormat.V3);
        return cases;
    }

    private static void AddFieldCases(Dictionary<string, TamperCase> cases, EnvelopeFormat format, string[] fields)
    {
        foreach (var field in fields)
        {
            var prefix = $"{format} {field}";
            if (!V2Optional.Contains(field))
            {
                cases[$"{prefix} removed"] = Meta(format, m => m.Remove(field), before: true);
            }

            cases[$"{prefix} one character flipped"] = Meta(format, m => m[field] = Mutations.Flip(m[field]), before: false);
            cases[$"{prefix} truncated"] = Meta(format, m => m[field] = m[field][..^1], before: false);
            cases[$"{prefix} empty"] = Meta(format, m => m[field] = string.Empty, before: true);
            if (Base64Fields.Contains(field))
            {
                // Canonical base64 of the right length: only the cryptography can notice.
                cases[$"{prefix} other bytes of the same length"] =
                    Meta(format, m => m[field] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(Convert.FromBase64String(m[field]).Length)), before: false);
            }
        }

        cases[$"{format} unknown x-amz-foo key added"] = Meta(format, m => m["x-amz-foo"] = "bar", before: true);
        cases[$"{format} x-amz-meta- prefixed duplicate added"] = Meta(format, m => m["x-amz-meta-" + fields[0]] = m[fields[0]], before: true);
    }

    private static void AddMixCases(Dictionary<string, TamperCase> cases)
    {
        foreach (var field in V2Fields.Except(V2Optional).Append("x-amz-tag-len"))
        {
            cases[$"V3 plus V2 key {field}"] = Meta(EnvelopeFormat.V3, m => m[field] = V2Value(field, m), before: true);
        }

        foreach (var field in V3Fields.Append("x-amz-m"))
        {
            cases[$"V2 plus V3 key {field}"] = Meta(EnvelopeFormat.V2, m => m[field] = V3Value(field, m), before: true);
        }

        cases["V3 plus wrong x-amz-unencrypted-content-length"] = Meta(EnvelopeFormat.V3, m => m["x-amz-unencrypted-content-length"] = "1", before: false);
    }

    private static void AddV1Cases(Dictionary<string, TamperCase> cases)
    {
        cases["V2 rewritten as V1 (x-amz-key, x-amz-iv, x-amz-matdesc)"] = Meta(EnvelopeFormat.V2, m =>
        {
            m["x-amz-key"] = m["x-amz-key-v2"];
            m.Remove("x-amz-key-v2");
            m.Remove("x-amz-cek-alg");
            m.Remove("x-amz-wrap-alg");
            m.Remove("x-amz-tag-len");
        }, before: true);
        cases["V3 rewritten as V1 (x-amz-key, x-amz-iv, x-amz-matdesc)"] = Meta(EnvelopeFormat.V3, Mutations.RewriteV3AsV1, before: true);
        cases["V2 plus V1 key x-amz-key"] = Meta(EnvelopeFormat.V2, m => m["x-amz-key"] = m["x-amz-key-v2"], before: true);
        cases["V3 plus V1 key x-amz-key"] = Meta(EnvelopeFormat.V3, m => m["x-amz-key"] = m["x-amz-3"], before: true);
        cases["V3 plus V1 key x-amz-matdesc"] = Meta(EnvelopeFormat.V3, m => m["x-amz-matdesc"] = m["x-amz-t"], before: true);
        cases["no S3EC metadata at all"] = Meta(EnvelopeFormat.V3, m => m.Clear(), before: true);
    }

    private static void AddContextCases(Dictionary<string, TamperCase> cases, EnvelopeFormat format)
    {
        var cekAlg = format == EnvelopeFormat.V3 ? "115" : "AES/GCM/NoPadding";
        var otherCekAlg = format == EnvelopeFormat.V3 ? "AES/GCM/NoPadding" : "115";
        var prefix = $"{format} context";
        cases[$"{prefix} other name"] = Context(format, c => c["secret-agent:name"] = "tamper/other.env", before: true);
        cases[$"{prefix} name differs in case"] = Context(format, c => c["secret-agent:name"] = "Tamper/app.env", before: true);
        cases[$"{prefix} other scope (bucket)"] = Context(format, c => c["secret-agent:scope"] = "s3://other-bucket/configs/", before: true);
        cases[$"{prefix} other scope (prefix)"] = Context(format, c => c["secret-agent:scope"] = "s3://tamper-bucket/other/", before: true);
        foreach (var generation in new[] { "5a", "05", "-5", "+5", " 5", "5.0", "0x5", "", "99999999999999999999" })
        {
            cases[$"{prefix} generation '{generation}'"] = Context(format, c => c["secret-agent:generation"] = generation, before: true);
        }

        cases[$"{prefix} generation rolled back to 4"] = Context(format, c => c["secret-agent:generation"] = "4", before: true);
        cases[$"{prefix} generation bumped to 6 (KMS context mismatch)"] = Context(format, c => c["secret-agent:generation"] = "6", before: false);
        cases[$"{prefix} extra key"] = Context(format, c => c["team"] = "payments", before: true);
        cases[$"{prefix} extra aws: key"] = Context(format, c => c["aws:x-amz-other"] = "1", before: true);
        foreach (var key in new[] { "secret-agent:name", "secret-agent:scope", "secret-agent:generation", "aws:x-amz-cek-alg" })
        {
            cases[$"{prefix} missing {key}"] = Context(format, c => c.Remove(key), before: true);
        }

        cases[$"{prefix} cek-alg of the other format"] = Context(format, c => c["aws:x-amz-cek-alg"] = otherCekAlg, before: true);
        var field = format == EnvelopeFormat.V3 ? "x-amz-t" : "x-amz-matdesc";
        foreach (var (label, json) in new[]
        {
            ("a JSON array", "[]"),
            ("JSON null", "null"),
            ("unterminated JSON", "{\"secret-agent:name\":\"tamper/app.env\""),
            ("a number value", "{\"secret-agent:name\":\"tamper/app.env\",\"secret-agent:scope\":\"" + Scope + "\",\"secret-agent:generation\":5,\"aws:x-amz-cek-alg\":\"" + cekAlg + "\"}"),
            ("a duplicated name key", "{\"secret-agent:name\":\"tamper/other.env\",\"secret-agent:name\":\"tamper/app.env\",\"secret-agent:scope\":\"" + Scope + "\",\"secret-agent:generation\":\"5\",\"aws:x-amz-cek-alg\":\"" + cekAlg + "\"}"),
            ("trailing data", "{\"secret-agent:name\":\"tamper/app.env\",\"secret-agent:scope\":\"" + Scope + "\",\"secret-agent:generation\":\"5\",\"aws:x-amz-cek-alg\":\"" + cekAlg + "\"}{}"),
        })
        {
            cases[$"{prefix} is {label}"] = Meta(format, m => m[field] = json, before: true);
        }
    }

    private static void AddBodyCases(Dictionary<string, TamperCase> cases, EnvelopeFormat format)
    {
        var prefix = $"{format} body";
        cases[$"{prefix} bit flipped in first byte"] = Body(format, b => Mutations.FlipBit(b, 0));
        cases[$"{prefix} bit flipped in middle byte"] = Body(format, b => Mutations.FlipBit(b, (b.Length - 16) / 2));
        cases[$"{prefix} bit flipped inside the tag"] = Body(format, b => Mutations.FlipBit(b, b.Length - 9));
        cases[$"{prefix} bit flipped in last byte"] = Body(format, b => Mutations.FlipBit(b, b.Length - 1));
        cases[$"{prefix} truncated by 1 byte"] = Body(format, b => b[..^1]);
        cases[$"{prefix} truncated by 16 bytes"] = Body(format, b => b[..^16]);
        cases[$"{prefix} truncated to empty"] = Body(format, _ => []);
        cases[$"{prefix} one byte appended"] = Body(format, b => [.. b, 0x00]);
        cases[$"{prefix} tag moved to the front"] = Body(format, b => [.. b[^16..], .. b[..^16]]);
    }

    private static TamperCase Meta(EnvelopeFormat format, Action<Dictionary<string, string>> mutate, bool before) =>
        new(format, (m, b) =>
        {
            mutate(m);
            return b;
        }, before);

    private static TamperCase Body(EnvelopeFormat format, Func<byte[], byte[]> mutate) => new(format, (_, b) => mutate(b), false);

    /// <summary>Rewrites the stored context JSON (x-amz-matdesc or x-amz-t), keeping everything else.</summary>
    private static TamperCase Context(EnvelopeFormat format, Action<Dictionary<string, string>> mutate, bool before)
    {
        var field = format == EnvelopeFormat.V3 ? "x-amz-t" : "x-amz-matdesc";
        return Meta(format, m => m[field] = Mutations.EditContext(m[field], mutate), before);
    }

    private static string V2Value(string field, Dictionary<string, string> v3) => field switch
    {
        "x-amz-key-v2" => v3["x-amz-3"],
        "x-amz-iv" => Convert.ToBase64String(new byte[12]),
        "x-amz-cek-alg" => "AES/GCM/NoPadding",
        "x-amz-wrap-alg" => "kms+context",
        "x-amz-tag-len" => "128",
        "x-amz-matdesc" => v3["x-amz-t"],
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static string V3Value(string field, Dictionary<string, string> v2) => field switch
    {
        "x-amz-c" => "115",
        "x-amz-3" => v2["x-amz-key-v2"],
        "x-amz-w" => "12",
        "x-amz-d" => Convert.ToBase64String(new byte[28]),
        "x-amz-i" => Convert.ToBase64String(new byte[28]),
        "x-amz-t" or "x-amz-m" => v2["x-amz-matdesc"],
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };
}
