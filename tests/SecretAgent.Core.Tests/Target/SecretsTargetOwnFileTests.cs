using SecretAgent.Core.Target;
using static SecretAgent.Core.Tests.Target.TargetFiles;

namespace SecretAgent.Core.Tests.Target;

/// <summary>
/// After a rotation the receipt moves to the new versions inside the live set: renamed over, so it is always whole,
/// with no swap (the "..data" link and the app's files stay) and no temporary left behind.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SecretsTargetOwnFileTests
{
    private static readonly RelativePath ReceiptPath = RelativePath.OwnFile(".secret-agent/receipt.json");

    [TmpfsFact]
    public void ReplaceOwnFile_RenamesTheReceiptOverInsideTheLiveSet_WithoutASwap()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        target.Publish([File("database.json", "s"), new MaterializedFile(ReceiptPath, "{\"old\":1}"u8.ToArray(), Mode("444"))], owner: null);
        var live = Directory.ResolveLinkTarget(dir.Combine("..data"), returnFinalTarget: false)!.FullName;
        var entries = dir.Entries().Order(StringComparer.Ordinal).ToList();

        target.ReplaceOwnFile(ReceiptPath, "{\"new\":2}"u8, Mode("444"), owner: null);

        Assert.Equal("{\"new\":2}", Read(dir.Combine("..data", ".secret-agent", "receipt.json")));
        Assert.Equal(Octal("444"), Stat(dir.Combine("..data", ".secret-agent", "receipt.json")).Permissions);
        Assert.Equal(live, Directory.ResolveLinkTarget(dir.Combine("..data"), returnFinalTarget: false)!.FullName);
        Assert.Equal("s", Read(dir.Combine("database.json")));
        Assert.Equal(entries, dir.Entries().Order(StringComparer.Ordinal).ToList());
        Assert.Equal(["receipt.json"], Directory.EnumerateFileSystemEntries(Path.Combine(live, ".secret-agent")).Select(p => Path.GetFileName(p)));
    }

    [TmpfsFact]
    public void ReplaceOwnFile_WithNothingPublished_IsATargetError()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);

        var error = TargetError(() => target.ReplaceOwnFile(ReceiptPath, "{}"u8, Mode("444"), owner: null));

        Assert.Contains(".secret-agent/receipt.json", error.Message, StringComparison.Ordinal);
        dir.AssertEntries("..lock");
    }
}
