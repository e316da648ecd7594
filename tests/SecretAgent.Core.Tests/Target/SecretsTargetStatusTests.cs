using SecretAgent.Core.Status;
using SecretAgent.Core.Target;
using static SecretAgent.Core.Tests.Target.TargetFiles;

namespace SecretAgent.Core.Tests.Target;

/// <summary>The status file lives beside "..data", never in it: rewriting it is no swap, and a swap keeps it.</summary>
[Trait("Category", "Unit")]
public sealed class SecretsTargetStatusTests
{
    [TmpfsFact]
    public void WriteStatus_ReplacesTheFileOutsideData_LeavingNoTemporary()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish([File("database.json", "s")], owner: null);
        var live = Directory.ResolveLinkTarget(dir.Combine("..data"), returnFinalTarget: false)!.FullName;

        target.WriteStatus("{\"round\":1}"u8);
        target.WriteStatus("{\"round\":2}"u8);

        Assert.Equal("{\"round\":2}", Read(dir.Combine(StatusDocument.FileName)));
        Assert.Equal(Octal("644"), Stat(dir.Combine(StatusDocument.FileName)).Permissions);
        Assert.Equal(live, Directory.ResolveLinkTarget(dir.Combine("..data"), returnFinalTarget: false)!.FullName);
        Assert.False(System.IO.File.Exists(Path.Combine(dir.Path, "..data", StatusDocument.FileName)));
        dir.AssertEntries("..lock", "..data", Path.GetFileName(live), "database.json", StatusDocument.FileName);
    }

    [TmpfsFact]
    public void Publish_KeepsTheStatusFile_AndSweepsALeftoverTemporary()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.WriteStatus("{}"u8);
        System.IO.File.WriteAllText(dir.Combine("..status_tmp.0badc0de"), "crashed mid-write");

        target.Publish([File("database.json", "s")], owner: null);

        Assert.Equal("{}", Read(dir.Combine(StatusDocument.FileName)));
        Assert.False(System.IO.File.Exists(dir.Combine("..status_tmp.0badc0de")));
    }

    [TmpfsFact]
    public void Clear_RemovesTheStatusFile()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish([File("database.json", "s")], owner: null);
        target.WriteStatus("{}"u8);

        target.Clear();

        dir.AssertEntries("..lock");
    }
}
