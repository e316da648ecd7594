using SecretAgent.Core.Target;
using static SecretAgent.Core.Tests.Target.TargetFiles;

namespace SecretAgent.Core.Tests.Target;

/// <summary>Symlinks planted inside the target are never followed (CVE-2017-1002101, CVE-2021-25741).</summary>
[Trait("Category", "Unit")]
public sealed class SecretsTargetSymlinkTests
{
    [TmpfsFact]
    public void Publish_WhenTopLevelNameIsPlantedSymlink_RefusesAndLeavesOutsideFileAlone()
    {
        using var dir = TargetDirectory.OnTmpfs();
        var passwd = Path.Combine(dir.Outside, "passwd");
        System.IO.File.WriteAllText(passwd, "root:x:0:0");
        System.IO.File.CreateSymbolicLink(dir.Combine("database.json"), passwd);
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        var error = TargetError(() => target.Publish([File("database.json", "SECRET")], owner: null));

        Assert.Contains("'database.json'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", error.Message, StringComparison.Ordinal);
        Assert.Equal("root:x:0:0", Read(passwd));
        dir.AssertEntries("..lock", "database.json");
    }

    [TmpfsFact]
    public void Publish_WhenTopLevelNameIsForeignFile_RefusesBeforeWritingAnything()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish([File("keep.txt", "v1")], owner: null);
        var staging = dir.LinkText("..data")!;
        System.IO.File.WriteAllText(dir.Combine("app.conf"), "operator's file");

        TargetError(() => target.Publish([File("keep.txt", "v2"), File("app.conf", "secret")], owner: null));

        Assert.Equal("operator's file", Read(dir.Combine("app.conf")));
        Assert.Equal("v1", Read(dir.Combine("keep.txt")));
        dir.AssertEntries("..data", "..lock", "keep.txt", "app.conf", staging);
    }

    [TmpfsFact]
    public void Publish_WhenDataTmpIsPlantedSymlink_DoesNotFollowIt()
    {
        using var dir = TargetDirectory.OnTmpfs();
        Directory.CreateSymbolicLink(dir.Combine("..data_tmp"), dir.Outside);
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        target.Publish([File("database.json", "s")], owner: null);

        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Outside));
        Assert.Equal("s", Read(dir.Combine("database.json")));
        dir.AssertEntries("..data", "..lock", "database.json", dir.LinkText("..data")!);
    }

    [TmpfsFact]
    public void Publish_WhenDataIsPlantedSymlinkOutside_ReplacesLinkAndLeavesOutsideAlone()
    {
        using var dir = TargetDirectory.OnTmpfs();
        System.IO.File.WriteAllText(Path.Combine(dir.Outside, "database.json"), "attacker");
        Directory.CreateSymbolicLink(dir.Combine("..data"), dir.Outside);
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        target.Publish([File("database.json", "ours")], owner: null);
        target.Publish([File("other.json", "ours")], owner: null);

        Assert.Equal("attacker", Read(Path.Combine(dir.Outside, "database.json")));
        Assert.Equal("ours", Read(dir.Combine("other.json")));
        Assert.Single(Directory.EnumerateFileSystemEntries(dir.Outside));
    }

    [TmpfsFact]
    public void Publish_WhenDataIsADirectory_Refuses()
    {
        using var dir = TargetDirectory.OnTmpfs();
        Directory.CreateDirectory(dir.Combine("..data"));
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        var error = TargetError(() => target.Publish([File("a", "s")], owner: null));

        Assert.Contains("'..data'", error.Message, StringComparison.Ordinal);
        dir.AssertEntries("..data", "..lock");
    }

    [TmpfsFact]
    public void Open_WhenLockFileIsPlantedSymlink_RefusesAndDoesNotCreateItsTarget()
    {
        using var dir = TargetDirectory.OnTmpfs();
        var victim = Path.Combine(dir.Outside, "created-by-lock");
        System.IO.File.CreateSymbolicLink(dir.Combine("..lock"), victim);

        TargetError(() => SecretsTarget.Open(dir.Path, allowDisk: false));

        Assert.False(Path.Exists(victim));
    }
}
