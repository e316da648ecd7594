using System.CommandLine;
using SecretAgent.Cli;

namespace SecretAgent.Admin;

/// <summary>The options every command accepts (recursive on the root command), built from <see cref="SettingsCatalog"/>.</summary>
internal static class AdminOptions
{
    public static readonly Option<string?> Source = SettingsCatalog.AdminSource.ToOption<string?>(recursive: true);

    public static readonly Option<string?> Scope = SettingsCatalog.AdminScope.ToOption<string?>(recursive: true);

    public static readonly Option<string?> KmsKeyId = SettingsCatalog.AdminKmsKeyId.ToOption<string?>(recursive: true);

    public static readonly Option<bool> Json = SettingsCatalog.AdminJson.ToOption<bool>(recursive: true);
}
