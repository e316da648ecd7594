using System.CommandLine;
using SecretAgent.Cli;
using SecretAgent.Core.Errors;
using SecretAgent.Core.Keys;
using SecretAgent.Core.Logging;
using SecretAgent.Core.Manifest;
using SecretAgent.Core.Storage;
using ManifestModel = SecretAgent.Core.Manifest.Manifest;

namespace SecretAgent.Agent;

/// <summary>What every command starts from: the log, the parsed manifest and the resolved settings. No network.</summary>
internal sealed record AgentContext(ILog Log, ManifestModel Manifest, AgentSettings Settings, SourceUri Source)
{
    public const string Program = "secret-agent";

    public static AgentContext Load(ParseResult parse)
    {
        var log = new StderrLog(Program, string.Equals(parse.GetValue(AgentOptions.LogFormat), "json", StringComparison.Ordinal));
        var manifestPath = SettingsResolver.ManifestPath(parse.GetValue(AgentOptions.Manifest), CliEnvironment.Read);
        var manifest = SettingsResolver.WithManifestHint(() => ManifestParser.Load(manifestPath));
        var flags = new SettingsOverrides(parse.GetValue(AgentOptions.Source), parse.GetValue(AgentOptions.KmsKeyIds), parse.GetValue(AgentOptions.Dir)) { Scope = parse.GetValue(AgentOptions.Scope) };
        var settings = SettingsResolver.Resolve(flags, CliEnvironment.Read, new ManifestDefaults(manifest.Source, manifest.KmsKeyIds, manifest.Dir));
        var source = settings.SourceUri;
        if (manifest.Files.Count > 0 && settings.KmsKeyIds.Any(KmsKeyReference.IsLocal))
        {
            log.Warn("USING A LOCAL KEY FILE INSTEAD OF KMS: for demos and local development only, never production");
        }

        return new AgentContext(log, manifest, settings, source);
    }
}
