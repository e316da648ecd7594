using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SecretAgent.Integration.Tests.Agent;

/// <summary>
/// faults.md rows 1, 4 and 27: an S3 endpoint that accepts connections and never answers. The deadline bounds the
/// start, and SIGTERM during the fetch cancels cleanly with 128+15.
/// </summary>
public sealed class AgentDeadlineTests : IDisposable
{
    private readonly LocalWorld world = new();
    private readonly TcpListener blackHole = new(IPAddress.Loopback, 0);
    private readonly List<Socket> accepted = [];
    private readonly TaskCompletionSource firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AgentDeadlineTests()
    {
        blackHole.Start();
        _ = AcceptForeverAsync();
    }

    public void Dispose()
    {
        blackHole.Stop();
        accepted.ForEach(s => s.Dispose());
        world.Dispose();
    }

    [Fact]
    public void Run_WhenEndpointHangs_GivesUpAtDeadlineWith69()
    {
        var watch = Stopwatch.StartNew();

        var result = world.Agent(HungEnvironment(), "run", "--timeout", "2", "--", "true");

        Assert.Equal(69, result.ExitCode);
        Assert.Contains("deadline", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.5, 15);
        Assert.Empty(Directory.GetDirectories(world.Target));
    }

    [Fact]
    public async Task Run_WhenTerminatedDuringFetch_Exits143AndLeavesNoStaging()
    {
        using var agent = CommandRunner.Start(Binaries.Agent, ["run", "--timeout", "30", "--", "true"], HungEnvironment());
        var stderr = agent.StandardError.ReadToEndAsync();
        await WaitForConnectionAsync();

        Process.Start("kill", ["-TERM", agent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

        Assert.True(agent.WaitForExit(TimeSpan.FromSeconds(10)), "agent did not stop after SIGTERM");
        Assert.Equal(143, agent.ExitCode);
        Assert.Contains("signal 15", await stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(world.Target));
    }

    private Dictionary<string, string?> HungEnvironment()
    {
        world.WriteManifest("version: 1\nfiles:\n  - name: db.json\n  - name: api.json\n");
        var environment = world.Environment();
        environment["SECRET_AGENT_SOURCE"] = "s3://hung-bucket/app/";
        environment["SECRET_AGENT_KMS_KEY_ID"] = "alias/app";
        environment["AWS_ENDPOINT_URL"] = $"http://127.0.0.1:{((IPEndPoint)blackHole.LocalEndpoint).Port}";
        environment["AWS_ACCESS_KEY_ID"] = "test";
        environment["AWS_SECRET_ACCESS_KEY"] = "test";
        environment["AWS_REGION"] = "us-east-1";
        environment["AWS_EC2_METADATA_DISABLED"] = "true";
        return environment;
    }

    // Completed by the accept loop on the first connection: the test waits on that event, not on a clock loop.
    private async Task WaitForConnectionAsync()
    {
        try
        {
            await firstConnection.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException("the agent never connected to the endpoint", ex);
        }
    }

    private async Task AcceptForeverAsync()
    {
        try
        {
            while (true)
            {
                var socket = await blackHole.AcceptSocketAsync();
                lock (accepted)
                {
                    accepted.Add(socket);
                }

                firstConnection.TrySetResult();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // listener stopped
        }
    }
}
