using System.Text.Json;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Tests.Format;

/// <summary>One committed known-answer vector (tests/vectors/*.json, written by tests/vectors/make_vectors.py).</summary>
internal sealed record VectorFile(
    string Name,
    string Format,
    string KeyId,
    byte[] DataKey,
    byte[] EncryptedKey,
    IReadOnlyDictionary<string, string> UserContext,
    byte[] Plaintext,
    IReadOnlyDictionary<string, string> Metadata,
    byte[] Body,
    byte[]? Nonce,
    byte[]? ContentKey,
    byte[]? Commitment)
{
    public string ConfigName => UserContext[EncryptionContext.NameKey];

    public string Scope => UserContext[EncryptionContext.ScopeKey];

    /// <summary>The context KMS saw: the user context plus aws:x-amz-cek-alg.</summary>
    public EncryptionContext StoredContext =>
        new EncryptionContext(UserContext).With(EncryptionContext.CekAlgKey, Format == "v3" ? "115" : "AES/GCM/NoPadding");

    public FetchedObject ToFetched() =>
        new(new ObjectInfo(ConfigName, "v1", "\"etag\"", Body.Length, DateTimeOffset.UnixEpoch, Metadata), Body);

    public static IEnumerable<string> Names() =>
        Directory.EnumerateFiles(RepositoryPaths.VectorsDirectory, "v*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static VectorFile Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(RepositoryPaths.Vectors(name + ".json")));
        var root = document.RootElement;
        var format = root.GetProperty("format").GetString()!;
        return new VectorFile(
            name,
            format,
            root.GetProperty("key_id").GetString()!,
            Convert.FromHexString(root.GetProperty("data_key_hex").GetString()!),
            Convert.FromBase64String(root.GetProperty("encrypted_key_b64").GetString()!),
            Map(root.GetProperty("context")),
            Convert.FromBase64String(root.GetProperty("plaintext_b64").GetString()!),
            Map(root.GetProperty("metadata")),
            Convert.FromBase64String(root.GetProperty("body_b64").GetString()!),
            Hex(root, format == "v3" ? "message_id_hex" : "iv_hex"),
            Hex(root, "content_key_hex"),
            Hex(root, "commitment_hex"));
    }

    private static Dictionary<string, string> Map(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    private static byte[]? Hex(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) ? Convert.FromHexString(value.GetString()!) : null;
}
