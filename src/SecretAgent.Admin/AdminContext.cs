using System.CommandLine;
using SecretAgent.Cli;
using SecretAgent.Core.Catalog;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Storage;
using SecretAgent.Publishing;

namespace SecretAgent.Admin;

/// <summary>What a command works with: the source, the store and key service for it, and the output mode.</summary>
internal sealed class AdminContext
{
    private readonly string? keyId;

    private AdminContext(SourceUri source, IObjectStore store, IKeyService keys, string? keyId, bool json)
    {
        Source = source;
        Store = store;
        Keys = keys;
        this.keyId = keyId;
        Json = json;
    }

    public SourceUri Source { get; }

    public IObjectStore Store { get; }

    public IKeyService Keys { get; }

    public bool Json { get; }

    public ConfigCatalog Catalog => new(Store, Keys);

    public ConfigPublisher Publisher => new(Store, Keys);

    public ConfigRepublisher Republisher => new(Store, Keys);

    public ConfigVerifier Verifier => new(Store, Keys);

    /// <summary>The key id from --kms-key-id or the environment; commands that encrypt or decrypt require it.</summary>
    public string KeyId
    {
        get
        {
            if (keyId is null)
            {
                throw new SecretAgentException(ErrorKind.Usage, $"no KMS key id given (set {SettingsCatalog.AdminKmsKeyId.FlagOrVariable})");
            }

            if (KmsKeyReference.IsLocal(keyId))
            {
                Console.Error.WriteLine($"{Program.Name}: warning: using a local key file instead of KMS: for demos and local development only");
            }

            return keyId;
        }
    }

    public static AdminContext Load(ParseResult parse)
    {
        var environment = CliEnvironment.Read;
        var given = parse.GetValue(AdminOptions.Source) ?? SettingsCatalog.AdminSource.Read(environment);
        if (string.IsNullOrWhiteSpace(given))
        {
            throw new SecretAgentException(ErrorKind.Usage, $"no source given (set {SettingsCatalog.AdminSource.FlagOrVariable} to s3://bucket/prefix/ or file:///dir/)");
        }

        var scope = parse.GetValue(AdminOptions.Scope) ?? SettingsCatalog.AdminScope.Read(environment);
        var source = SourceUri.Parse(given).WithScope(scope, SettingsCatalog.AdminScope.FlagOrVariable);
        var keyId = NonEmpty(parse.GetValue(AdminOptions.KmsKeyId)) ?? NonEmpty(SettingsCatalog.AdminKmsKeyId.Read(environment));
        var (store, keys) = AdminComposition.Backends(source, SettingsCatalog.GrantTokens(environment));
        return new AdminContext(source, store, keys, keyId, parse.GetValue(AdminOptions.Json));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
