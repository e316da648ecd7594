using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// A CA made for one test (ECDSA P-256, a day long) and a server certificate it signs for 127.0.0.1 and localhost:
/// what a corporate CA in front of an endpoint looks like, with its PEM written where AWS_CA_BUNDLE can name it.
/// </summary>
internal sealed class TestCertificateAuthority : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("sa-ca-").FullName;

    public TestCertificateAuthority()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=SecretAgent test CA " + Guid.NewGuid().ToString("N")[..8], caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(serverKey);

        // Through PKCS#12 so SslStream gets a key it can use on every platform.
        ServerCertificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        BundlePath = Path.Combine(dir, "corporate-ca.pem");
        File.WriteAllText(BundlePath, ca.ExportCertificatePem() + "\n");
    }

    /// <summary>The CA's certificate as a PEM bundle.</summary>
    public string BundlePath { get; }

    /// <summary>The server certificate (with its key) for 127.0.0.1 and localhost.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public void Dispose()
    {
        ServerCertificate.Dispose();
        Directory.Delete(dir, recursive: true);
    }
}
