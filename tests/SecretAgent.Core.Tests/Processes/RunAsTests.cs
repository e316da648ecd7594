using SecretAgent.Core.Errors;
using SecretAgent.Core.Processes;

namespace SecretAgent.Core.Tests.Processes;

[Trait("Category", "Unit")]
public sealed class RunAsTests
{
    [Fact]
    public void Parse_WhenUserAndGroups_KeepsThemAndImpliesTheOwner()
    {
        var runAs = RunAs.Parse("1000:2000", "10,20");

        Assert.Equal((1000, 2000), (runAs.Uid, runAs.Gid));
        Assert.Equal([10, 20], runAs.Groups);
        Assert.Equal("1000:2000", runAs.Owner.ToString());
    }

    [Fact]
    public void Parse_WhenNoGroups_GivesNone()
    {
        Assert.Empty(RunAs.Parse("1000:1000", null).Groups);
        Assert.Empty(RunAs.Parse("1000:1000", "").Groups);
    }

    [Theory]
    [InlineData("app:app", null, "--user 'app:app' is not numeric uid:gid")]
    [InlineData("1000", null, "--user '1000' is not numeric uid:gid")]
    [InlineData("-1:0", null, "--user '-1:0' is not numeric uid:gid")]
    [InlineData("1000:1000", "10,,20", "--groups '10,,20' is not a comma-separated list of numeric gids")]
    [InlineData("1000:1000", "wheel", "--groups 'wheel' is not")]
    public void Parse_WhenNotNumeric_IsAUsageError(string user, string? groups, string message)
    {
        var ex = Assert.Throws<SecretAgentException>(() => RunAs.Parse(user, groups));

        Assert.Equal(ErrorKind.Usage, ex.Kind);
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrampolineArgument_RoundTrips()
    {
        var runAs = RunAs.Parse("1000:2000", "10,20");

        var back = RunAs.FromArgument(runAs.ToArgument());

        Assert.Equal((runAs.Uid, runAs.Gid), (back.Uid, back.Gid));
        Assert.Equal(runAs.Groups, back.Groups);
        Assert.Empty(RunAs.FromArgument(RunAs.Parse("1:1", null).ToArgument()).Groups);
    }
}
