using SecretAgent.Core.Format;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using SecretAgent.Publishing;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// The one "seal and put" of the tests: encrypts a config with the core writer and puts it into a store, either as
/// the admin tool publishes (next generation over the current head) or with a context of the test's choosing, for
/// objects the admin tool would never write (bound to another config, a generation at the limit, a V2 envelope).
/// </summary>
internal static class Sealing
{
    /// <summary>Seals <paramref name="content"/> under <paramref name="context"/> and puts it at the config's key, conditional on <paramref name="ifMatchETag"/> as the store's PutAsync is.</summary>
    public static async Task<ObjectInfo> PutAsync(
        IObjectStore store,
        string name,
        byte[] content,
        EncryptionContext context,
        string keyId,
        IKeyService keys,
        EnvelopeFormat format = EnvelopeFormat.V3,
        string? ifMatchETag = null)
    {
        var sealedObject = await EnvelopeWriter.SealAsync(content, context, keyId, format, keys, default);
        return await store.PutAsync(store.Source.ObjectKey(name), sealedObject.Body, sealedObject.Metadata, ifMatchETag, default);
    }

    /// <summary>
    /// Publishes <paramref name="content"/> over the config's current head: as <paramref name="generation"/>, or the
    /// next one after the head's (1 when there is none).
    /// </summary>
    public static async Task<ObjectInfo> PublishAsync(
        IObjectStore store,
        string name,
        byte[] content,
        string keyId,
        IKeyService keys,
        EnvelopeFormat format = EnvelopeFormat.V3,
        long? generation = null)
    {
        var current = await store.HeadAsync(store.Source.ObjectKey(name), default);
        generation ??= current is null ? 1 : EnvelopeReader.Parse(current.Metadata, name).Generation + 1;
        var context = EncryptionContext.ForConfig(name, store.Source.Scope, generation.Value);
        return await PutAsync(store, name, content, context, keyId, keys, format, current?.ETag);
    }
}
