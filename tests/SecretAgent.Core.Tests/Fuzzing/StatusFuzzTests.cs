using System.Text;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Status;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Tests.Fuzzing;

/// <summary>
/// The two JSON files the agent reads back from the target: the status file (`health` reads it) and the receipt
/// (`watch` adopts the set it lists). A status file is read or refused as one integrity error naming it; a receipt
/// is a complete list of entries or null (nothing adopted), never an exception and never an entry with a hole.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StatusFuzzTests
{
    private const string StatusWhat = "fuzz-status.json";

    private static readonly byte[][] StatusSeeds =
    [
        """
        {"version":1,"writtenAt":"2026-12-01T10:00:00.000Z","startedAt":"2026-12-01T09:00:00.000Z","complete":true,
         "configs":[{"name":"db.json","required":true,"generation":7,"versionId":"v1","appliedAt":"2026-12-01T09:00:01.000Z",
         "lastSuccess":"2026-12-01T10:00:00.000Z","stalenessSeconds":0.5,"lastOutcome":"unchanged","lastError":null,
         "polls":{"unchanged":3},"errors":{},"decrypts":1,"changesApplied":1},
         {"name":"opt.env","required":false,"generation":null,"versionId":null,"appliedAt":null,"lastSuccess":null,
         "stalenessSeconds":0,"lastOutcome":"failed","lastError":"unavailable","polls":{"failed":1},"errors":{"unavailable":1},"decrypts":0,"changesApplied":0}]}
        """u8.ToArray(),
        "{\"writtenAt\":\"2026-12-01T10:00:00Z\",\"startedAt\":\"2026-12-01T10:00:00+01:00\",\"complete\":false,\"configs\":[]}"u8.ToArray(),
    ];

    public static TheoryData<string> StatusCorpus => FuzzCorpus.Files("status");

    public static TheoryData<string> ReceiptCorpus => FuzzCorpus.Files("receipt");

    [Fact]
    public void StatusRead_OnMutatedStatusFiles_IsContentOrOneIntegrityError() => Fuzz.Bytes(StatusSeeds, CheckStatus);

    [Theory]
    [MemberData(nameof(StatusCorpus))]
    public void StatusRead_OnCorpusInput_IsContentOrOneIntegrityError(string file) => CheckStatus(FuzzCorpus.Read("status", file));

    [Fact]
    public void ReceiptParse_OnMutatedReceipts_IsCompleteEntriesOrNull() => Fuzz.Bytes(ReceiptSeeds(), CheckReceipt);

    [Theory]
    [MemberData(nameof(ReceiptCorpus))]
    public void ReceiptParse_OnCorpusInput_IsCompleteEntriesOrNull(string file) => CheckReceipt(FuzzCorpus.Read("receipt", file));

    [Fact]
    public void ReceiptParse_OnItsOwnOutput_ReadsEveryEntry() => Assert.Equal(2, Receipt.Parse(ReceiptSeeds()[0])?.Count);

    private static void CheckStatus(byte[] input) =>
        Fuzz.Refuses(() => StatusDocument.Read(input, StatusWhat), StatusWhat, ErrorKind.Integrity);

    private static void CheckReceipt(byte[] input)
    {
        if (Receipt.Parse(input) is not { } entries)
        {
            return;
        }

        Assert.All(entries, entry =>
        {
            Assert.NotNull(entry.Name);
            Assert.NotNull(entry.Path);
            Assert.NotNull(entry.ObjectKey);
            Assert.NotNull(entry.ETag);
            Assert.NotNull(entry.Format);
            Assert.NotNull(entry.KmsKeyArn);
            Assert.NotNull(entry.CiphertextSha256);
        });
    }

    private static byte[][] ReceiptSeeds()
    {
        var source = SourceUri.Parse("s3://bucket/app/");
        var at = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        ReceiptEntry[] entries =
        [
            new("db.json", "db.json", "app/db.json", "v1", "\"e1\"", 7, "V3", "arn:aws:kms:us-east-1:111122223333:key/k", new string('a', 64), 120, at, at),
            new("tls/key", "tls/key.pem", "app/tls/key", null, "\"e2\"", 1, "V2", "arn:aws:kms:us-east-1:111122223333:key/k", new string('b', 64), 9, at, at),
        ];
        var full = Receipt.Build(new string('c', 64), source, entries, at);
        return [full, Receipt.Build(new string('c', 64), source, Array.Empty<ReceiptEntry>(), at), Encoding.UTF8.GetBytes("{\"version\":1,\"files\":[]}")];
    }
}
