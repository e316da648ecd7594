using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Admin;

/// <summary>
/// verify through the real admin binary on moto: a clean history passes; what an attacker with bucket write can do
/// (copy an old version back as the latest, forge a generation claim) is flagged with exit 65, and so is a version
/// under a key outside the allowlist.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AdminVerifyTests(MotoServer moto)
{
    private const string Name = "db.json";

    [Fact]
    public async Task Verify_OnACleanHistory_ReportsEveryVersionOkAndExits0()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "one");
        world.Put(Name, "two");
        world.Put("app.env", "A=1", format: "v2");
        Assert.Equal(0, world.Admin("rm", "app.env").ExitCode);
        world.Put("app.env", "A=2");

        var verify = world.Admin("verify", "--json");
        var table = world.Admin("verify");

        Assert.True(verify.ExitCode == 0, verify.ToString());
        var json = AdminWorld.Json(verify);
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal(0, json.GetProperty("findings").GetInt32());
        var versions = json.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["app.env", "app.env", Name, Name], versions.Select(v => v.GetProperty("name").GetString()));
        Assert.Equal([2L, 1L, 2L, 1L], versions.Select(v => v.GetProperty("generation").GetInt64()));
        Assert.All(versions, v => Assert.Null(v.GetProperty("problem").GetString()));
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("STATUS", table.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("A=1", verify.Stdout + verify.Stderr + table.Stdout + table.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AfterAnOldVersionIsCopiedBackAsTheLatest_FlagsItAndExits65()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var first = world.Put(Name, "one");
        world.Put(Name, "two");
        var restored = await world.CopyAsNewestAsync(Name, first.GetProperty("versionId").GetString()!);

        var verify = world.Admin("verify", "--json");

        Assert.Equal(65, verify.ExitCode);
        var json = AdminWorld.Json(verify);
        Assert.False(json.GetProperty("ok").GetBoolean());
        var flagged = Assert.Single(json.GetProperty("versions").EnumerateArray(), v => v.GetProperty("problem").GetString() is not null);
        Assert.Equal(restored, flagged.GetProperty("versionId").GetString());
        Assert.True(flagged.GetProperty("latest").GetBoolean());
        Assert.StartsWith("generation 1 is not above generation 2 of the earlier version ", flagged.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Contains($"verify found 1 problem(s) in 1 config(s), first: config '{Name}' version {restored}: generation 1 is not above generation 2", Assert.Single(verify.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WithAForgedGenerationInTheHistory_FlagsItEvenAfterALaterGenuinePut()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "one");
        var forged = await world.CopyAsNewestAsync(Name, null, "5");
        world.Put(Name, "two");

        var verify = world.Admin("verify");

        Assert.Equal(65, verify.ExitCode);
        var row = Assert.Single(verify.Stdout.Split('\n'), l => l.Contains(forged, StringComparison.Ordinal));
        Assert.Contains("KMS refused the data key", row, StringComparison.Ordinal);
        Assert.Single(verify.ErrorLines);
    }

    [Fact]
    public async Task Verify_WhenAVersionIsUnderAKeyOutsideTheAllowlist_FlagsItUnlessThatKeyIsAllowed()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var (_, newAlias) = await moto.CreateKeyAsync();
        world.Put(Name, "one");
        Assert.Equal(0, world.Admin("--kms-key-id", newAlias, "rotate", "--allow-key", world.KeyAlias).ExitCode);

        var onlyNew = world.Admin("--kms-key-id", newAlias, "verify", "--json");
        var both = world.Admin("--kms-key-id", newAlias, "verify", "--allow-key", world.KeyAlias, "--json");

        Assert.Equal(65, onlyNew.ExitCode);
        var flagged = Assert.Single(AdminWorld.Json(onlyNew).GetProperty("versions").EnumerateArray(), v => v.GetProperty("problem").GetString() is not null);
        Assert.Equal(1, flagged.GetProperty("generation").GetInt64());
        Assert.True(both.ExitCode == 0, both.ToString());
    }
}
