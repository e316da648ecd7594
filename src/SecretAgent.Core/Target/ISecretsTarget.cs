namespace SecretAgent.Core.Target;

/// <summary>The directory secrets are published into; a seam so the pipeline can be tested with a fake.</summary>
public interface ISecretsTarget : IDisposable
{
    string Path { get; }

    /// <summary>True when the target is on tmpfs or ramfs, so plaintext never reaches a disk.</summary>
    bool IsMemoryBacked { get; }

    /// <summary>Replaces the published set with <paramref name="files"/>, all or nothing.</summary>
    void Publish(IReadOnlyList<MaterializedFile> files, FileOwner? owner);

    /// <summary>Removes everything published, overwriting file contents with zeros first (best effort).</summary>
    void Clear();
}
