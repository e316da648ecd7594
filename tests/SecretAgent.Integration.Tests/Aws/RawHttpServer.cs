using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecretAgent.Integration.Tests.Aws;

/// <summary>
/// A loopback TCP server that answers every request with a fixed, possibly broken, HTTP response: for faults the real
/// services don't produce on demand (bodies shorter than Content-Length, bodies that never arrive, no answer at all).
/// </summary>
internal sealed class RawHttpServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly List<TcpClient> clients = [];
    private readonly byte[]? response;

    /// <param name="response">Bytes to send after reading the request head, then keep the connection open; null: never answer.</param>
    public RawHttpServer(byte[]? response)
    {
        this.response = response;
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    public static byte[] Response(string head, byte[] body) => [.. Encoding.ASCII.GetBytes(head.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n"), .. body];

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        lock (clients)
        {
            clients.ForEach(c => c.Dispose());
        }

        stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                lock (clients)
                {
                    clients.Add(client);
                }

                _ = ServeAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            await ReadRequestHeadAsync(stream);
            if (response is not null)
            {
                await stream.WriteAsync(response, stop.Token);
                await stream.FlushAsync(stop.Token);
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    private async Task ReadRequestHeadAsync(NetworkStream stream)
    {
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, stop.Token);
            if (read == 0)
            {
                return;
            }

            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }
}
