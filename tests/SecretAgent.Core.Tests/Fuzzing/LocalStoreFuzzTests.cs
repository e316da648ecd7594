using SecretAgent.Core.Errors;
using SecretAgent.Core.Storage;
using SecretAgent.Local;

namespace SecretAgent.Core.Tests.Fuzzing;

/// <summary>
/// The local store's on-disk records (NNNNNNNN.json beside each body, and the `latest` pointer) as someone who can
/// write the store directory leaves them: every read (get, head, list, versions) returns or fails with one integrity
/// or not-found error naming the object, never another exception type.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LocalStoreFuzzTests : IDisposable
{
    private const string Parser = "local-record";
    private const string Name = "db.json";

    // Each case writes files and reads them four ways: fewer fixed cases than the in-memory parsers.

    private readonly LocalWorld world = new();
    private readonly LocalStoreFiles files;
    private readonly FileObjectReader reader;
    private readonly byte[][] seeds;

    public LocalStoreFuzzTests()
    {
        world.PublishAsync(Name, "{\"password\": \"CANARY-local\"}").GetAwaiter().GetResult();
        world.PublishAsync(Name, "{\"password\": \"CANARY-local-2\"}").GetAwaiter().GetResult();
        files = new LocalStoreFiles(Path.Combine(world.Root, "store"), Name);
        reader = new FileObjectReader(world.Store.Source);
        seeds = [File.ReadAllBytes(files.RecordPath), File.ReadAllBytes(Path.Combine(files.ObjectDir, "latest"))];
    }

    public static TheoryData<string> Corpus => FuzzCorpus.Files(Parser);

    public void Dispose() => world.Dispose();

    [Fact]
    public void Reads_OnMutatedRecords_ReturnOrFailAsOneStoreError() => Fuzz.Bytes(seeds, Check, fixedCases: 300);

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Reads_OnCorpusRecord_ReturnOrFailAsOneStoreError(string file) => Check(FuzzCorpus.Read(Parser, file));

    // The mutated bytes replace the record (or, for a short input, the latest pointer): each case starts from the
    // published state, so one case's damage does not hide the next one's.
    private void Check(byte[] input)
    {
        var latestPath = Path.Combine(files.ObjectDir, "latest");
        var record = seeds[0];
        var latest = seeds[1];
        try
        {
            File.WriteAllBytes(input.Length <= 64 ? latestPath : files.RecordPath, input);
            Reads(() => reader.GetAsync(new GetRequest(Name, GetRequest.DefaultMaxBytes), CancellationToken.None).GetAwaiter().GetResult());
            Reads(() => reader.HeadAsync(Name, CancellationToken.None).GetAwaiter().GetResult());
            Reads(() => reader.ListAsync(CancellationToken.None).GetAwaiter().GetResult());
            Reads(() => reader.ListVersionsAsync(Name, CancellationToken.None).GetAwaiter().GetResult());
        }
        finally
        {
            File.WriteAllBytes(files.RecordPath, record);
            File.WriteAllBytes(latestPath, latest);
        }
    }

    private static void Reads<T>(Func<T> read) => Fuzz.Refuses(() => read(), Name, ErrorKind.Integrity, ErrorKind.NotFound);
}
