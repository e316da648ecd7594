using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Target;

/// <summary>What is in the target now: the live staging directory, our top-level symlinks, and everything else.</summary>
internal sealed class PublishedSet
{
    private PublishedSet(string? liveStaging, IReadOnlyList<string> userLinks, IReadOnlyList<string> entries)
    {
        LiveStaging = liveStaging;
        UserLinks = userLinks;
        Entries = entries;
    }

    /// <summary>The staging directory "..data" points to, when it is one of ours; never a path outside.</summary>
    public string? LiveStaging { get; }

    /// <summary>Top-level names that are our symlinks ("name" -> "..data/name").</summary>
    public IReadOnlyList<string> UserLinks { get; }

    public IReadOnlyList<string> Entries { get; }

    public static PublishedSet Read(FileSystemDirectory root)
    {
        var entries = root.List();
        var userLinks = entries.Where(name => IsUserLink(root, name)).ToList();
        return new PublishedSet(ReadLiveStaging(root), userLinks, entries);
    }

    public static bool IsUserLink(FileSystemDirectory root, string name) =>
        !name.StartsWith("..", StringComparison.Ordinal) && root.ReadLink(name) == TargetLayout.UserLinkText(name);

    /// <summary>The top-level names of a new set that exist but are not ours; publishing over them would clobber them.</summary>
    public IEnumerable<string> ForeignAmong(FileSystemDirectory root, IEnumerable<string> names) =>
        names.Where(name => Entries.Contains(name) && !UserLinks.Contains(name) && root.Status(name) is not null);

    /// <summary>A "..data" that is not a symlink was not made by us; the swap cannot replace it.</summary>
    public static bool HasForeignData(FileSystemDirectory root) =>
        root.Status(TargetLayout.Data) is { IsSymlink: false };

    private static string? ReadLiveStaging(FileSystemDirectory root)
    {
        var text = root.ReadLink(TargetLayout.Data);
        return text is not null && TargetLayout.IsStagingName(text) && root.Status(text) is { IsDirectory: true } ? text : null;
    }
}
