using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Target;

/// <summary>
/// Writes a plan's files into a fresh, empty staging directory: directories first, then each file with O_EXCL and
/// O_NOFOLLOW, owner before mode (chown clears setuid bits, so the mode must come last to be exact).
/// </summary>
internal sealed class StagingWriter : IDisposable
{
    private readonly FileSystemDirectory _staging;
    private readonly FileOwner? _owner;
    private readonly Dictionary<string, FileSystemDirectory> _opened = new(StringComparer.Ordinal);

    private StagingWriter(FileSystemDirectory staging, FileOwner? owner)
    {
        _staging = staging;
        _owner = owner;
    }

    /// <summary>Writes everything; a <see cref="StagingFailure"/> names the relative path that failed.</summary>
    public static void Write(FileSystemDirectory staging, TargetPlan plan, FileOwner? owner)
    {
        using var writer = new StagingWriter(staging, owner);
        foreach (var directory in plan.Directories)
        {
            writer.CreateDirectory(directory);
        }

        foreach (var file in plan.Files)
        {
            writer.WriteFile(file);
        }

        // Deepest first, so a directory is still ours to write into while its children are set.
        foreach (var directory in plan.Directories.Reverse())
        {
            writer.Seal(writer._opened[directory].Descriptor, directory, plan.DirectoryModes[directory]);
        }

        writer.Seal(staging.Descriptor, string.Empty, plan.DirectoryModes[string.Empty]);
    }

    public void Dispose()
    {
        foreach (var directory in _opened.Values)
        {
            directory.Dispose();
        }
    }

    private FileSystemDirectory DirectoryOf(string path)
    {
        var parent = TargetPlan.ParentOf(path);
        return parent.Length == 0 ? _staging : _opened[parent];
    }

    private void CreateDirectory(string path)
    {
        var parent = DirectoryOf(path);
        var name = TargetPlan.NameOf(path);
        Attempt(path, () =>
        {
            parent.CreateDirectory(name, 0x1C0);
            _opened[path] = parent.OpenDirectory(name);
        });
    }

    private void WriteFile(MaterializedFile file)
    {
        var parent = DirectoryOf(file.RelativePath);
        Attempt(file.RelativePath, () =>
        {
            using var fd = parent.CreateFile(TargetPlan.NameOf(file.RelativePath));
            fd.WriteAll(file.Content.Span);
            Seal(fd, file.RelativePath, file.Mode.Bits);
        });
    }

    private void Seal(FileDescriptor fd, string path, int mode) => Attempt(path, () =>
    {
        if (_owner is not null)
        {
            fd.ChangeOwner(_owner.Uid, _owner.Gid);
        }

        fd.ChangeMode(mode);
    });

    private static void Attempt(string path, Action action)
    {
        try
        {
            action();
        }
        catch (FileSystemCallException e)
        {
            throw new StagingFailure(path, e);
        }
    }
}
