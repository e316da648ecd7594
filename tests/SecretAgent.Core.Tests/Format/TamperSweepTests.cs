using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Publishing;

namespace SecretAgent.Core.Tests.Format;

/// <summary>
/// Every tampering of a valid V2 and V3 object is refused as Integrity, names the config, and never shows the
/// plaintext. Cases are listed in <see cref="TamperCases"/>; each runs as its own named theory row.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TamperSweepTests
{
    private const string Sentinel = "CANARY-tamper-3b9f";
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes($"API_KEY={Sentinel}\nREGION=eu-west-1\n{new string('x', 100)}\n");
    private static readonly byte[] DataKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    public static TheoryData<string> Cases => new(TamperCases.All.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OpenAsync_WhenTampered_RefusesAsIntegrityNamingConfigWithoutPlaintext(string caseName)
    {
        var tamper = TamperCases.All[caseName];
        var keys = new FakeKeyService(DataKey);
        var (metadata, body) = await SealAsync(tamper.Format, keys);
        var tamperedBody = tamper.Mutate(metadata, body);

        var error = await Assert.ThrowsAsync<SecretAgentException>(() => OpenAsync(metadata, tamperedBody, keys));

        Assert.Equal(ErrorKind.Integrity, error.Kind);
        Assert.StartsWith($"config '{TamperCases.Name}': ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain(Sentinel, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(DataKey), error.ToString(), StringComparison.Ordinal);
        if (tamper.BeforeKeyService)
        {
            Assert.Equal(0, keys.DecryptCalls);
        }
    }

    [Theory]
    [InlineData(EnvelopeFormat.V2)]
    [InlineData(EnvelopeFormat.V3)]
    public async Task OpenAsync_WhenUntouched_ReturnsPlaintext(EnvelopeFormat format)
    {
        // The control for the sweep: the same setup without tampering opens.
        var keys = new FakeKeyService(DataKey);
        var (metadata, body) = await SealAsync(format, keys);

        using var opened = await OpenAsync(metadata, body, keys);

        Assert.Equal(Plaintext, opened.Plaintext.ToArray());
    }

    [Theory]
    [InlineData("x-amz-tag-len")]
    [InlineData("x-amz-unencrypted-content-length")]
    public async Task OpenAsync_WhenOptionalV2FieldRemoved_StillOpensToExactPlaintext(string field)
    {
        // The S3EC spec makes these MAY keys; GCM authenticates the body whatever they say, so dropping them is harmless.
        var keys = new FakeKeyService(DataKey);
        var (metadata, body) = await SealAsync(EnvelopeFormat.V2, keys);
        metadata.Remove(field);

        using var opened = await OpenAsync(metadata, body, keys);

        Assert.Equal(Plaintext, opened.Plaintext.ToArray());
    }

    [Fact]
    public void Sweep_CoversEveryWrittenFieldOfBothFormats()
    {
        string[] fields =
        [
            "x-amz-key-v2", "x-amz-iv", "x-amz-cek-alg", "x-amz-wrap-alg", "x-amz-tag-len", "x-amz-matdesc", "x-amz-unencrypted-content-length",
            "x-amz-c", "x-amz-3", "x-amz-w", "x-amz-d", "x-amz-i", "x-amz-t",
        ];
        foreach (var field in fields)
        {
            foreach (var damage in new[] { "one character flipped", "truncated", "empty" })
            {
                Assert.Contains(TamperCases.All.Keys, k => k.EndsWith($"{field} {damage}", StringComparison.Ordinal));
            }
        }

        Assert.True(TamperCases.All.Count > 150, $"{TamperCases.All.Count} cases");
    }

    private static async Task<(Dictionary<string, string> Metadata, byte[] Body)> SealAsync(EnvelopeFormat format, FakeKeyService keys)
    {
        var context = EncryptionContext.ForConfig(TamperCases.Name, TamperCases.Scope, TamperCases.Generation);
        var sealedObject = await EnvelopeWriter.SealAsync(Plaintext, context, FakeKeyService.DefaultKeyId, format, keys, default);
        return (new Dictionary<string, string>(sealedObject.Metadata, StringComparer.Ordinal), sealedObject.Body);
    }

    private static Task<OpenedObject> OpenAsync(Dictionary<string, string> metadata, byte[] body, FakeKeyService keys) =>
        EnvelopeReader.OpenAsync(
            new Storage.FetchedObject(new Storage.ObjectInfo(TamperCases.Name, "1", "\"e\"", body.Length, DateTimeOffset.UnixEpoch, metadata), body),
            new ExpectedBinding(TamperCases.Name, TamperCases.Scope, TamperCases.Generation),
            [FakeKeyService.DefaultKeyId],
            keys,
            default);
}
