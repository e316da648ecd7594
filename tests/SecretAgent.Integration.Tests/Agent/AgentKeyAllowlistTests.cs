using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// A key allowlist (SECRET_AGENT_KMS_KEY_ID=a,b) through the real agent: a key that cannot unwrap the data key, for
/// any key-specific reason, moves on to the next; when all fail, one line names each key and its cause (defect 9).
/// KMS errors moto does not produce (disabled, pending deletion, IncorrectKey) come from the fault proxy in front
/// of moto's KMS, keyed on the KeyId in the Decrypt request.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class AgentKeyAllowlistTests : IDisposable
{
    private const string Sentinel = "CANARY-allowlist-93c1";
    private const string Name = OneConfigRun.Name;
    private readonly MotoServer moto;
    private readonly OneConfigRun run = new("allow");

    public AgentKeyAllowlistTests(MotoServer moto)
    {
        this.moto = moto;
    }

    public void Dispose() => run.Dispose();

    [Theory]
    [InlineData("NotFoundException")]
    [InlineData("DisabledException")]
    [InlineData("KMSInvalidStateException")]
    [InlineData("IncorrectKeyException")]
    [InlineData("AccessDeniedException")]
    public async Task Run_WhenTheFirstKeyFails_TriesTheNextAndDelivers(string error)
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        var first = proxy.On(Requests.Kms("Decrypt", "alias/sa-first"), FaultAction.KmsError(error));

        var result = Agent(world, proxy, $"alias/sa-first,{world.KeyAlias}", "cat", run.ConfigPath);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Sentinel, result.Stdout);
        Assert.Equal(1, first.Hits);
    }

    [Fact]
    public async Task Run_WhenEveryKeyFails_ExitsWithTheMostTellingCodeAndNamesEachKeyAndCause()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.Kms("Decrypt", "alias/sa-gone"), FaultAction.KmsError("NotFoundException"));
        proxy.On(Requests.Kms("Decrypt", "alias/sa-off"), FaultAction.KmsError("DisabledException"));
        proxy.On(Requests.Kms("Decrypt", "alias/sa-other"), FaultAction.KmsError("IncorrectKeyException"));

        var result = Agent(world, proxy, "alias/sa-gone,alias/sa-off,alias/sa-other", "true");

        Assert.True(result.ExitCode == 77, result.ToString());
        var line = Assert.Single(result.ErrorLines);
        Assert.Contains($"config '{Name}': no allowed KMS key could unwrap the data key: ", line, StringComparison.Ordinal);
        Assert.Contains("KMS key alias/sa-gone not found", line, StringComparison.Ordinal);
        Assert.Contains("KMS key alias/sa-off is disabled or pending deletion", line, StringComparison.Ordinal);
        Assert.Contains("the data key was encrypted under a key other than alias/sa-other", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(run.ConfigPath));
    }

    [Fact]
    public async Task Run_WhenEveryKeyIsMissing_Exits66()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        world.Put(Name, Sentinel);
        using var proxy = new FaultProxy(moto.Endpoint);
        proxy.On(Requests.Kms("Decrypt"), FaultAction.KmsError("NotFoundException"));

        var result = Agent(world, proxy, "alias/sa-gone1,alias/sa-gone2", "true");

        Assert.True(result.ExitCode == 66, result.ToString());
        Assert.Contains("KMS key alias/sa-gone1 not found; KMS key alias/sa-gone2 not found", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    private CommandResult Agent(AdminWorld world, FaultProxy proxy, string keyIds, params string[] command) =>
        run.Run(world, new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_KMS"] = proxy.Endpoint.ToString(), ["SECRET_AGENT_KMS_KEY_ID"] = keyIds }, command);
}
