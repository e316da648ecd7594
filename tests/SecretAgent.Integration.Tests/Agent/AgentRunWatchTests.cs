using System.Diagnostics;
using System.Runtime.CompilerServices;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// <c>run --supervise --watch</c> through the real binary against moto: a shell app records its pid and the file it
/// reads in a log; a <c>put</c> restarts it (<c>--on-change restart</c>: a new pid sees the new set) or signals it
/// (<c>signal:HUP</c>: the same pid reloads); USR1 and TERM to the agent reach the app, and the agent exits with its code.
/// Beside it, the key that last worked: a watch allowing the old and the new key pays the fall-through of a rotation
/// once, not on every later change (KMS Decrypt calls counted in the fault proxy).
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentRunWatchTests : IDisposable
{
    private const string Name = OneConfigRun.Name;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Logs "pid content" at start (and on HUP, when trapped); exits with the code given on TERM.
    private const string App = """
        report() { echo "$$ $(cat "$CONFIG")" >> "$LOG"; }
        trap report HUP
        trap 'echo "$$ usr1" >> "$LOG"' USR1
        trap 'exit 7' TERM
        report
        while :; do sleep 0.05; done
        """;

    private readonly MotoServer moto;
    private readonly OneConfigRun run = new("runwatch");
    private readonly string log = Path.Combine(Path.GetTempPath(), $"sa-runwatch-{Guid.NewGuid():N}.log");

    public AgentRunWatchTests(MotoServer moto)
    {
        this.moto = moto;
    }

    public void Dispose()
    {
        run.Dispose();
        File.Delete(log);
    }

    [Fact]
    public async Task RunWatch_OnChangeRestart_StartsTheAppAgainAndTheNewInstanceSeesTheNewSet()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "CANARY-restart-v1");
        using var agent = Start(world, "--interval", "1s", "--on-change", "restart");
        var first = await WaitForLineAsync(agent, l => l.EndsWith(" CANARY-restart-v1", StringComparison.Ordinal));

        world.Put(Name, "CANARY-restart-v2");
        var second = await WaitForLineAsync(agent, l => l.EndsWith(" CANARY-restart-v2", StringComparison.Ordinal));

        Assert.NotEqual(Pid(first), Pid(second));
        var stderr = await StopAsync(agent, expectedExit: 7);
        Assert.Contains("notify: app restarted", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWatch_OnChangeSignalHup_TheSameAppReloadsWithoutARestart()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "CANARY-hup-v1");
        using var agent = Start(world, "--interval", "1s", "--on-change", "signal:HUP");
        var first = await WaitForLineAsync(agent, l => l.EndsWith(" CANARY-hup-v1", StringComparison.Ordinal));

        world.Put(Name, "CANARY-hup-v2");
        var reload = await WaitForLineAsync(agent, l => l.EndsWith(" CANARY-hup-v2", StringComparison.Ordinal));

        Assert.Equal(Pid(first), Pid(reload));

        // USR1 stays the app's (forwarded, faults.md row 28): refresh in this mode is the listener's POST /refresh.
        ProcessTestSignals.Send(agent.Id, "USR1");
        var usr1 = await WaitForLineAsync(agent, l => l.EndsWith(" usr1", StringComparison.Ordinal));
        Assert.Equal(Pid(first), Pid(usr1));
        await StopAsync(agent, expectedExit: 7);
        Assert.Equal(3, File.ReadAllLines(log).Length);
    }

    [Fact]
    public async Task RunWatch_MirrorsAnAppThatExitsByItself()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, "CANARY-exit-v1");
        using var agent = Start(world, ["--interval", "1s"], "sh", "-c", "exit 5");

        await agent.WaitForExitAsync().WaitAsync(Deadline);

        Assert.Equal(5, agent.ExitCode);
        Assert.Equal("CANARY-exit-v1", await File.ReadAllTextAsync(run.ConfigPath));
    }

    [Theory]
    [InlineData("--watch", null)]
    [InlineData("--interval", "1s")]
    [InlineData("--on-change", "restart")]
    public void Run_WatchOrItsOptionsWithoutSuperviseWatch_IsOneUsageLine(string flag, string? value)
    {
        string[] flags = value is null ? [flag] : [flag, value];
        var result = CommandRunner.Run(Binaries.Agent, ["run", .. flags, "--", "true"], new Dictionary<string, string?> { ["AWS_EC2_METADATA_DISABLED"] = "true" });

        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains($"{flag} needs --supervise", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_AfterARotationToANewKey_TriesTheNewKeyFirst_SoLaterChangesCostOneDecrypt()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var (_, newAlias) = await moto.CreateKeyAsync();
        world.Put(Name, "CANARY-rotate-v1");
        using var proxy = new FaultProxy(moto.Endpoint);

        // moto unwraps whatever KeyId is pinned; real KMS refuses the old key for a blob of the new one. Once rotated,
        // the proxy answers as KMS would.
        var rotated = new StrongBox<bool>();
        var oldKeyRefused = proxy.On(r => rotated.Value && Requests.Kms("Decrypt", world.KeyAlias)(r), FaultAction.KmsError("IncorrectKeyException"));
        var environment = world.Environment();
        environment["AWS_ENDPOINT_URL_S3"] = proxy.Endpoint.ToString();
        environment["AWS_ENDPOINT_URL_KMS"] = proxy.Endpoint.ToString();
        environment["SECRET_AGENT_MANIFEST"] = run.ManifestPath;
        environment["SECRET_AGENT_DIR"] = run.Target;
        environment["SECRET_AGENT_KMS_KEY_ID"] = $"{world.KeyAlias},{newAlias}";
        using var agent = CommandRunner.Start(Binaries.Agent, ["watch", "--interval", "1h"], environment);
        await WaitUntilAsync(agent, () => File.Exists(run.ConfigPath) && File.ReadAllText(run.ConfigPath) == "CANARY-rotate-v1", "the first set");
        Assert.Equal(1, Decrypts(proxy));

        var rotate = world.Admin("--kms-key-id", newAlias, "rotate", "--allow-key", world.KeyAlias, Name);
        Assert.True(rotate.ExitCode == 0, rotate.ToString());
        rotated.Value = true;
        ProcessTestSignals.Send(agent.Id, "USR1");
        await WaitUntilAsync(agent, () => Decrypts(proxy) >= 3, "the rotated version: the old key refused, then the new one");

        var put = world.Admin("--kms-key-id", newAlias, "put", Name, world.WriteInput("CANARY-rotate-v3"), "--json");
        Assert.True(put.ExitCode == 0, put.ToString());
        ProcessTestSignals.Send(agent.Id, "USR1");
        await WaitUntilAsync(agent, () => File.ReadAllText(run.ConfigPath) == "CANARY-rotate-v3", "the change under the new key");

        Assert.Equal(4, Decrypts(proxy));
        Assert.Equal(1, oldKeyRefused.Hits);
        var stderr = agent.StandardError.ReadToEndAsync();
        ProcessTestSignals.Send(agent.Id, "TERM");
        await agent.WaitForExitAsync().WaitAsync(Deadline);
        Assert.True(agent.ExitCode == 0, await stderr);
    }

    private static int Decrypts(FaultProxy proxy) => proxy.Count(Requests.Kms("Decrypt"));

    private static string Pid(string line) => line[..line.IndexOf(' ', StringComparison.Ordinal)];

    private Process Start(AdminWorld world, params string[] flags) => Start(world, flags, "sh", "-c", App);

    private Process Start(AdminWorld world, string[] flags, params string[] app)
    {
        var environment = world.Environment();
        environment["SECRET_AGENT_MANIFEST"] = run.ManifestPath;
        environment["SECRET_AGENT_DIR"] = run.Target;
        environment["CONFIG"] = run.ConfigPath;
        environment["LOG"] = log;
        return CommandRunner.Start(Binaries.Agent, ["run", "--supervise", "--watch", .. flags, "--", .. app], environment);
    }

    // The app writes its log line and nothing signals it; poll the log with a generous deadline.
    private async Task<string> WaitForLineAsync(Process agent, Func<string, bool> match)
    {
        string? found = null;
        await WaitUntilAsync(agent, () => (found = Lines().FirstOrDefault(match)) is not null, "the app's log line");
        return found!;
    }

    private string[] Lines() => File.Exists(log) ? File.ReadAllLines(log) : [];

    private static async Task WaitUntilAsync(Process agent, Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (agent.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"agent exited {agent.ExitCode} before {what}: {await agent.StandardError.ReadToEndAsync()}");
            }

            if (deadline.Elapsed > Deadline)
            {
                throw new Xunit.Sdk.XunitException($"no {what} within {Deadline}");
            }

            await Task.Delay(50);
        }
    }

    // TERM to the agent is forwarded to the app, which exits 7; the agent mirrors it, and the file stays.
    private async Task<string> StopAsync(Process agent, int expectedExit)
    {
        var stderr = agent.StandardError.ReadToEndAsync();
        ProcessTestSignals.Send(agent.Id, "TERM");
        await agent.WaitForExitAsync().WaitAsync(Deadline);
        var text = await stderr;
        Assert.True(agent.ExitCode == expectedExit, $"exit {agent.ExitCode}: {text}");
        Assert.True(File.Exists(run.ConfigPath), "the files stay after the app exits, as after run --supervise");
        return text;
    }
}
