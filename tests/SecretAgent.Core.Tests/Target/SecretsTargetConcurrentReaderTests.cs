using System.Text;
using SecretAgent.Core.Target;

namespace SecretAgent.Core.Tests.Target;

/// <summary>An app reading during a refresh sees either the whole old set or the whole new one (fault 40).</summary>
[Trait("Category", "Unit")]
public sealed class SecretsTargetConcurrentReaderTests
{
    private static readonly string[] Names = ["database.json", "cache.json", "queue.json"];

    [TmpfsFact]
    public void Publish_WhileReaderLoops_ReaderNeverSeesAMixedOrPartialSet()
    {
        using var dir = TargetDirectory.OnTmpfs();
        using var target = SecretsTarget.Open(dir.Path, allowDisk: false);
        var versions = new[] { Version("A"), Version("B") };
        target.Publish(versions[0], owner: null);
        var reader = new SetReader(dir, versions);
        var thread = new Thread(reader.Run);
        thread.Start();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 1; (i <= 400 || reader.Consistent < 50) && reader.Problems.Count == 0 && clock.Elapsed.TotalSeconds < 20; i++)
        {
            target.Publish(versions[i % 2], owner: null);
        }

        reader.Stop();
        thread.Join();
        Assert.Empty(reader.Problems);
        Assert.True(reader.Consistent >= 50, $"reader saw only {reader.Consistent} complete sets");
    }

    private static MaterializedFile[] Version(string marker) =>
        Names.Select(name => new MaterializedFile(RelativePath.Parse(name, "test path"), Content(marker, name), FilePermissions.Default)).ToArray();

    private static byte[] Content(string marker, string name) =>
        Encoding.UTF8.GetBytes($"version={marker};file={name};" + new string(marker[0], 8192));

    private sealed class SetReader(TargetDirectory dir, MaterializedFile[][] versions)
    {
        private volatile bool _stopped;

        public List<string> Problems { get; } = [];

        public int Consistent { get; private set; }

        public void Stop() => _stopped = true;

        public void Run()
        {
            while (!_stopped && Problems.Count == 0)
            {
                ReadThroughUserLink();
                ReadSetOnce();
            }
        }

        // The app's view: a path through the user symlink gives a whole file of one version (or, rarely, none).
        private void ReadThroughUserLink()
        {
            var bytes = TryRead(dir.Combine("database.json"));
            if (bytes is not null && !versions.Any(v => v[0].Content.Span.SequenceEqual(bytes)))
            {
                Problems.Add("database.json was partial or unknown content");
            }
        }

        // "..data" resolved once: all three files come from one staging directory, hence one version.
        private void ReadSetOnce()
        {
            var staging = dir.LinkText("..data");
            var contents = Names.Select(name => staging is null ? null : TryRead(dir.Combine(staging, name))).ToArray();
            if (contents.Any(c => c is null))
            {
                return; // the old staging directory was removed after we resolved "..data"
            }

            if (!versions.Any(v => v.Select((file, i) => file.Content.Span.SequenceEqual(contents[i])).All(same => same)))
            {
                Problems.Add($"set under {staging} mixes versions");
                return;
            }

            Consistent++;
        }

        private static byte[]? TryRead(string path)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
        }
    }
}
