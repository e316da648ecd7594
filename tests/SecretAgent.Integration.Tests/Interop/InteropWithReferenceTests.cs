using System.Security.Cryptography;
using System.Text;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Interop;

/// <summary>Our writer against the Python reference reader, and the Python reference writer against our reader.</summary>
public sealed class InteropWithReferenceTests
{
    private const string Name = "interop/app.env";
    private const string Scope = "s3://interop-bucket/configs/";
    private static readonly byte[] DataKey = RandomNumberGenerator.GetBytes(32);

    public static TheoryData<EnvelopeFormat, int> Sizes => new()
    {
        { EnvelopeFormat.V2, 0 },
        { EnvelopeFormat.V2, 1 },
        { EnvelopeFormat.V2, 1000 },
        { EnvelopeFormat.V2, 1 << 20 },
        { EnvelopeFormat.V3, 0 },
        { EnvelopeFormat.V3, 1 },
        { EnvelopeFormat.V3, 1000 },
        { EnvelopeFormat.V3, 1 << 20 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task SealAsync_Output_OpensWithReferenceReader(EnvelopeFormat format, int size)
    {
        var plaintext = Plaintext(size);
        var keys = new FakeKeyService(DataKey);
        var sealedObject = await EnvelopeWriter.SealAsync(plaintext, Context(), FakeKeyService.DefaultKeyId, format, keys, default);

        var result = ReferenceClient.Open(DataKey, sealedObject.Metadata, sealedObject.Body);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(plaintext, result.Stdout);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task OpenAsync_WhenSealedByReferenceWriter_ReturnsExactPlaintext(EnvelopeFormat format, int size)
    {
        var plaintext = Plaintext(size);
        var blob = Encoding.ASCII.GetBytes("reference-blob-" + Guid.NewGuid().ToString("N"));
        var cekAlg = format == EnvelopeFormat.V3 ? "115" : "AES/GCM/NoPadding";
        var keys = new FakeKeyService(new byte[32]);
        keys.Register(blob, FakeKeyService.DefaultKeyId, Context().With(EncryptionContext.CekAlgKey, cekAlg), DataKey);
        var (metadata, body) = ReferenceClient.Seal(format == EnvelopeFormat.V3 ? "v3" : "v2", DataKey, blob, Context(), plaintext);

        using var opened = await EnvelopeReader.OpenAsync(
            Fetched(metadata, body), new ExpectedBinding(Name, Scope, 1), [FakeKeyService.DefaultKeyId], keys, default);

        Assert.Equal(plaintext, opened.Plaintext.ToArray());
        Assert.Equal(format, opened.Envelope.Format);
    }

    [Theory]
    [InlineData(EnvelopeFormat.V2)]
    [InlineData(EnvelopeFormat.V3)]
    public async Task ReferenceReader_WhenOurBodyTampered_RefusesWithEmptyStdout(EnvelopeFormat format)
    {
        var keys = new FakeKeyService(DataKey);
        var sealedObject = await EnvelopeWriter.SealAsync(Plaintext(64), Context(), FakeKeyService.DefaultKeyId, format, keys, default);
        var body = (byte[])sealedObject.Body.Clone();
        body[10] ^= 0x01;

        var result = ReferenceClient.Open(DataKey, sealedObject.Metadata, body);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void ReferenceSelftest_Passes()
    {
        var result = ReferenceClient.Run("selftest");

        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    internal static EncryptionContext Context() => EncryptionContext.ForConfig(Name, Scope, 1);

    internal static FetchedObject Fetched(IReadOnlyDictionary<string, string> metadata, byte[] body) =>
        new(new ObjectInfo(Name, "1", "\"e\"", body.Length, DateTimeOffset.UnixEpoch, metadata), body);

    private static byte[] Plaintext(int size) => RandomNumberGenerator.GetBytes(size);
}
