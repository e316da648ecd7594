using System.Text.Json.Nodes;

namespace SecretAgent.Tests.Infrastructure;

/// <summary>
/// Direct access to one object's latest version in a file:/// store, as an attacker with write access to the store
/// directory would have: <c>DIR/&lt;escaped name&gt;/NNNNNNNN.body</c>, <c>NNNNNNNN.json</c> (with a "metadata"
/// object) and <c>latest</c> naming the current version.
/// </summary>
internal sealed class LocalStoreFiles
{
    public LocalStoreFiles(string storeDir, string name)
    {
        ObjectDir = Path.Combine(storeDir, Uri.EscapeDataString(name));
        var version = File.ReadAllText(Path.Combine(ObjectDir, "latest")).Trim();
        BodyPath = Path.Combine(ObjectDir, version + ".body");
        RecordPath = Path.Combine(ObjectDir, version + ".json");
    }

    public string ObjectDir { get; }

    public string BodyPath { get; }

    public string RecordPath { get; }

    public byte[] Body
    {
        get => File.ReadAllBytes(BodyPath);
        set => File.WriteAllBytes(BodyPath, value);
    }

    public Dictionary<string, string> Metadata
    {
        get => Record()["metadata"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
        set
        {
            var record = Record();
            var metadata = new JsonObject();
            foreach (var (key, item) in value)
            {
                metadata[key] = item;
            }

            record["metadata"] = metadata;
            File.WriteAllText(RecordPath, record.ToJsonString());
        }
    }

    public void EditMetadata(Action<Dictionary<string, string>> edit)
    {
        var metadata = Metadata;
        edit(metadata);
        Metadata = metadata;
    }

    private JsonObject Record() => JsonNode.Parse(File.ReadAllText(RecordPath))!.AsObject();
}
