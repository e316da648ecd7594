using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>The small tampering moves shared by the unit sweep and the black-box tamper tests.</summary>
internal static class Mutations
{
    /// <summary>Replaces the middle character with another one ('A', or 'B' if it was 'A').</summary>
    public static string Flip(string value)
    {
        var chars = value.ToCharArray();
        var i = chars.Length / 2;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    /// <summary>A copy of <paramref name="body"/> with the lowest bit of one byte flipped.</summary>
    public static byte[] FlipBit(byte[] body, int index)
    {
        var copy = (byte[])body.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    /// <summary>
    /// Rewrites V3 metadata in place as an S3EC V1 object carries it: the wrapped key as x-amz-key, a 16-byte
    /// x-amz-iv and the context as x-amz-matdesc, nothing else. The reader must refuse V1 outright.
    /// </summary>
    public static void RewriteV3AsV1(Dictionary<string, string> metadata)
    {
        var blob = metadata["x-amz-3"];
        var context = metadata["x-amz-t"];
        metadata.Clear();
        metadata["x-amz-key"] = blob;
        metadata["x-amz-iv"] = Convert.ToBase64String(new byte[16]);
        metadata["x-amz-matdesc"] = context;
    }

    /// <summary>The stored context JSON (x-amz-matdesc or x-amz-t) with <paramref name="edit"/> applied to its pairs.</summary>
    public static string EditContext(string json, Action<Dictionary<string, string>> edit)
    {
        using var document = JsonDocument.Parse(json);
        var context = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        edit(context);
        return JsonSerializer.Serialize(context, ContextJson.Default.DictionaryStringString);
    }
}

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ContextJson : JsonSerializerContext;
