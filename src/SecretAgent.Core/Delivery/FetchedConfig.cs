using SecretAgent.Core.Format;
using SecretAgent.Core.Storage;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Delivery;

/// <summary>One config fetched, verified and decrypted; disposing it zeroes the plaintext.</summary>
public sealed record FetchedConfig(ManifestFile File, ObjectInfo Info, string CiphertextSha256, OpenedObject Opened) : IDisposable
{
    public void Dispose() => Opened.Dispose();
}
