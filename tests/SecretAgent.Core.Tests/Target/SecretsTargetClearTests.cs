using SecretAgent.Core.Target;
using static SecretAgent.Core.Tests.Target.TargetFiles;

namespace SecretAgent.Core.Tests.Target;

[Trait("Category", "Unit")]
public sealed class SecretsTargetClearTests
{
    [TmpfsFact]
    public void Clear_RemovesEverythingPublishedButTheLock()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish([File("database.json", "s"), File("tls/key.pem", "k")], owner: null);
        target.Publish([File("database.json", "s2"), File("tls/key.pem", "k2")], owner: null);

        target.Clear();

        dir.AssertEntries("..lock");
    }

    [TmpfsFact]
    public void Clear_ZeroesFileContentsBeforeUnlinking()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish([File("database.json", "password=hunter2")], owner: null);
        using var stillOpen = new FileStream(dir.Combine("database.json"), FileMode.Open, FileAccess.Read);

        target.Clear();

        var buffer = new byte[64];
        var read = stillOpen.Read(buffer);
        Assert.Equal("password=hunter2".Length, read);
        Assert.All(buffer[..read], b => Assert.Equal(0, b));
    }

    [TmpfsFact]
    public void Clear_LeavesForeignEntriesAndOutsideFilesAlone()
    {
        using var dir = TargetDirectory.OnTmpfs();
        var outsideFile = Path.Combine(dir.Outside, "keep");
        System.IO.File.WriteAllText(outsideFile, "outside");
        System.IO.File.WriteAllText(dir.Combine("operator.txt"), "mine");
        System.IO.File.CreateSymbolicLink(dir.Combine("pointer"), outsideFile);
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish([File("a.json", "s")], owner: null);

        target.Clear();

        dir.AssertEntries("..lock", "operator.txt", "pointer");
        Assert.Equal("outside", Read(outsideFile));
    }

    [TmpfsFact]
    public void Clear_WhenNothingPublished_DoesNothing()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        target.Clear();

        dir.AssertEntries("..lock");
    }
}
