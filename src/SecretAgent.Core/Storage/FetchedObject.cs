namespace SecretAgent.Core.Storage;

/// <summary>A downloaded object: its description and its (encrypted) body.</summary>
public sealed record FetchedObject(ObjectInfo Info, byte[] Body);

/// <summary>The outcome of a conditional GET: either the object, or "not modified" for the ETag the caller had.</summary>
public sealed record FetchResult(FetchedObject? Fetched)
{
    public static FetchResult NotModified { get; } = new((FetchedObject?)null);

    public bool IsNotModified => Fetched is null;
}
