using System.Text.Json;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Admin;

/// <summary>put, get, ls, history and rm through the real secret-agent-admin binary against moto.</summary>
[Collection(UsesMoto.Name)]
public sealed class AdminRoundTripTests(MotoServer moto)
{
    [Theory]
    [InlineData("v3")]
    [InlineData("v2")]
    public async Task PutGetListHistoryRemove_RoundTrip(string format)
    {
        using var world = await AdminWorld.CreateAsync(moto);
        const string content = "db_password=s3cr3t-canary\n";

        var put = world.Put("app/settings.env", content, format);
        var get = world.Admin("get", "app/settings.env");
        var ls = world.Admin("ls", "--json");
        var history = world.Admin("history", "app/settings.env", "--json");
        var rm = world.Admin("rm", "app/settings.env", "--json");
        var getAfterRm = world.Admin("get", "app/settings.env");

        Assert.Equal("app/settings.env", put.GetProperty("name").GetString());
        Assert.Equal(1, put.GetProperty("generation").GetInt64());
        Assert.Equal(world.KeyArn, put.GetProperty("keyArn").GetString());
        Assert.Equal(format, put.GetProperty("format").GetString());
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(content, get.Stdout);
        var listed = Assert.Single(AdminWorld.Json(ls).EnumerateArray());
        Assert.Equal("app/settings.env", listed.GetProperty("name").GetString());
        Assert.Equal(1, listed.GetProperty("generation").GetInt64());
        Assert.Equal(format, listed.GetProperty("format").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("problem").ValueKind);
        var version = Assert.Single(AdminWorld.Json(history).GetProperty("versions").EnumerateArray());
        Assert.Equal(put.GetProperty("versionId").GetString(), version.GetProperty("versionId").GetString());
        Assert.True(version.GetProperty("latest").GetBoolean());
        Assert.Equal("{\n  \"name\": \"app/settings.env\",\n  \"deleted\": true\n}\n", rm.Stdout);
        AdminAssert.FailedCleanly(getAfterRm, 66, "not found");
        AssertNoPlaintext(content, ls, history, rm, getAfterRm);
    }

    [Fact]
    public async Task Put_Twice_GivesGenerationTwo_AndHistoryShowsBoth()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var first = world.Put("app.yaml", "one");
        var second = world.Put("app.yaml", "two");
        var history = AdminWorld.Json(world.Admin("history", "app.yaml", "--json")).GetProperty("versions").EnumerateArray().ToList();
        var get = world.Admin("get", "app.yaml");
        var getFirst = world.Admin("get", "app.yaml", "--version", first.GetProperty("versionId").GetString()!);

        Assert.Equal(2, second.GetProperty("generation").GetInt64());
        Assert.Equal([2L, 1L], history.Select(v => v.GetProperty("generation").GetInt64()));
        Assert.Equal([true, false], history.Select(v => v.GetProperty("latest").GetBoolean()));
        Assert.Equal("two", get.Stdout);
        Assert.Equal("one", getFirst.Stdout);
    }

    [Fact]
    public async Task Put_AfterRemove_ContinuesAboveThePastGenerations()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put("app.yaml", "one");
        world.Put("app.yaml", "two");
        Assert.Equal(0, world.Admin("rm", "app.yaml").ExitCode);

        var third = world.Put("app.yaml", "three");

        Assert.Equal(3, third.GetProperty("generation").GetInt64());
    }

    [Fact]
    public async Task Put_FromStdin_Publishes()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        var put = world.AdminWithStdin("from stdin", "put", "piped.txt", "-");
        var get = world.Admin("get", "piped.txt");

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.StartsWith("published piped.txt generation 1 version ", put.Stdout, StringComparison.Ordinal);
        Assert.Equal("from stdin", get.Stdout);
    }

    [Fact]
    public async Task Get_ToFile_WritesMode0600_AndRefusesToOverwriteWithoutForce()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put("app.yaml", "one");
        var output = Path.Combine(world.Scratch, "out.yaml");

        var first = world.Admin("get", "app.yaml", "-o", output);
        var again = world.Admin("get", "app.yaml", "-o", output);
        world.Put("app.yaml", "two");
        var forced = world.Admin("get", "app.yaml", "-o", output, "--force");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(string.Empty, first.Stdout);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
        AdminAssert.FailedCleanly(again, 73, "exists; use --force");
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal("two", File.ReadAllText(output));
        Assert.Equal(["out.yaml"], Directory.GetFiles(world.Scratch, "*out.yaml*").Select(Path.GetFileName));
    }

    [Fact]
    public async Task List_Table_ShowsNamesGenerationsAndStatus()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put("b.env", "x");
        world.Put("a/c.json", "y");
        world.Put("a/c.json", "z");

        var ls = world.Admin("ls");

        Assert.Equal(0, ls.ExitCode);
        var lines = ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["NAME", "GENERATION", "FORMAT", "SIZE", "LAST", "MODIFIED", "VERSION", "STATUS"], lines[0]);
        Assert.Equal(["a/c.json", "2", "v3"], lines[1][..3]);
        Assert.Equal(["b.env", "1", "v3"], lines[2][..3]);
        Assert.Equal("ok", lines[2][^1]);
    }

    [Fact]
    public async Task Help_IsAvailableOnEveryCommand()
    {
        using var world = await AdminWorld.CreateAsync(moto);

        foreach (var command in new[] { "put", "get", "ls", "history", "rm" })
        {
            var help = world.Admin(command, "--help");
            Assert.True(help.ExitCode == 0, help.ToString());
            Assert.Contains($"secret-agent-admin {command}", help.Stdout, StringComparison.Ordinal);
            Assert.Contains("--kms-key-id", help.Stdout, StringComparison.Ordinal);
        }
    }

    private static void AssertNoPlaintext(string content, params CommandResult[] results)
    {
        foreach (var result in results)
        {
            Assert.DoesNotContain(content.Trim(), result.Stdout + result.Stderr, StringComparison.Ordinal);
        }
    }
}
