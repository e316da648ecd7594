using System.Text;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Format;
using SecretAgent.Core.Tests.Format;

namespace SecretAgent.Core.Tests.Fuzzing;

/// <summary>
/// The object-format parser (EnvelopeParser through the one binding inspection, FlatJson, StrictBase64) on mutated
/// S3EC V2/V3 metadata from the committed vectors: an envelope, or one integrity refusal naming the config; never
/// an exception out of Inspect, never a key service call (Inspect has no seam to call one).
/// </summary>
[Trait("Category", "Unit")]
public sealed class FormatFuzzTests
{
    private const string Parser = "metadata";

    private static readonly VectorFile[] Vectors = [.. VectorFile.Names().Select(VectorFile.Load)];

    private static readonly string[] AllKeys = [.. Vectors.SelectMany(v => v.Metadata.Keys).Distinct().Order(StringComparer.Ordinal)];

    public static TheoryData<string> Corpus => FuzzCorpus.Files(Parser);

    [Fact]
    public void Inspect_OnMutatedMetadata_IsAnEnvelopeOrOneIntegrityRefusal() =>
        Fuzz.Seeded(MutatedMetadata, m => Check(m.Vector, m.Metadata), m => Describe(m.Metadata));

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Inspect_OnCorpusInput_IsAnEnvelopeOrOneIntegrityRefusal(string file)
    {
        // A corpus file is the metadata as one flat JSON object, checked against the first vector's binding.
        var metadata = FlatJson.Parse(FuzzCorpus.Text(FuzzCorpus.Read(Parser, file)));
        Assert.NotNull(metadata);
        Check(Vectors[0], metadata);
    }

    [Fact]
    public void Inspect_OnEveryVector_Accepts()
    {
        foreach (var vector in Vectors)
        {
            Assert.Null(EnvelopeReader.Inspect(vector.Metadata, Expected(vector)).Problem);
        }
    }

    [Fact]
    public void FlatJson_OnMutatedContexts_IsADictionaryOrNull() =>
        Fuzz.Bytes([.. Vectors.SelectMany(v => v.Metadata.Values).Where(v => v.StartsWith('{')).Select(Encoding.UTF8.GetBytes)], input =>
        {
            var text = Encoding.UTF8.GetString(input);
            if (FlatJson.Parse(text) is { } parsed)
            {
                Assert.All(parsed, pair => Assert.NotNull(pair.Value));
            }
        });

    [Fact]
    public void StrictBase64_OnMutatedValues_DecodesOnlyCanonicalText() =>
        Fuzz.Bytes([.. Vectors.SelectMany(v => v.Metadata.Values).Where(v => !v.StartsWith('{')).Select(Encoding.UTF8.GetBytes)], input =>
        {
            var text = Encoding.UTF8.GetString(input);
            if (StrictBase64.Decode(text) is { } bytes)
            {
                Assert.Equal(text, Convert.ToBase64String(bytes));
            }
        });

    private static ExpectedBinding Expected(VectorFile vector) => new(vector.ConfigName, vector.Scope);

    private static void Check(VectorFile vector, IReadOnlyDictionary<string, string> metadata)
    {
        var inspection = EnvelopeReader.Inspect(metadata, Expected(vector));
        if (inspection.Problem is { } problem)
        {
            Assert.Contains(problem.Kind, new[] { ErrorKind.Integrity });
            Fuzz.OneLine(problem.Message);
            Assert.Contains(Printable.Escape(vector.ConfigName), problem.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.NotNull(inspection.Envelope);
        }
    }

    // One vector's metadata with one to three changes: a value mutated as bytes, a key dropped, a key of the other
    // format added (mixing V2 and V3), or a key's spelling mutated.
    private static (VectorFile Vector, Dictionary<string, string> Metadata) MutatedMetadata(int caseSeed)
    {
        var random = new Random(caseSeed);
        var vector = Vectors[random.Next(Vectors.Length)];
        var metadata = new Dictionary<string, string>(vector.Metadata, StringComparer.Ordinal);
        var values = Vectors.SelectMany(v => v.Metadata.Values).Select(Encoding.UTF8.GetBytes).ToArray();
        for (var changes = random.Next(1, 4); changes > 0 && metadata.Count > 0; changes--)
        {
            var key = metadata.Keys.ElementAt(random.Next(metadata.Count));
            switch (random.Next(4))
            {
                case 0:
                case 1:
                    metadata[key] = Encoding.UTF8.GetString(ByteMutator.Mutate([Encoding.UTF8.GetBytes(metadata[key]), .. values], random.Next()));
                    break;
                case 2:
                    metadata.Remove(key);
                    break;
                default:
                    var other = AllKeys[random.Next(AllKeys.Length)];
                    var value = metadata[key];
                    metadata.Remove(key);
                    metadata[random.Next(2) == 0 ? other : Encoding.UTF8.GetString(ByteMutator.Mutate([Encoding.UTF8.GetBytes(key)], random.Next()))] = value;
                    break;
            }
        }

        return (vector, metadata);
    }

    private static string Describe(IReadOnlyDictionary<string, string> metadata) =>
        Printable.Escape(string.Join(", ", metadata.Select(p => $"{p.Key}={p.Value}")));
}
