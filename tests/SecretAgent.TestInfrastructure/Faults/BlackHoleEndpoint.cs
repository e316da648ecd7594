using System.Net;
using System.Net.Sockets;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>A loopback endpoint that accepts connections and never answers: a client stays mid-request.</summary>
internal sealed class BlackHoleEndpoint : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> accepted = [];
    private readonly SemaphoreSlim connected = new(0);

    public BlackHoleEndpoint()
    {
        listener.Start();
        _ = AcceptForeverAsync();
    }

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    /// <summary>Waits for the first connection (the client has started its request).</summary>
    public void WaitForConnection(TimeSpan timeout)
    {
        if (!connected.Wait(timeout))
        {
            throw new TimeoutException($"nothing connected to {Endpoint} within {timeout.TotalSeconds} s");
        }

        connected.Release();
    }

    public void Dispose()
    {
        listener.Stop();
        lock (accepted)
        {
            accepted.ForEach(s => s.Dispose());
        }

        connected.Dispose();
    }

    private async Task AcceptForeverAsync()
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync();
                lock (accepted)
                {
                    accepted.Add(socket);
                }

                connected.Release();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // listener stopped
        }
    }
}
