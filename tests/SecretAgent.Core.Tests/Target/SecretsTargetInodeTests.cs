using SecretAgent.Core.Errors;
using SecretAgent.Core.Target;
using static SecretAgent.Core.Tests.Target.TargetFiles;

namespace SecretAgent.Core.Tests.Target;

/// <summary>
/// All or nothing on a tmpfs that runs out of inodes (issue defect 8): for every inode budget, each failure point of a
/// publish (staging, files, directories, top-level links, the swap) leaves the complete old set, or nothing on a first
/// publish, and the error is a target error (exit 73).
/// </summary>
[Trait("Category", "Unit")]
public sealed class SecretsTargetInodeTests
{
    private static readonly Dictionary<string, string> OldSet = new() { ["database.json"] = "v1", ["tls/key.pem"] = "v1" };

    // Two new top-level names (a file and a directory), so links must be created on top of the swap.
    private static readonly Dictionary<string, string> NewSet = new() { ["database.json"] = "v2", ["tls/key.pem"] = "v2", ["extra.env"] = "v2", ["certs/ca.pem"] = "v2" };

    [RootFact]
    public void Publish_WhenInodesRunOut_ShowsOldSetOrNewSetNeverAMix()
    {
        var outcomes = new List<string>();
        for (var inodes = 2; inodes <= 28; inodes++)
        {
            outcomes.Add(PublishTwice(inodes));
        }

        // The sweep crossed every stage: first publish failing, republish failing, both succeeding.
        Assert.Contains("first failed", outcomes);
        Assert.Contains("second failed", outcomes);
        Assert.Contains("both published", outcomes);
    }

    private static string PublishTwice(int inodes)
    {
        using var dir = TargetDirectory.MountedTmpfs($"nr_inodes={inodes},mode=0700");
        SecretsTarget target;
        try
        {
            target = SecretsTarget.Open(dir.Path, allowDisk: false);
        }
        catch (SecretAgentException e) when (e.Kind == ErrorKind.Target)
        {
            return "open failed";
        }

        using (target)
        {
            if (!TryPublish(target, OldSet))
            {
                AssertVisible(dir, [], inodes);
                return "first failed";
            }

            AssertVisible(dir, OldSet, inodes);
            var before = dir.Entries().Order(StringComparer.Ordinal).ToList();
            if (!TryPublish(target, NewSet))
            {
                AssertVisible(dir, OldSet, inodes);
                Assert.Equal(before, dir.Entries().Order(StringComparer.Ordinal));
                return "second failed";
            }

            AssertVisible(dir, NewSet, inodes);
            return "both published";
        }
    }

    private static bool TryPublish(SecretsTarget target, Dictionary<string, string> set)
    {
        try
        {
            target.Publish(set.Select(pair => File(pair.Key, pair.Value)).ToList(), owner: null);
            return true;
        }
        catch (SecretAgentException e)
        {
            Assert.True(e.Kind == ErrorKind.Target, $"{e.Kind}: {e.Message}");
            return false;
        }
    }

    // What an app sees: every name it can list (a dangling link counts, with no content) and what it reads there.
    private static void AssertVisible(TargetDirectory dir, Dictionary<string, string> expected, int inodes)
    {
        var visible = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in dir.Entries().Where(name => !name.StartsWith("..", StringComparison.Ordinal)))
        {
            Collect(dir.Combine(name), name, visible);
        }

        var want = new SortedDictionary<string, string>(expected, StringComparer.Ordinal);
        Assert.True(want.SequenceEqual(visible), $"nr_inodes={inodes}: expected [{Show(want)}], saw [{Show(visible)}]");
    }

    private static void Collect(string path, string relative, SortedDictionary<string, string> visible)
    {
        if (Directory.Exists(path))
        {
            foreach (var child in Directory.EnumerateFileSystemEntries(path))
            {
                Collect(child, relative + "/" + Path.GetFileName(child), visible);
            }
        }
        else
        {
            visible[relative] = System.IO.File.Exists(path) ? Read(path) : "(dangling)";
        }
    }

    private static string Show(IEnumerable<KeyValuePair<string, string>> set) =>
        string.Join(", ", set.Select(pair => $"{pair.Key}={pair.Value}"));
}
