using System.Globalization;

namespace SecretAgent.Core.Notify;

/// <summary>
/// Finds processes by name in a /proc tree (a parameter, so tests pass a directory standing in for it). A process
/// matches when its <c>comm</c> or the file name of its <c>argv[0]</c> equals the name exactly (<c>comm</c> alone
/// would not do: the kernel cuts it to 15 bytes). The agent itself never matches.
/// </summary>
internal sealed class ProcessTable(string procRoot, int self)
{
    public const string DefaultRoot = "/proc";

    public static ProcessTable Live { get; } = new(DefaultRoot, Environment.ProcessId);

    /// <summary>
    /// The matches whose parent is not a match: the master of a pre-forking server (nginx, gunicorn, php-fpm) and not
    /// its workers, which the master signals itself. Two unrelated processes of that name are both returned.
    /// </summary>
    public IReadOnlyList<int> FindTopmost(string name)
    {
        var matches = new Dictionary<int, int>();
        foreach (var pid in Pids())
        {
            if (pid != self && Matches(pid, name) && ParentOf(pid) is { } parent)
            {
                matches[pid] = parent;
            }
        }

        return [.. matches.Where(m => !matches.ContainsKey(m.Value)).Select(m => m.Key).Order()];
    }

    private IEnumerable<int> Pids()
    {
        foreach (var directory in Directory.EnumerateDirectories(procRoot))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0)
            {
                yield return pid;
            }
        }
    }

    private bool Matches(int pid, string name)
    {
        // A process may exit between the listing and the read: it simply does not match.
        var comm = Read(pid, "comm")?.TrimEnd('\n');
        if (string.Equals(comm, name, StringComparison.Ordinal))
        {
            return true;
        }

        var cmdline = Read(pid, "cmdline");
        var argv0 = cmdline?.Split('\0', 2)[0];
        return !string.IsNullOrEmpty(argv0) && string.Equals(Path.GetFileName(argv0), name, StringComparison.Ordinal);
    }

    /// <summary>The ppid from /proc/PID/stat: the fourth field, counted after the ')' that ends comm (which may hold spaces).</summary>
    private int? ParentOf(int pid)
    {
        var stat = Read(pid, "stat");
        var end = stat?.LastIndexOf(')') ?? -1;
        if (stat is null || end < 0)
        {
            return null;
        }

        var fields = stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) ? ppid : null;
    }

    private string? Read(int pid, string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
