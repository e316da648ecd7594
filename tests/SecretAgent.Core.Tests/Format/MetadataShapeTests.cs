using System.Globalization;
using System.Text;
using System.Text.Json;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Publishing;

namespace SecretAgent.Core.Tests.Format;

/// <summary>The writer's metadata is exactly what an S3 Encryption Client stores, key for key.</summary>
[Trait("Category", "Unit")]
public sealed class MetadataShapeTests
{
    private static readonly string[] V2Keys =
        ["x-amz-cek-alg", "x-amz-iv", "x-amz-key-v2", "x-amz-matdesc", "x-amz-tag-len", "x-amz-unencrypted-content-length", "x-amz-wrap-alg"];

    private static readonly string[] V3Keys = ["x-amz-3", "x-amz-c", "x-amz-d", "x-amz-i", "x-amz-t", "x-amz-w"];

    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("TOKEN=CANARY-shape-5d1e\n");

    [Fact]
    public async Task SealAsync_WhenV3_WritesExactlyTheV3Keys()
    {
        var (sealedObject, blob) = await SealAsync(EnvelopeFormat.V3);
        var metadata = sealedObject.Metadata;

        Assert.Equal(V3Keys, metadata.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("115", metadata["x-amz-c"]);
        Assert.Equal("12", metadata["x-amz-w"]);
        Assert.Equal(blob, CanonicalBase64(metadata["x-amz-3"]));
        Assert.Equal(28, CanonicalBase64(metadata["x-amz-d"]).Length);
        Assert.Equal(28, CanonicalBase64(metadata["x-amz-i"]).Length);
        Assert.Equal(ExpectedContext("115"), JsonObject(metadata["x-amz-t"]));
        Assert.Equal(Plaintext.Length + 16, sealedObject.Body.Length);
        Assert.Equal(FakeKeyService.DefaultKeyId, sealedObject.KeyArn);
    }

    [Fact]
    public async Task SealAsync_WhenV2_WritesExactlyTheV2Keys()
    {
        var (sealedObject, blob) = await SealAsync(EnvelopeFormat.V2);
        var metadata = sealedObject.Metadata;

        Assert.Equal(V2Keys, metadata.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("AES/GCM/NoPadding", metadata["x-amz-cek-alg"]);
        Assert.Equal("kms+context", metadata["x-amz-wrap-alg"]);
        Assert.Equal("128", metadata["x-amz-tag-len"]);
        Assert.Equal(Plaintext.Length.ToString(CultureInfo.InvariantCulture), metadata["x-amz-unencrypted-content-length"]);
        Assert.Equal(blob, CanonicalBase64(metadata["x-amz-key-v2"]));
        Assert.Equal(12, CanonicalBase64(metadata["x-amz-iv"]).Length);
        Assert.Equal(ExpectedContext("AES/GCM/NoPadding"), JsonObject(metadata["x-amz-matdesc"]));
        Assert.Equal(Plaintext.Length + 16, sealedObject.Body.Length);
    }

    [Theory]
    [InlineData(EnvelopeFormat.V2, "AES/GCM/NoPadding")]
    [InlineData(EnvelopeFormat.V3, "115")]
    public async Task SealAsync_AsksKeyServiceWithTheStoredContextAndKeyId(EnvelopeFormat format, string cekAlg)
    {
        var keys = new FakeKeyService(new byte[32]);

        var sealedObject = await EnvelopeWriter.SealAsync(Plaintext, Context(), FakeKeyService.DefaultKeyId, format, keys, default);

        var asked = keys.LastGenerated!;
        Assert.Equal(FakeKeyService.DefaultKeyId, asked.KeyId);
        Assert.Equal(new EncryptionContext(ExpectedContext(cekAlg)), asked.Context);
        Assert.Equal(asked.Context, EnvelopeReader.Parse(sealedObject.Metadata, "shape/app.env").Context);
    }

    [Theory]
    [InlineData(EnvelopeFormat.V2)]
    [InlineData(EnvelopeFormat.V3)]
    public async Task SealAsync_Twice_UsesFreshNonce(EnvelopeFormat format)
    {
        var (first, _) = await SealAsync(format);
        var (second, _) = await SealAsync(format);
        var nonceKey = format == EnvelopeFormat.V3 ? "x-amz-i" : "x-amz-iv";

        Assert.NotEqual(first.Metadata[nonceKey], second.Metadata[nonceKey]);
        Assert.NotEqual(first.Body, second.Body);
    }

    [Theory]
    [InlineData(EnvelopeFormat.V2)]
    [InlineData(EnvelopeFormat.V3)]
    public async Task SealAsync_WhenContextHoldsCekAlg_RefusesAsUsage(EnvelopeFormat format)
    {
        var context = Context().With(EncryptionContext.CekAlgKey, "115");

        var error = await Assert.ThrowsAsync<Errors.SecretAgentException>(() =>
            EnvelopeWriter.SealAsync(Plaintext, context, FakeKeyService.DefaultKeyId, format, new FakeKeyService(new byte[32]), default));

        Assert.Equal(Errors.ErrorKind.Usage, error.Kind);
    }

    [Theory]
    [InlineData(EnvelopeFormat.V2)]
    [InlineData(EnvelopeFormat.V3)]
    public async Task SealAsync_WhenContextHasNonAsciiScope_WritesOnlyPrintableAsciiMetadata(EnvelopeFormat format)
    {
        // S3 user metadata travels in HTTP headers (US-ASCII; S3EC spec: "US-ASCII preferred"). Object keys, and so
        // prefixes and scopes, may be any UTF-8: the context JSON must \u-escape them, as the Java and Go clients do.
        var context = EncryptionContext.ForConfig("app.env", "s3://shape-bucket/caf\u00e9-\u6771\u4eac/", 1);

        var sealedObject = await EnvelopeWriter.SealAsync(Plaintext, context, FakeKeyService.DefaultKeyId, format, new FakeKeyService(new byte[32]), default);

        Assert.All(sealedObject.Metadata, e => Assert.True(e.Value.All(c => c is >= ' ' and <= '~'), $"{e.Key} is not printable ASCII: {e.Value}"));
        Assert.Equal(context.With(EncryptionContext.CekAlgKey, format == EnvelopeFormat.V3 ? "115" : "AES/GCM/NoPadding"), EnvelopeReader.Parse(sealedObject.Metadata, "app.env").Context);
    }

    private static EncryptionContext Context() => EncryptionContext.ForConfig("shape/app.env", "s3://shape-bucket/p/", 9);

    private static Dictionary<string, string> ExpectedContext(string cekAlg) => new(StringComparer.Ordinal)
    {
        ["secret-agent:name"] = "shape/app.env",
        ["secret-agent:scope"] = "s3://shape-bucket/p/",
        ["secret-agent:generation"] = "9",
        ["aws:x-amz-cek-alg"] = cekAlg,
    };

    private static async Task<(SealedObject Sealed, byte[] Blob)> SealAsync(EnvelopeFormat format)
    {
        var keys = new FakeKeyService(new byte[32]);
        var sealedObject = await EnvelopeWriter.SealAsync(Plaintext, Context(), FakeKeyService.DefaultKeyId, format, keys, default);
        return (sealedObject, keys.LastGenerated!.Blob);
    }

    /// <summary>Decodes standard padded base64 and checks it is in canonical form (what every S3EC writes).</summary>
    private static byte[] CanonicalBase64(string text)
    {
        var bytes = Convert.FromBase64String(text);
        Assert.Equal(text, Convert.ToBase64String(bytes));
        Assert.Equal(0, text.Length % 4);
        return bytes;
    }

    private static Dictionary<string, string> JsonObject(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }
}
