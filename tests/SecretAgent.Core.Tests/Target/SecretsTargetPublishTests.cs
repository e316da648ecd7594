using System.Text.RegularExpressions;
using SecretAgent.Core.Target;
using static SecretAgent.Core.Tests.Target.TargetFiles;

namespace SecretAgent.Core.Tests.Target;

[Trait("Category", "Unit")]
public sealed partial class SecretsTargetPublishTests
{
    private static readonly MaterializedFile[] FirstSet =
    [
        File("database.json", "{\"password\":\"one\"}", "400"),
        File("tls/cert.pem", "CERT-1", "440"),
        File("tls/key.pem", "KEY-1", "600"),
        File("deep/a/b/c.txt", "deep-1", "644"),
    ];

    public static TheoryData<string, string, string> PublishedFiles => new()
    {
        { "database.json", "{\"password\":\"one\"}", "400" },
        { "tls/cert.pem", "CERT-1", "440" },
        { "tls/key.pem", "KEY-1", "600" },
        { "deep/a/b/c.txt", "deep-1", "644" },
    };

    [TmpfsTheory]
    [MemberData(nameof(PublishedFiles))]
    public void Publish_WritesEachFileByteExactWithExactMode(string path, string content, string mode)
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        target.Publish(FirstSet, owner: null);

        var resolved = dir.Combine("..data", path);
        Assert.Equal(content, Read(dir.Combine(path)));
        Assert.True(Stat(resolved).IsRegularFile);
        Assert.Equal(Octal(mode), Stat(resolved).Permissions);
    }

    [TmpfsFact]
    public void Publish_CreatesKubeletLayout()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        target.Publish(FirstSet, owner: null);

        var staging = dir.LinkText("..data")!;
        Assert.Matches(StagingName(), staging);
        dir.AssertEntries("..data", "..lock", "database.json", "deep", "tls", staging);
        Assert.Equal("..data/database.json", dir.LinkText("database.json"));
        Assert.Equal("..data/tls", dir.LinkText("tls"));
        Assert.Equal("..data/deep", dir.LinkText("deep"));
        Assert.Equal(Octal("600"), Stat(dir.Combine("..lock")).Permissions);
    }

    [TmpfsTheory]
    [InlineData("", "755")]        // 0644 deep file makes every directory world-traversable
    [InlineData("tls", "750")]     // 0440 cert: group may read, so group may traverse
    [InlineData("deep/a/b", "755")]
    public void Publish_GivesDirectoriesOnlyTheAccessTheirFilesNeed(string directory, string mode)
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        target.Publish(FirstSet, owner: null);

        var path = directory.Length == 0 ? dir.Combine(dir.LinkText("..data")!) : dir.Combine("..data", directory);
        Assert.Equal(Octal(mode), Stat(path).Permissions);
    }

    [TmpfsFact]
    public void Publish_WhenOnlyOwnerMayRead_KeepsDirectoriesPrivate()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        target.Publish([File("app/secret.txt", "s", "400")], owner: null);

        Assert.Equal(Octal("700"), Stat(dir.Combine(dir.LinkText("..data")!)).Permissions);
        Assert.Equal(Octal("700"), Stat(dir.Combine("..data", "app")).Permissions);
    }

    [TmpfsTheory]
    [InlineData("666")]
    [InlineData("777")]
    public void Publish_SetsModeExactlyWhateverTheUmask(string mode)
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        target.Publish([File("f", "x", mode)], owner: null);

        Assert.Equal(Octal(mode), Stat(dir.Combine("..data", "f")).Permissions);
    }

    [TmpfsFact]
    public void Publish_Twice_ReplacesSetRemovesDroppedNamesAndKeepsOldStagingUntilTheNextSwap()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish(FirstSet, owner: null);
        var oldStaging = dir.LinkText("..data")!;

        target.Publish([File("database.json", "two", "440"), File("tls/cert.pem", "CERT-2", "400"), File("new.txt", "n")], owner: null);

        var staging = dir.LinkText("..data")!;
        Assert.NotEqual(oldStaging, staging);

        // A reader that resolved "..data" just before the swap still finds its files.
        dir.AssertEntries("..data", "..lock", "database.json", "new.txt", "tls", staging, oldStaging);
        Assert.True(System.IO.File.Exists(dir.Combine(oldStaging, "database.json")));

        Assert.Equal("two", Read(dir.Combine("database.json")));
        Assert.Equal(Octal("440"), Stat(dir.Combine("..data", "database.json")).Permissions);
        Assert.Equal("CERT-2", Read(dir.Combine("tls", "cert.pem")));
        Assert.False(Path.Exists(dir.Combine("tls", "key.pem")));

        target.Publish([File("database.json", "three", "440")], owner: null);
        dir.AssertEntries("..data", "..lock", "database.json", dir.LinkText("..data")!, staging);
    }

    [TmpfsFact]
    public void Publish_WhenReaderHoldsOldFile_OldContentStaysReadable()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish([File("database.json", "old-content")], owner: null);
        using var reader = new FileStream(dir.Combine("database.json"), FileMode.Open, FileAccess.Read);

        target.Publish([File("database.json", "new-content")], owner: null);

        using var text = new StreamReader(reader);
        Assert.Equal("old-content", text.ReadToEnd());
        Assert.Equal("new-content", Read(dir.Combine("database.json")));
    }

    [RootFact]
    public void Publish_WithOwner_ChownsFilesAndDirectoriesAndKeepsModes()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        target.Publish([File("database.json", "x", "400"), File("tls/key.pem", "k", "640")], new FileOwner(1234, 2345));

        var staging = dir.Combine(dir.LinkText("..data")!);
        foreach (var path in new[] { staging, dir.Combine("..data", "tls"), dir.Combine("..data", "database.json"), dir.Combine("..data", "tls", "key.pem") })
        {
            Assert.Equal((1234, 2345), (Stat(path).Uid, Stat(path).Gid));
        }

        Assert.Equal(Octal("400"), Stat(dir.Combine("..data", "database.json")).Permissions);
        Assert.Equal(Octal("640"), Stat(dir.Combine("..data", "tls", "key.pem")).Permissions);
    }

    [TmpfsFact]
    public void Publish_AfterCrash_RemovesLeftoverStagingAndTemporaryLinks()
    {
        using var dir = TargetDirectory.OnTmpfs();
        Directory.CreateDirectory(dir.Combine("..2020_01_01_00_00_00.deadbeef", "sub"));
        System.IO.File.WriteAllText(dir.Combine("..2020_01_01_00_00_00.deadbeef", "sub", "f"), "stale");
        System.IO.File.CreateSymbolicLink(dir.Combine("..data_tmp"), "..2020_01_01_00_00_00.deadbeef");
        System.IO.File.CreateSymbolicLink(dir.Combine("..link_tmp.0badf00d"), "..data/x");
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        target.Publish([File("x", "fresh")], owner: null);

        dir.AssertEntries("..data", "..lock", "x", dir.LinkText("..data")!);
    }

    [TmpfsFact]
    public void Publish_EmptySet_RemovesPreviousNames()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish(FirstSet, owner: null);
        var first = dir.LinkText("..data")!;

        target.Publish([], owner: null);

        dir.AssertEntries("..data", "..lock", dir.LinkText("..data")!, first);
    }

    [GeneratedRegex(@"^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.[0-9a-f]{8}$")]
    private static partial Regex StagingName();
}
