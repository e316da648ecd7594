using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SecretAgent.Integration.Tests.Admin;
using SecretAgent.Integration.Tests.Moto;

namespace SecretAgent.Integration.Tests.Samples;

/// <summary>
/// samples/service through the real agent against moto: IT publishes the database config, `secret-agent run --
/// sample-service` delivers it and becomes the service, which answers on its loopback port without ever showing a
/// value; a new version fetched onto the same tmpfs and a SIGHUP make it serve the new version.
/// </summary>
[Collection(UsesMoto.Name)]
public sealed class SampleServiceTests(MotoServer moto) : IDisposable
{
    private const string Password = "CANARY-sample-service-91c4";
    private const string Name = "checkout/database.json";
    private readonly string target = Directory.CreateDirectory(Path.Combine("/dev/shm", "samples9-svc-" + Guid.NewGuid().ToString("N")[..12])).FullName;

    public void Dispose() => Directory.Delete(target, recursive: true);

    [Fact]
    public async Task Run_ServiceAnswersWithTheDeliveredVersion_AndServesTheNextOneAfterSighup()
    {
        using var world = await AdminWorld.CreateAsync(moto);
        var first = Config(1);
        var firstVersion = world.Put(Name, first).GetProperty("versionId").GetString()!;
        var port = FreePort();
        using var service = CommandRunner.Start(Binaries.Agent, ["run", "--", ServiceBinary, "--config", Path.Combine(target, "database.json"), "--listen", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], Environment(world));
        var stderr = new StderrLines(service);
        try
        {
            await stderr.WaitForAsync("listening on");
            Assert.Equal("{\"status\":\"ok\"}", await GetAsync(port, "/health"));
            var version = JsonNode.Parse(await GetAsync(port, "/config-version"))!;
            Assert.Equal((firstVersion, 1, 1, Sha(first)), (Text(version["versionId"]), (int)version["generation"]!, (int)version["loads"]!, Text(version["sha256"])));

            var second = Config(2);
            var secondVersion = world.Put(Name, second).GetProperty("versionId").GetString()!;
            var fetch = CommandRunner.Run(Binaries.Agent, ["fetch"], Environment(world));
            Assert.True(fetch.ExitCode == 0, fetch.ToString());
            Assert.Equal(1, (int)JsonNode.Parse(await GetAsync(port, "/config-version"))!["loads"]!);
            ProcessTestSignals.Send(service.Id, "HUP");
            await stderr.WaitForAsync("reloaded");

            version = JsonNode.Parse(await GetAsync(port, "/config-version"))!;
            Assert.Equal((secondVersion, 2, 2, Sha(second)), (Text(version["versionId"]), (int)version["generation"]!, (int)version["loads"]!, Text(version["sha256"])));
            Assert.DoesNotContain(Password, version.ToJsonString(), StringComparison.Ordinal);
            ProcessTestSignals.Send(service.Id, "TERM");
            Assert.True(service.WaitForExit(15_000), "the service did not stop on SIGTERM");
            Assert.Equal(0, service.ExitCode);
            await stderr.WaitForAsync("stopped");
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill();
            }
        }

        Assert.DoesNotContain(Password, stderr.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_TakesTheAgentFromTheCarrierImage_AndRunsTheServiceThroughIt()
    {
        var lines = File.ReadAllLines(SampleFiles.Path("service", "Dockerfile"));

        Assert.Contains("ARG AGENT_IMAGE=secret-agent:dev", lines);
        Assert.Contains("FROM ${AGENT_IMAGE} AS agent", lines);
        Assert.Contains("COPY --from=agent /opt/secret-agent /opt/secret-agent", lines);
        Assert.Contains("ENTRYPOINT [\"/opt/secret-agent/bin/secret-agent\", \"run\", \"--\"]", lines);
        Assert.Contains(lines, l => l.StartsWith("USER 10001", StringComparison.Ordinal));
    }

    private Dictionary<string, string?> Environment(AdminWorld world)
    {
        var environment = world.Environment();
        environment["SECRET_AGENT_MANIFEST"] = SampleFiles.Path("service", "secret-agent.yaml");
        environment["SECRET_AGENT_DIR"] = target;
        return environment;
    }

    // tests/SecretAgent.Integration.Tests/bin/<config>/net10.0 -> samples/service/bin/<config>/net10.0/sample-service
    private static string ServiceBinary
    {
        get
        {
            var fromEnv = System.Environment.GetEnvironmentVariable("SAMPLE_SERVICE_BIN");
            if (!string.IsNullOrEmpty(fromEnv))
            {
                return fromEnv;
            }

            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var path = SampleFiles.Path("service", "bin", configuration, "net10.0", "sample-service");
            return File.Exists(path) ? path : throw new FileNotFoundException($"sample-service not built; expected at {path} or set SAMPLE_SERVICE_BIN");
        }
    }

    private static string Config(int n) => $"{{\"host\":\"db{n}.demo.invalid\",\"port\":5432,\"user\":\"checkout\",\"password\":\"{Password}-{n}\"}}";

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];

    private static string Text(JsonNode? node) => node!.GetValue<string>();

    private static async Task<string> GetAsync(int port, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The process's stderr as it arrives, so the test waits on the service's own lines, not on sleeps.</summary>
    private sealed class StderrLines
    {
        private readonly StringBuilder text = new();
        private readonly Process process;
        private readonly Task reading;
        private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public StderrLines(Process process)
        {
            this.process = process;
            reading = Task.Run(ReadAsync);
            _ = process.StandardOutput.ReadToEndAsync();
        }

        public string Text
        {
            get
            {
                lock (text)
                {
                    return text.ToString();
                }
            }
        }

        public async Task WaitForAsync(string fragment)
        {
            var deadline = Task.Delay(TimeSpan.FromSeconds(30));
            while (true)
            {
                Task next;
                lock (text)
                {
                    if (text.ToString().Contains(fragment, StringComparison.Ordinal))
                    {
                        return;
                    }

                    next = changed.Task;
                }

                if (reading.IsCompleted || await Task.WhenAny(next, deadline) == deadline)
                {
                    throw new TimeoutException($"'{fragment}' not on the service's stderr (exited: {process.HasExited}); stderr so far:\n{Text}");
                }
            }
        }

        private async Task ReadAsync()
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                Signal(line + "\n");
            }

            Signal(string.Empty);
        }

        private void Signal(string line)
        {
            lock (text)
            {
                text.Append(line);
                var old = changed;
                changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                old.TrySetResult();
            }
        }
    }
}
