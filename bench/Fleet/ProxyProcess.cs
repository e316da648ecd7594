using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace SecretAgent.Bench.Fleet;

/// <summary>bench/proxy.py in front of moto (a KMS quota, or random faults), started and stopped by its pid.</summary>
internal sealed class ProxyProcess : IAsyncDisposable
{
    private static readonly HttpClient Control = new();
    private readonly Process process;

    private ProxyProcess(Process process, Uri endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<ProxyProcess> StartAsync(string script, string upstream, string extra)
    {
        var info = new ProcessStartInfo("python3", $"{script} --upstream {upstream} {extra}")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start bench/proxy.py");
        var port = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("bench/proxy.py printed no port");
        return new ProxyProcess(process, new Uri($"http://127.0.0.1:{port.Trim()}"));
    }

    /// <summary>The proxy's counters (see bench/proxy.py): s3, kms, kms_throttled, faults.</summary>
    public async Task<Counts> CountsAsync()
    {
        using var doc = JsonDocument.Parse(await Control.GetStringAsync(new Uri(Endpoint, "/__counts")));
        var root = doc.RootElement;
        return new Counts(root.GetProperty("s3").GetInt64(), root.GetProperty("kms").GetInt64(), root.GetProperty("kms_throttled").GetInt64(), root.GetProperty("faults").GetInt64());
    }

    public async Task ResetAsync()
    {
        using var response = await Control.PostAsync(new Uri(Endpoint, "/__reset"), JsonContent.Create(0));
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}

internal sealed record Counts(long S3, long Kms, long Throttled, long Faults);
