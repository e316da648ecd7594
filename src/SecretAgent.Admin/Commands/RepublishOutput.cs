using SecretAgent.Admin.Output;
using SecretAgent.Core.Errors;
using SecretAgent.Publishing;

namespace SecretAgent.Admin.Commands;

/// <summary>How rollback and rotate report what they published and what they read it from (one line, or JSON).</summary>
internal static class RepublishOutput
{
    public static void WriteJson(AdminContext context, RepublishResult result) => JsonOutput.Write(w =>
    {
        var published = result.Published;
        w.WriteStartObject();
        w.WriteString("name", published.Name);
        w.WriteNumber("generation", published.Generation);
        w.WriteNullable("versionId", published.VersionId);
        w.WriteString("etag", published.ETag);
        w.WriteString("keyArn", published.KeyArn);
        w.WriteString("source", context.Source.Location);
        w.WriteStartObject("from");
        w.WriteNullable("versionId", result.FromVersionId);
        w.WriteNumber("generation", result.FromGeneration);
        w.WriteString("keyArn", result.FromKeyArn);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static string Line(string verb, RepublishResult result) => Printable.Escape(
        $"{verb} {result.Published.Name}: generation {result.FromGeneration} (version {result.FromVersionId ?? "-"}) published as generation {result.Published.Generation} version {result.Published.VersionId ?? "-"} (key {result.Published.KeyArn})");
}
