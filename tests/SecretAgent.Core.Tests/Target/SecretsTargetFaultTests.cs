using SecretAgent.Core.Target;
using static SecretAgent.Core.Tests.Target.TargetFiles;

namespace SecretAgent.Core.Tests.Target;

/// <summary>A publish that fails before the swap keeps the old set and leaves no staging directory (fault 36).</summary>
[Trait("Category", "Unit")]
public sealed class SecretsTargetFaultTests
{
    [RootFact]
    public void Publish_WhenTmpfsFills_KeepsOldSetAndLeavesNoStaging()
    {
        using var dir = TargetDirectory.MountedTmpfs("size=64k,mode=0700");
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish([File("database.json", "v1"), File("small.txt", "v1")], owner: null);
        var before = dir.Entries();
        var big = new MaterializedFile(RelativePath.Parse("big/blob.bin", "test path"), new byte[100 * 1024], FilePermissions.Default);

        var error = TargetError(() => target.Publish([File("database.json", "v2"), big], owner: null));

        Assert.Equal($"cannot write 'big/blob.bin' in target {dir.Path}: No space left on device (ENOSPC); the previous files are unchanged", error.Message);
        Assert.Equal(before.Order(StringComparer.Ordinal), dir.Entries().Order(StringComparer.Ordinal));
        Assert.Equal("v1", Read(dir.Combine("database.json")));
        Assert.Equal("v1", Read(dir.Combine("small.txt")));
    }

    [RootFact]
    public void Publish_AfterFullTmpfsFailure_NextSmallPublishSucceeds()
    {
        using var dir = TargetDirectory.MountedTmpfs("size=64k,mode=0700");
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        var big = new MaterializedFile(RelativePath.Parse("blob.bin", "test path"), new byte[100 * 1024], FilePermissions.Default);
        TargetError(() => target.Publish([big], owner: null));

        target.Publish([File("database.json", "fits")], owner: null);

        Assert.Equal("fits", Read(dir.Combine("database.json")));
        dir.AssertEntries("..data", "..lock", "database.json", dir.LinkText("..data")!);
    }

    [TmpfsTheory]
    [InlineData("a", "a")]
    [InlineData("a", "a/b")]
    [InlineData("a/b/c", "a/b")]
    public void Publish_WhenPathsCollide_Refuses(string first, string second)
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        var error = Assert.Throws<Errors.SecretAgentException>(() => target.Publish([File(first, "1"), File(second, "2")], owner: null));

        Assert.Equal(Errors.ErrorKind.Manifest, error.Kind);
        dir.AssertEntries("..lock");
    }

    [TmpfsFact]
    public void Publish_AfterDispose_Throws()
    {
        using var dir = TargetDirectory.OnTmpfs();
        var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Dispose();

        Assert.Throws<ObjectDisposedException>(() => target.Publish([File("a", "s")], owner: null));
    }
}
