using System.Security.Cryptography;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using SecretAgent.Publishing;

namespace SecretAgent.Core.Tests.Format;

/// <summary>Writer then reader, through the fake key service, from one byte up to a mebibyte.</summary>
[Trait("Category", "Unit")]
public sealed class RoundTripTests
{
    private const string Name = "round/trip.bin";
    private const string Scope = "file:///srv/configs/";

    public static TheoryData<EnvelopeFormat, int> Cases => new()
    {
        { EnvelopeFormat.V2, 0 },
        { EnvelopeFormat.V2, 1 },
        { EnvelopeFormat.V2, 15 },
        { EnvelopeFormat.V2, 16 },
        { EnvelopeFormat.V2, 17 },
        { EnvelopeFormat.V2, 1 << 20 },
        { EnvelopeFormat.V3, 0 },
        { EnvelopeFormat.V3, 1 },
        { EnvelopeFormat.V3, 15 },
        { EnvelopeFormat.V3, 16 },
        { EnvelopeFormat.V3, 17 },
        { EnvelopeFormat.V3, 1 << 20 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SealThenOpen_ReturnsExactPlaintext(EnvelopeFormat format, int size)
    {
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var keys = new FakeKeyService(RandomNumberGenerator.GetBytes(32));
        var context = EncryptionContext.ForConfig(Name, Scope, 12);

        var sealedObject = await EnvelopeWriter.SealAsync(plaintext, context, FakeKeyService.DefaultKeyId, format, keys, default);
        using var opened = await EnvelopeReader.OpenAsync(
            Fetched(sealedObject.Metadata, sealedObject.Body), new ExpectedBinding(Name, Scope, 12), [FakeKeyService.DefaultKeyId], keys, default);

        Assert.Equal(plaintext, opened.Plaintext.ToArray());
        Assert.Equal(format, opened.Envelope.Format);
        Assert.Equal(12, opened.Envelope.Generation);
        Assert.Equal(size + 16, sealedObject.Body.Length);
    }

    [Theory]
    [InlineData(EnvelopeFormat.V2)]
    [InlineData(EnvelopeFormat.V3)]
    public async Task Open_WhenSeveralAllowedKeys_FindsTheOneThatWorks(EnvelopeFormat format)
    {
        var plaintext = RandomNumberGenerator.GetBytes(100);
        var keys = new FakeKeyService(RandomNumberGenerator.GetBytes(32));
        var sealedObject = await EnvelopeWriter.SealAsync(plaintext, EncryptionContext.ForConfig(Name, Scope, 1), FakeKeyService.DefaultKeyId, format, keys, default);

        using var opened = await EnvelopeReader.OpenAsync(
            Fetched(sealedObject.Metadata, sealedObject.Body), new ExpectedBinding(Name, Scope), ["arn:aws:kms:us-east-1:111122223333:key/other", FakeKeyService.DefaultKeyId], keys, default);

        Assert.Equal(plaintext, opened.Plaintext.ToArray());
        Assert.Equal(2, keys.DecryptCalls);
    }

    // The object as the store would hand it back; the key is the one the interop tests use (the reader binds by metadata).
    private static FetchedObject Fetched(IReadOnlyDictionary<string, string> metadata, byte[] body) =>
        new(new ObjectInfo("interop/app.env", "1", "\"e\"", body.Length, DateTimeOffset.UnixEpoch, metadata), body);
}
