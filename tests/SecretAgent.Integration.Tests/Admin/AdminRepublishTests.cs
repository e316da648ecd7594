using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Admin;

/// <summary>
/// rollback and rotate through the real admin binary on moto, and what an agent makes of their results: a rollback
/// is a new, higher generation (accepted above a floor that refuses the restored old version an attacker could
/// copy), and a rotation to a new key keeps every agent that allowlists both keys working while it runs.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AdminRepublishTests(MotoServer moto)
{
    private const string Name = "db.json";

    [Fact]
    public async Task Rollback_ToAGeneration_PublishesItsContentAsTheNextGenerationAndAnAgentAboveTheFloorAcceptsIt()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var first = world.Put(Name, "one");
        world.Put(Name, "two");

        var rollback = world.Admin("rollback", Name, "--to", "1", "--json");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        var json = AdminWorld.Json(rollback);
        Assert.Equal(3, json.GetProperty("generation").GetInt64());
        Assert.Equal(1, json.GetProperty("from").GetProperty("generation").GetInt64());
        Assert.Equal(first.GetProperty("versionId").GetString(), json.GetProperty("from").GetProperty("versionId").GetString());
        var agent = Fetch(world, world.KeyAlias, minGeneration: 2);
        Assert.True(agent.ExitCode == 0, agent.ToString());
        Assert.Equal("one", agent.Stdout);
    }

    [Fact]
    public async Task Rollback_ToAVersionId_RestoresThatVersionWhereTheSameOldVersionCopiedBackIsRefusedAsARollback()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var first = world.Put(Name, "one");
        world.Put(Name, "two");
        var firstVersion = first.GetProperty("versionId").GetString()!;
        await world.CopyAsNewestAsync(Name, firstVersion);
        var attacked = Fetch(world, world.KeyAlias, minGeneration: 2);

        var rollback = world.Admin("rollback", Name, "--to", firstVersion);

        Assert.Equal(65, attacked.ExitCode);
        Assert.Contains("object generation 1 is below the required 2 (rollback)", Assert.Single(attacked.ErrorLines), StringComparison.Ordinal);
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.StartsWith($"rolled back {Name}: generation 1 (version {firstVersion}) published as generation 3 version ", rollback.Stdout, StringComparison.Ordinal);
        var agent = Fetch(world, world.KeyAlias, minGeneration: 2);
        Assert.True(agent.ExitCode == 0, agent.ToString());
        Assert.Equal("one", agent.Stdout);
    }

    [Fact]
    public async Task Rollback_ToAVersionThatIsNotInTheHistory_Exits66AndPublishesNothing()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "one");

        var missing = world.Admin("rollback", Name, "--to", "7");
        var garbage = world.Admin("rollback", Name, "--to", "no-such-version");

        AdminAssert.FailedCleanly(missing, 66, $"config '{Name}': no version with generation 7 in the history");
        AdminAssert.FailedCleanly(garbage, 66, $"config '{Name}': no version no-such-version in the history");
        Assert.Single(AdminWorld.Json(world.Admin("history", Name, "--json")).GetProperty("versions").EnumerateArray());
    }

    [Fact]
    public async Task Rollback_ToAForgedGeneration_IsRefusedBecauseKmsDoesNotAuthenticateTheClaim()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "one");
        world.Put(Name, "two");
        await world.CopyAsNewestAsync(Name, null, "9");

        var rollback = world.Admin("rollback", Name, "--to", "9");

        AdminAssert.FailedCleanly(rollback, 65, $"config '{Name}': no version claiming generation 9 could be authenticated");
        Assert.Equal(3, AdminWorld.Json(world.Admin("history", Name, "--json")).GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task Rotate_ToANewKeyWhileAgentsAllowlistingBothKeysFetch_KeepsThemWorkingAndMovesEveryConfig()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var (newArn, newAlias) = await moto.CreateKeyAsync();
        string[] names = [Name, "tls/key.pem", "app.env"];
        foreach (var name in names)
        {
            world.Put(name, $"content of {name}");
        }

        var both = $"{world.KeyAlias},{newAlias}";
        using var stop = new CancellationTokenSource();
        var agents = Task.Run(() => FetchUntil(world, both, stop.Token));

        var rotate = world.Admin("--kms-key-id", newAlias, "rotate", "--allow-key", world.KeyAlias, "--json");
        await stop.CancelAsync();
        var fetched = await agents;

        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        var rotated = AdminWorld.Json(rotate).EnumerateArray().ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), rotated.Select(r => r.GetProperty("name").GetString()));
        Assert.All(rotated, r => Assert.Equal(newArn, r.GetProperty("keyArn").GetString()));
        Assert.All(rotated, r => Assert.Equal(2, r.GetProperty("generation").GetInt64()));
        Assert.Equal(names.Length, rotate.StderrLines.Count(l => l.Contains("] rotated ", StringComparison.Ordinal)));
        Assert.NotEmpty(fetched);
        Assert.All(fetched, r => Assert.True(r.ExitCode == 0 && r.Stdout == $"content of {Name}", r.ToString()));
        var onlyNew = Fetch(world, newAlias);
        Assert.True(onlyNew.ExitCode == 0, onlyNew.ToString());
        Assert.Equal($"content of {Name}", onlyNew.Stdout);
    }

    [Fact]
    public async Task Rotate_WithoutTheOldKeyAllowed_FailsForEachConfigAndLeavesThemAsTheyWere()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var (_, newAlias) = await moto.CreateKeyAsync();
        world.Put(Name, "one");

        var rotate = world.Admin("--kms-key-id", newAlias, "rotate", Name);

        Assert.NotEqual(0, rotate.ExitCode);
        Assert.Equal(string.Empty, rotate.Stdout);
        Assert.Contains("rotated 0 of 1 configs; 1 failed", Assert.Single(rotate.ErrorLines), StringComparison.Ordinal);
        Assert.Single(AdminWorld.Json(world.Admin("history", Name, "--json")).GetProperty("versions").EnumerateArray());
    }

    [Fact]
    public async Task Rotate_UnderTheSameKey_PublishesTheSamePlaintextUnderAFreshDataKey()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "one");
        var before = AdminWorld.Json(world.Admin("get", Name, "-o", Path.Combine(world.Scratch, "before"), "--json"));

        var rotate = world.Admin("rotate", Name);

        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        Assert.StartsWith($"rotated {Name}: generation 1 (version ", rotate.Stdout, StringComparison.Ordinal);
        Assert.Equal("one", world.Admin("get", Name).Stdout);
        var history = AdminWorld.Json(world.Admin("history", Name, "--json")).GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([2L, 1L], history.Select(v => v.GetProperty("generation").GetInt64()));
        Assert.Equal(1, before.GetProperty("generation").GetInt64());
    }

    // Agents fetching in a loop until told to stop: each result must be a complete delivery.
    private static List<CommandResult> FetchUntil(AdminWorld world, string keyIds, CancellationToken stop)
    {
        var results = new List<CommandResult>();
        do
        {
            results.Add(Fetch(world, keyIds));
        }
        while (!stop.IsCancellationRequested);
        return results;
    }

    // The real agent's run on a fresh tmpfs target, printing the delivered config.
    private static CommandResult Fetch(AdminWorld world, string keyIds, long? minGeneration = null)
    {
        var target = Path.Combine("/dev/shm", "sa-republish-" + Guid.NewGuid().ToString("N")[..12]);
        var manifest = Path.Combine(world.Scratch, Guid.NewGuid().ToString("N") + ".yaml");
        var floor = minGeneration is null ? string.Empty : $"\n    minGeneration: {minGeneration}";
        File.WriteAllText(manifest, $"version: 1\nfiles:\n  - name: {Name}{floor}\n");
        Directory.CreateDirectory(target);
        try
        {
            var environment = world.Environment();
            environment["SECRET_AGENT_KMS_KEY_ID"] = keyIds;
            environment["SECRET_AGENT_MANIFEST"] = manifest;
            environment["SECRET_AGENT_DIR"] = target;
            return CommandRunner.Run(Binaries.Agent, ["run", "--", "cat", Path.Combine(target, Name)], environment);
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }
}
