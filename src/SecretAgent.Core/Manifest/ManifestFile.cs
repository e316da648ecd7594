namespace SecretAgent.Core.Manifest;

/// <summary>
/// One config the app needs: <paramref name="Name"/> is what IT published (and the S3 key suffix),
/// <paramref name="Path"/> the normalized relative path it lands at under the target directory.
/// <paramref name="Line"/> and <paramref name="Column"/> locate the entry in the manifest for later error messages.
/// </summary>
public sealed record ManifestFile(
    string Name,
    string Path,
    int Mode,
    bool Optional,
    bool Env,
    long? MinGeneration,
    int Line,
    int Column);
