using SecretAgent.Core.Storage;

namespace SecretAgent.Publishing;

/// <summary>
/// The writing half of an object store: only the admin tool can put or delete (the agent's assembly closure holds
/// no implementation of it; tests/SecretAgent.Integration.Tests/Architecture/DecryptOnlyTests.cs checks).
/// Implementations throw <see cref="Core.Errors.SecretAgentException"/> as <see cref="IObjectReader"/> does, and
/// kind Conflict when a conditional write loses a race.
/// </summary>
public interface IObjectWriter
{
    /// <summary>
    /// Writes conditionally: with <paramref name="ifMatchETag"/> null the object must not exist (If-None-Match: *),
    /// otherwise its current ETag must equal it (If-Match). A lost race throws kind Conflict.
    /// </summary>
    Task<ObjectInfo> PutAsync(
        string key,
        ReadOnlyMemory<byte> body,
        IReadOnlyDictionary<string, string> metadata,
        string? ifMatchETag,
        CancellationToken cancellationToken);

    /// <summary>Deletes the latest version (a delete marker in a versioned store); kind NotFound if there is none.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>A store the admin tool reads and writes: both halves over one source.</summary>
public interface IObjectStore : IObjectReader, IObjectWriter;
