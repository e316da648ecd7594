using System.Text;
using System.Text.Json;
using SecretAgent.Core;
using SecretAgent.Core.Delivery;
using SecretAgent.Core.Storage;

namespace SecretAgent.Core.Tests.Delivery;

[Trait("Category", "Unit")]
public sealed class ReceiptTests
{
    private static readonly SourceUri Source = SourceUri.Parse("s3://configs-bucket/app/");

    private static readonly ReceiptEntry Entry = new(
        "a.yaml", "a.yaml", Source.ObjectKey("a.yaml"), "v7", "\"etag\"", 7, "V3", "arn:aws:kms:eu-west-1:111122223333:key/k", "00", 5, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Build_RecordsSchema2AndTheAgentBuild()
    {
        using var document = JsonDocument.Parse(Receipt.Build("ab", Source, [Entry], DateTimeOffset.UnixEpoch));

        Assert.Equal(2, document.RootElement.GetProperty("version").GetInt32());
        var version = document.RootElement.GetProperty("agentVersion").GetString();
        Assert.Equal(BuildInfo.Version, version);
        Assert.Matches(@"^\d+\.\d+\.\d+\+([0-9a-f]{40}|unknown)$", version);
    }

    [Fact]
    public void Parse_WhenSchema2_ReadsTheFiles()
    {
        var files = Receipt.Parse(Receipt.Build("ab", Source, [Entry], DateTimeOffset.UnixEpoch));

        Assert.Equal([Entry], files);
    }

    [Fact]
    public void Parse_WhenSchema1FromAnOlderAgent_StillReadsTheFiles()
    {
        var old = Schema1(Receipt.Build("ab", Source, [Entry], DateTimeOffset.UnixEpoch));

        Assert.Equal([Entry], Receipt.Parse(old));
    }

    [Fact]
    public void Parse_WhenAnUnknownSchema_AdoptsNothing()
    {
        var text = Encoding.UTF8.GetString(Receipt.Build("ab", Source, [Entry], DateTimeOffset.UnixEpoch));

        Assert.Null(Receipt.Parse(Encoding.UTF8.GetBytes(text.Replace("\"version\": 2", "\"version\": 3", StringComparison.Ordinal))));
    }

    // What a version-1 agent wrote: the same document without agentVersion.
    private static byte[] Schema1(byte[] receipt)
    {
        var lines = Encoding.UTF8.GetString(receipt).Split('\n')
            .Where(l => !l.Contains("\"agentVersion\"", StringComparison.Ordinal))
            .Select(l => l.Replace("\"version\": 2", "\"version\": 1", StringComparison.Ordinal));
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }
}
