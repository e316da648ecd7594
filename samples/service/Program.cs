using System.Runtime.InteropServices;
using SampleService;

// sample-service [--config PATH] [--listen PORT]
// Reads its database config (the file secret-agent delivered), answers GET /health and GET /config-version on
// 127.0.0.1:PORT, reloads on SIGHUP (what `secret-agent watch --notify-signal HUP` or `run --on-change signal:HUP`
// sends after a swap), and stops on SIGTERM or SIGINT. It never prints or serves a config value.
var options = ServiceOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("sample-service: usage: sample-service [--config PATH] [--listen PORT]");
    return 64;
}

var config = new DatabaseConfig(options.ConfigPath);
if (!config.TryLoad(out var problem))
{
    Console.Error.WriteLine($"sample-service: error: {problem}");
    return 78;
}

using var stop = new CancellationTokenSource();
using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
{
    context.Cancel = true;
    Console.Error.WriteLine(config.TryLoad(out var why) ? $"sample-service: reloaded {options.ConfigPath}" : $"sample-service: reload failed, keeping the previous config: {why}");
});
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });

await new HealthServer(options.Port, config).RunAsync(stop.Token);
Console.Error.WriteLine("sample-service: stopped");
return 0;
