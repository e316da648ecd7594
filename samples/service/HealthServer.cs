using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SampleService;

/// <summary>
/// A loopback HTTP/1.0 responder for two routes, on a bare socket: small, and nothing in it needs reflection, so it
/// publishes NativeAOT as it is. A real service would use ASP.NET Core; the wiring to secret-agent is the same.
/// </summary>
internal sealed class HealthServer(int port, DatabaseConfig config)
{
    public async Task RunAsync(CancellationToken stop)
    {
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        Console.Error.WriteLine($"sample-service: listening on 127.0.0.1:{port}");
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(stop);
                await AnswerAsync(client, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task AnswerAsync(TcpClient client, CancellationToken stop)
    {
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var requestLine = await reader.ReadLineAsync(stop) ?? string.Empty;

        // Read the headers too: closing with unread input would reset the connection before the client reads the answer.
        while (!string.IsNullOrEmpty(await reader.ReadLineAsync(stop)))
        {
        }

        var (status, body) = requestLine.Split(' ') switch
        {
            ["GET", "/health", ..] => ("200 OK", "{\"status\":\"ok\"}"),
            ["GET", "/config-version", ..] => ("200 OK", config.VersionJson()),
            _ => ("404 Not Found", "{\"error\":\"not found\"}"),
        };
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.0 {status}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop);
        await stream.WriteAsync(bytes, stop);
    }
}
