namespace SecretAgent.Core.Settings;

/// <summary>The command-line flags that set the same values, named in error messages.</summary>
public static class FlagNames
{
    public const string Source = "--source";
    public const string KmsKeyId = "--kms-key-id";
    public const string Dir = "--dir";
    public const string Manifest = "--manifest";
}
