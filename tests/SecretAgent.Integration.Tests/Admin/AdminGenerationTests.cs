using SecretAgent.Aws;
using SecretAgent.Core.Keys;
using SecretAgent.Integration.Tests.Moto;
using SecretAgent.Publishing;

namespace SecretAgent.Integration.Tests.Admin;

/// <summary>
/// put's next generation against an attacker with bucket write, through the real admin binary on moto: a restored old
/// version (defect 2), forged generation claims (defect 3), a listing put may not make, the largest generation.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AdminGenerationTests(MotoServer moto)
{
    private const string Name = "app.yaml";
    private const string Forged = "999999999999999999";

    [Fact]
    public async Task Put_AfterAnOldVersionIsRestoredAsNewest_ContinuesAboveTheWholeHistory()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var first = world.Put(Name, "one");
        world.Put(Name, "two");
        await world.CopyAsNewestAsync(Name, first.GetProperty("versionId").GetString()!);

        var third = world.Put(Name, "three");

        Assert.Equal(3, third.GetProperty("generation").GetInt64());
        var history = AdminWorld.Json(world.Admin("history", Name, "--json")).GetProperty("versions").EnumerateArray();
        Assert.Equal([3L, 1L, 2L, 1L], history.Select(v => v.GetProperty("generation").GetInt64()));
    }

    [Fact]
    public async Task Put_WhenTheLatestGenerationIsForged_PublishesAboveTheGenuineOneAndSaysHowToClean()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "one");
        var forged = await world.CopyAsNewestAsync(Name, null, Forged);

        var put = world.Admin("put", Name, world.WriteInput("two"), "--json");
        var get = world.Admin("get", Name);

        Assert.True(put.ExitCode == 0, put.ToString());
        var json = AdminWorld.Json(put);
        Assert.Equal(2, json.GetProperty("generation").GetInt64());
        var skipped = Assert.Single(json.GetProperty("skippedVersions").EnumerateArray());
        Assert.Equal(forged, skipped.GetProperty("versionId").GetString());
        Assert.Equal(long.Parse(Forged, System.Globalization.CultureInfo.InvariantCulture), skipped.GetProperty("claimedGeneration").GetInt64());
        var warning = Assert.Single(put.StderrLines);
        Assert.Contains($"ignored version {forged}, which claims generation {Forged}: KMS refused its encryption context (forged generation)", warning, StringComparison.Ordinal);
        Assert.Contains($"aws s3api delete-object --bucket {world.Bucket} --key prod/{Name} --version-id {forged}", warning, StringComparison.Ordinal);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("two", get.Stdout);
    }

    [Fact]
    public async Task Put_AfterRemoveOfAForgedVersion_StillContinuesAboveTheGenuineOne()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "one");
        world.Put(Name, "two");
        await world.CopyAsNewestAsync(Name, null, Forged);
        Assert.Equal(0, world.Admin("rm", Name).ExitCode);

        var put = world.Put(Name, "three");

        Assert.Equal(3, put.GetProperty("generation").GetInt64());
        Assert.Equal("three", world.Admin("get", Name).Stdout);
    }

    [Fact]
    public async Task Put_WhenVersionsMayNotBeListed_RefusesInsteadOfRestartingAtOne()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "one");
        world.Put(Name, "two");
        Assert.Equal(0, world.Admin("rm", Name).ExitCode);
        using var proxy = new FaultProxy(moto.Endpoint);
        var denied = proxy.On(r => r.Service == "s3" && r.Method == "GET" && r.Query.Contains("versions", StringComparison.Ordinal), FaultAction.Respond(403, "Forbidden", [("Content-Type", "application/xml")], "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"));
        var environment = world.Environment();
        environment["AWS_ENDPOINT_URL_S3"] = proxy.Endpoint.ToString();

        var put = AdminWorld.Admin(environment, "put", Name, world.WriteInput("three"));

        AdminAssert.FailedCleanly(put, 77, $"config '{Name}': may not list the versions of this config, so put cannot prove its next generation is above every earlier one; allow s3:ListBucketVersions");
        Assert.True(denied.Hits >= 1);
        Assert.Equal(66, world.Admin("get", Name).ExitCode);
    }

    [Fact]
    public async Task Put_WhenTheGenuineGenerationIsTheLargestReadersAccept_Refuses()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var context = EncryptionContext.ForConfig(Name, world.Source.Scope, EncryptionContext.MaxGeneration);
        await Sealing.PutAsync(world.Store(), Name, "max"u8.ToArray(), context, world.KeyArn, new KmsKeyService(moto.Clients()));

        var put = world.Admin("put", Name, world.WriteInput("next"));

        AdminAssert.FailedCleanly(put, 65, $"generation {Forged}, authenticated by KMS, is the largest readers accept; publish under a new config name");
        Assert.Equal("max", world.Admin("get", Name).Stdout);
    }
}
