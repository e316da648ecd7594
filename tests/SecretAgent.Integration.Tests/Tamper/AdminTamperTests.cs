using System.Text;
using System.Text.Json.Nodes;
using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using SecretAgent.Local;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Tamper;

/// <summary>
/// A representative subset of the unit-level tamper sweep, through the real secret-agent-admin on a file:/// store:
/// publish, damage the stored body or metadata on disk, and `get` must exit 65 with nothing on stdout and one
/// stderr line that names the config and holds no value.
/// </summary>
public sealed class AdminTamperTests : IDisposable
{
    private const string Name = "payments/db.env";
    private const string Sentinel = "CANARY-admin-tamper-0c7d";
    private static readonly string Content = $"DB_PASSWORD={Sentinel}\nDB_HOST=db.internal\n";

    private readonly LocalWorld world = new();

    public AdminTamperTests()
    {
        File.WriteAllText(Path.Combine(world.Root, "plain.env"), Content);
    }

    public static TheoryData<string> V3Cases => new(Cases.Keys.Where(k => k.StartsWith("V3", StringComparison.Ordinal)).Order(StringComparer.Ordinal));

    public static TheoryData<string> V2Cases => new(Cases.Keys.Where(k => k.StartsWith("V2", StringComparison.Ordinal)).Order(StringComparer.Ordinal));

    private static Dictionary<string, Action<LocalStoreFiles>> Cases { get; } = new(StringComparer.Ordinal)
    {
        ["V3 body bit flipped in first byte"] = f => f.Body = Mutations.FlipBit(f.Body, 0),
        ["V3 body bit flipped inside the tag"] = f => f.Body = Mutations.FlipBit(f.Body, f.Body.Length - 5),
        ["V3 body truncated by 1 byte"] = f => f.Body = f.Body[..^1],
        ["V3 body truncated to empty"] = f => f.Body = [],
        ["V3 body one byte appended"] = f => f.Body = [.. f.Body, 0x0a],
        ["V3 x-amz-d other bytes"] = f => f.EditMetadata(m => m["x-amz-d"] = Convert.ToBase64String(new byte[28])),
        ["V3 x-amz-i other bytes"] = f => f.EditMetadata(m => m["x-amz-i"] = Convert.ToBase64String(new byte[28])),
        ["V3 x-amz-3 one character flipped"] = f => f.EditMetadata(m => m["x-amz-3"] = Mutations.Flip(m["x-amz-3"])),
        ["V3 x-amz-i removed"] = f => f.EditMetadata(m => m.Remove("x-amz-i")),
        ["V3 x-amz-c empty"] = f => f.EditMetadata(m => m["x-amz-c"] = string.Empty),
        ["V3 unknown x-amz-foo key added"] = f => f.EditMetadata(m => m["x-amz-foo"] = "bar"),
        ["V3 plus V2 key x-amz-iv"] = f => f.EditMetadata(m => m["x-amz-iv"] = Convert.ToBase64String(new byte[12])),
        ["V3 rewritten as V1"] = f => f.EditMetadata(Mutations.RewriteV3AsV1),
        ["V3 context other name"] = f => f.EditMetadata(m => m["x-amz-t"] = Mutations.EditContext(m["x-amz-t"], c => c[EncryptionContext.NameKey] = "payments/other.env")),
        ["V3 context other scope"] = f => f.EditMetadata(m => m["x-amz-t"] = Mutations.EditContext(m["x-amz-t"], c => c[EncryptionContext.ScopeKey] = "file:///elsewhere/")),
        ["V3 context generation non-decimal"] = f => f.EditMetadata(m => m["x-amz-t"] = Mutations.EditContext(m["x-amz-t"], c => c[EncryptionContext.GenerationKey] = "1a")),
        ["V3 context generation bumped"] = f => f.EditMetadata(m => m["x-amz-t"] = Mutations.EditContext(m["x-amz-t"], c => c[EncryptionContext.GenerationKey] = "2")),
        ["V3 context extra key"] = f => f.EditMetadata(m => m["x-amz-t"] = Mutations.EditContext(m["x-amz-t"], c => c["team"] = "x")),
        ["V2 body bit flipped in middle byte"] = f => f.Body = Mutations.FlipBit(f.Body, f.Body.Length / 2),
        ["V2 body truncated by 16 bytes"] = f => f.Body = f.Body[..^16],
        ["V2 x-amz-iv other bytes"] = f => f.EditMetadata(m => m["x-amz-iv"] = Convert.ToBase64String(new byte[12])),
        ["V2 x-amz-key-v2 removed"] = f => f.EditMetadata(m => m.Remove("x-amz-key-v2")),
        ["V2 x-amz-unencrypted-content-length wrong"] = f => f.EditMetadata(m => m["x-amz-unencrypted-content-length"] = "3"),
        ["V2 plus V3 key x-amz-d"] = f => f.EditMetadata(m => m["x-amz-d"] = Convert.ToBase64String(new byte[28])),
        ["V2 context missing cek-alg"] = f => f.EditMetadata(m => m["x-amz-matdesc"] = Mutations.EditContext(m["x-amz-matdesc"], c => c.Remove(EncryptionContext.CekAlgKey))),
        ["V2 context other name"] = f => f.EditMetadata(m => m["x-amz-matdesc"] = Mutations.EditContext(m["x-amz-matdesc"], c => c[EncryptionContext.NameKey] = "payments/other.env")),
    };

    private string KeyId => world.KeyId;

    private string StoreDir => world.Store.Source.Prefix;

    private string Source => world.Store.Source.Scope;

    public void Dispose() => world.Dispose();

    [Fact]
    public void Get_WhenUntouched_PrintsTheConfig()
    {
        PublishWithAdmin();

        var result = Admin("get", Name);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Content, result.Stdout);
    }

    [Theory]
    [MemberData(nameof(V3Cases))]
    public void Get_WhenV3ObjectTampered_Exits65WithEmptyStdoutAndOneLine(string caseName)
    {
        PublishWithAdmin();
        Cases[caseName](new LocalStoreFiles(StoreDir, Name));

        AssertRefused(Admin("get", Name));
    }

    [Theory]
    [MemberData(nameof(V2Cases))]
    public async Task Get_WhenV2ObjectTampered_Exits65WithEmptyStdoutAndOneLine(string caseName)
    {
        await PublishWithLibraryAsync(EnvelopeFormat.V2);
        Assert.Equal(0, Admin("get", Name).ExitCode);
        Cases[caseName](new LocalStoreFiles(StoreDir, Name));

        AssertRefused(Admin("get", Name));
    }

    [Theory]
    [MemberData(nameof(V3Cases))]
    [MemberData(nameof(V2Cases))]
    public async Task CoreReader_WhenStoreFilesTampered_RefusesAsIntegrity(string caseName)
    {
        // The same on-disk damage through the library (no binary): proves each case really reaches the reader.
        await PublishWithLibraryAsync(caseName.StartsWith("V3", StringComparison.Ordinal) ? EnvelopeFormat.V3 : EnvelopeFormat.V2);
        Cases[caseName](new LocalStoreFiles(StoreDir, Name));
        var store = world.Store;

        var error = await Assert.ThrowsAsync<Core.Errors.SecretAgentException>(async () =>
        {
            var fetched = (await store.GetAsync(new GetRequest(Name, 1 << 20), default)).Fetched!;
            using var opened = await EnvelopeReader.OpenAsync(fetched, new ExpectedBinding(Name, store.Source.Scope), [KeyId], new LocalKeyService(), default);
        });

        Assert.Equal(Core.Errors.ErrorKind.Integrity, error.Kind);
    }

    [Fact]
    public void Get_WhenObjectCopiedFromAnotherName_Exits65()
    {
        PublishWithAdmin();
        var source = new LocalStoreFiles(StoreDir, Name);
        var copy = Path.Combine(StoreDir, Uri.EscapeDataString("payments/other.env"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(source.ObjectDir).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var result = Admin("get", "payments/other.env");

        AssertRefused(result, "payments/other.env");
    }

    private static void AssertRefused(CommandResult result, string name = Name)
    {
        Assert.True(result.ExitCode == 65, result.ToString());
        Assert.Empty(result.Stdout);
        var line = Assert.Single(ErrorLines(result));
        Assert.StartsWith($"secret-agent-admin: error: config '{name}': ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, result.Stderr, StringComparison.Ordinal);
    }

    // With a file:// key id the admin tool always prints one documented warning first; everything else is the error.
    private static IEnumerable<string> ErrorLines(CommandResult result) =>
        result.StderrLines.Where(l => !l.StartsWith("secret-agent-admin: warning: using a local key file", StringComparison.Ordinal));

    private void PublishWithAdmin()
    {
        var result = Admin("put", Name, Path.Combine(world.Root, "plain.env"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(Sentinel, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    // The admin CLI documents no format switch, so the V2 object is written with the core library, as a V2-only
    // S3EC client would write it; the refusal is still the admin binary's.
    private Task<ObjectInfo> PublishWithLibraryAsync(EnvelopeFormat format) => world.PublishAsync(Name, Content, format);

    private CommandResult Admin(params string[] args) =>
        CommandRunner.Run(Binaries.Admin, [.. args, "--source", Source, "--kms-key-id", KeyId], new Dictionary<string, string?>
        {
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        });
}
