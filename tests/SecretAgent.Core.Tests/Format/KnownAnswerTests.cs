using SecretAgent.Core.Format;

namespace SecretAgent.Core.Tests.Format;

/// <summary>Our reader against the committed vectors made by the independent Python implementation.</summary>
[Trait("Category", "Unit")]
public sealed class KnownAnswerTests
{
    public static TheoryData<string> Vectors => new(VectorFile.Names());

    public static TheoryData<string> V3Vectors => new(VectorFile.Names().Where(n => n.StartsWith("v3-", StringComparison.Ordinal)));

    [Fact]
    public void Vectors_CoverBothFormats()
    {
        var names = VectorFile.Names().ToList();

        Assert.Contains("v2-text", names);
        Assert.Contains("v3-text", names);
        Assert.True(names.Count(n => n.StartsWith("v2-", StringComparison.Ordinal)) >= 4, string.Join(", ", names));
        Assert.True(names.Count(n => n.StartsWith("v3-", StringComparison.Ordinal)) >= 5, string.Join(", ", names));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task OpenAsync_WhenCommittedVector_ReturnsExactPlaintext(string name)
    {
        var vector = VectorFile.Load(name);
        var keys = new FakeKeyService(new byte[32]);
        keys.Register(vector.EncryptedKey, vector.KeyId, vector.StoredContext, vector.DataKey);

        using var opened = await EnvelopeReader.OpenAsync(
            vector.ToFetched(), new ExpectedBinding(vector.ConfigName, vector.Scope), [vector.KeyId], keys, default);

        Assert.Equal(vector.Plaintext, opened.Plaintext.ToArray());
        Assert.Equal(vector.KeyId, opened.KeyArn);
        Assert.Equal(1, keys.DecryptCalls);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Parse_WhenCommittedVector_ReadsEveryField(string name)
    {
        var vector = VectorFile.Load(name);

        var envelope = EnvelopeReader.Parse(vector.Metadata, vector.ConfigName);

        Assert.Equal(vector.Format == "v3" ? EnvelopeFormat.V3 : EnvelopeFormat.V2, envelope.Format);
        Assert.Equal(vector.EncryptedKey, envelope.EncryptedDataKey);
        Assert.Equal(vector.Nonce, envelope.Nonce);
        Assert.Equal(vector.Commitment, envelope.Commitment);
        Assert.Equal(vector.StoredContext, envelope.Context);
        Assert.Equal(long.Parse(vector.UserContext["secret-agent:generation"], System.Globalization.CultureInfo.InvariantCulture), envelope.Generation);
        Assert.Equal(vector.ConfigName, envelope.Name);
        Assert.Equal(vector.Scope, envelope.Scope);
        if (vector.Format == "v2")
        {
            Assert.Equal(vector.Plaintext.Length, envelope.PlaintextLength);
        }
    }

    [Theory]
    [MemberData(nameof(V3Vectors))]
    public void CommittingSuiteDerive_WhenVectorKeyAndMessageId_MatchesReferenceKeyAndCommitment(string name)
    {
        var vector = VectorFile.Load(name);
        var contentKey = new byte[32];
        var commitment = new byte[28];

        CommittingSuite.Derive(vector.DataKey, vector.Nonce, contentKey, commitment);

        Assert.Equal(vector.ContentKey, contentKey);
        Assert.Equal(vector.Commitment, commitment);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task OpenAsync_WhenVectorUnderWrongDataKey_RefusesWithIntegrity(string name)
    {
        var vector = VectorFile.Load(name);
        var keys = new FakeKeyService(new byte[32]);
        var wrongKey = (byte[])vector.DataKey.Clone();
        wrongKey[0] ^= 0x80;
        keys.Register(vector.EncryptedKey, vector.KeyId, vector.StoredContext, wrongKey);

        var error = await Assert.ThrowsAsync<Errors.SecretAgentException>(() => EnvelopeReader.OpenAsync(
            vector.ToFetched(), new ExpectedBinding(vector.ConfigName, vector.Scope), [vector.KeyId], keys, default));

        Assert.Equal(Errors.ErrorKind.Integrity, error.Kind);
        Assert.Contains($"config '{vector.ConfigName}'", error.Message, StringComparison.Ordinal);
    }
}
