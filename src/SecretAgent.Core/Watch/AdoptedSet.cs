using System.Security.Cryptography;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Format;
using SecretAgent.Core.Logging;
using ManifestFile = SecretAgent.Core.Manifest.ManifestFile;

namespace SecretAgent.Core.Watch;

/// <summary>
/// The set a restarted sidecar finds in its target: the receipt's entries and the live files' content, read back
/// into pinned buffers so the watcher can publish a later change together with them and compare a rotated object's
/// plaintext against them. Adopted only when the receipt and every file it lists for this manifest read back;
/// otherwise the watcher starts like fetch. Disposing zeroes the buffers.
/// </summary>
public sealed class AdoptedSet : IDisposable
{
    private readonly Dictionary<string, byte[]> plaintext;

    public AdoptedSet(IReadOnlyList<ReceiptEntry> entries, Dictionary<string, byte[]> plaintext)
    {
        Entries = entries;
        this.plaintext = plaintext;
    }

    public IReadOnlyList<ReceiptEntry> Entries { get; }

    /// <summary>Hands the buffer of <paramref name="name"/> over to the caller (who zeroes it from then on).</summary>
    public byte[]? Take(string name) => plaintext.Remove(name, out var buffer) ? buffer : null;

    /// <summary>
    /// Reads the set under <paramref name="targetPath"/>'s "..data" (this agent holds the target's lock, so nobody
    /// swaps it meanwhile); null when there is none to adopt, with a warning when there was one that did not read.
    /// </summary>
    public static AdoptedSet? TryRead(string targetPath, IReadOnlyList<ManifestFile> files, ILog log)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(log);
        var data = System.IO.Path.Combine(targetPath, "..data");
        var receiptPath = System.IO.Path.Combine(data, Receipt.RelativePath);
        if (!File.Exists(receiptPath))
        {
            return null;
        }

        var entries = Receipt.Parse(File.ReadAllBytes(receiptPath));
        if (entries is null)
        {
            log.Warn("receipt in the target not readable; not adopting the set there", ("dir", targetPath));
            return null;
        }

        var buffers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var kept = new List<ReceiptEntry>();
        try
        {
            foreach (var entry in entries.Where(e => files.Any(f => f.Name.Value == e.Name && f.Path.Value == e.Path)))
            {
                buffers[entry.Name] = ReadPinned(System.IO.Path.Combine(data, entry.Path));
                kept.Add(entry);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Zero(buffers.Values);
            log.Warn("a file of the set in the target is not readable; not adopting it", ("dir", targetPath), ("error", ex.GetType().Name));
            return null;
        }

        return new AdoptedSet(kept, buffers);
    }

    public void Dispose() => Zero(plaintext.Values);

    private static byte[] ReadPinned(string path)
    {
        var read = File.ReadAllBytes(path);
        try
        {
            var pinned = OpenedObject.Pinned(read.Length);
            read.CopyTo(pinned, 0);
            return pinned;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(read);
        }
    }

    private static void Zero(IEnumerable<byte[]> buffers)
    {
        foreach (var buffer in buffers)
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
