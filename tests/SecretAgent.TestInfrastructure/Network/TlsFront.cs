using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// A loopback TLS listener in front of a plain-HTTP endpoint (moto): it terminates TLS with a certificate from
/// <see cref="TestCertificateAuthority"/> and pumps the bytes to the upstream, as a TLS-terminating gateway does.
/// It counts connections and completed handshakes, so a test can tell "refused the certificate" from "never connected".
/// </summary>
internal sealed class TlsFront : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 certificate;
    private readonly Uri upstream;
    private readonly CancellationTokenSource stopping = new();
    private int connections;
    private int handshakes;

    public TlsFront(X509Certificate2 certificate, Uri upstream)
    {
        this.certificate = certificate;
        this.upstream = upstream;
        listener.Start();
        _ = AcceptForeverAsync();
    }

    public Uri Endpoint => new($"https://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

    public int Handshakes => Volatile.Read(ref handshakes);

    /// <summary>Connections accepted; a client that refuses the certificate connects but never completes a request.</summary>
    public int Connections => Volatile.Read(ref connections);

    public void Dispose()
    {
        stopping.Cancel();
        listener.Stop();
        stopping.Dispose();
    }

    private async Task AcceptForeverAsync()
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stopping.Token);
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
        Interlocked.Increment(ref connections);
        using (client)
        {
            await using var tls = new SslStream(client.GetStream());
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, stopping.Token);
                Interlocked.Increment(ref handshakes);
            }
            catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
            {
                return;
            }

            try
            {
                using var server = new TcpClient();
                await server.ConnectAsync(upstream.Host, upstream.Port, stopping.Token);
                await using var plain = server.GetStream();
                await Task.WhenAny(tls.CopyToAsync(plain, stopping.Token), plain.CopyToAsync(tls, stopping.Token));
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // One side hung up.
            }
        }
    }
}
