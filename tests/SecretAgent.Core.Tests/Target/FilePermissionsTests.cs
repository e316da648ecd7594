using SecretAgent.Core.Errors;
using SecretAgent.Core.Target;

namespace SecretAgent.Core.Tests.Target;

/// <summary>One range for a file's mode, 0-0777, whether it comes from the manifest or from code.</summary>
[Trait("Category", "Unit")]
public sealed class FilePermissionsTests
{
    [Theory]
    [InlineData("0400", 0x100)]
    [InlineData("640", 0x1A0)]
    [InlineData("0777", 0x1FF)]
    [InlineData("000", 0)]
    public void TryParse_WhenOctalUpTo0777_Reads(string text, int bits)
    {
        Assert.True(FilePermissions.TryParse(text, out var mode));
        Assert.Equal(bits, mode.Bits);
    }

    // setuid, setgid and sticky: the target once accepted them (up to 07777) while the manifest refused them.
    [Theory]
    [InlineData("4440")]
    [InlineData("2440")]
    [InlineData("1777")]
    [InlineData("40")]
    [InlineData("04000")]
    [InlineData("0800")]
    public void TryParse_WhenNotAMode_Refuses(string text) => Assert.False(FilePermissions.TryParse(text, out _));

    [Theory]
    [InlineData(-1)]
    [InlineData(0x1000)]
    [InlineData(0x800)]
    [InlineData(0x200)]
    public void FromBits_WhenOutOfRange_Refuses(int bits) =>
        Assert.Equal(ErrorKind.Manifest, Assert.Throws<SecretAgentException>(() => FilePermissions.FromBits(bits)).Kind);

    [Fact]
    public void Default_IsOwnerReadOnly() => Assert.Equal("0400", FilePermissions.Default.ToString());
}
