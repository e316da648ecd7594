using SecretAgent.Core.Errors;
using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Target;

/// <summary>
/// A memory-backed directory that secrets are published into, all or nothing, with the kubelet atomic-writer layout:
/// files are written into a fresh staging directory, then one rename of the "..data" symlink makes the whole set live,
/// so a reader never sees a mix of old and new files. Every call works through the directory's descriptor and never
/// follows a symlink planted inside. Holds an exclusive flock on the target while open.
/// </summary>
public sealed class SecretsTarget : ISecretsTarget, Status.IStatusSink, IOwnFileSink
{
    private readonly FileSystemDirectory _root;
    private readonly FileDescriptor _lock;
    private readonly Lock _gate = new();
    private bool _disposed;

    private SecretsTarget(string path, FileSystemDirectory root, FileDescriptor lockFd, bool isMemoryBacked)
    {
        Path = path;
        _root = root;
        _lock = lockFd;
        IsMemoryBacked = isMemoryBacked;
    }

    public string Path { get; }

    public bool IsMemoryBacked { get; }

    /// <summary>
    /// Opens an existing directory: refuses a missing target, a symlink, a disk-backed target (unless
    /// <paramref name="allowDisk"/>), a read-only one, and one another agent holds. Throws ErrorKind.Target.
    /// <paramref name="allowDiskHow"/> is how the caller's user allows a disk (the agent: "pass --allow-disk"); Core
    /// knows no flag, so the refusal names it only when told.
    /// </summary>
    public static SecretsTarget Open(string path, bool allowDisk, string? allowDiskHow = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var root = TargetChecks.OpenDirectory(path);
        try
        {
            var memoryBacked = TargetChecks.CheckMemoryBacked(root, path, allowDisk, allowDiskHow);
            TargetChecks.CheckWritable(root, path);
            return new SecretsTarget(path, root, TargetChecks.Lock(root, path), memoryBacked);
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    public void Publish(IReadOnlyList<MaterializedFile> files, FileOwner? owner)
    {
        ArgumentNullException.ThrowIfNull(files);
        var plan = TargetPlan.Create(files);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = Inspect(plan);
            RemoveLeftovers(current);
            var staging = WriteStaging(plan, owner);

            // Every step that allocates an inode (staging, files, new top-level links, the "..data" link) happens
            // before the swap and is undone on failure, so a full or inode-exhausted tmpfs leaves the old set;
            // after the swap only removals are left.
            var links = LinkNewTopLevelNames(plan.TopLevelNames, staging);
            Swap(staging, links);
            RemoveOldSet(current, plan.TopLevelNames);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = Wrap("read", Path, () => PublishedSet.Read(_root));

            // Links first, so the app's paths vanish before the files behind them are zeroed.
            var names = current.UserLinks
                .Append(TargetLayout.Data)
                .Append(TargetLayout.Status)
                .Concat(current.Entries.Where(name => TargetLayout.IsLeftover(name, liveStaging: null)));
            Exception? first = null;
            foreach (var name in names)
            {
                try
                {
                    Wrap("remove", name, () => TreeRemover.Remove(_root, name, zeroFiles: true));
                }
                catch (SecretAgentException e)
                {
                    first ??= e;
                }
            }

            if (first is not null)
            {
                throw first;
            }
        }
    }

    /// <summary>
    /// Replaces the status file (<see cref="TargetLayout.Status"/>) atomically: written aside, then renamed over, under the
    /// publish lock so it never races a swap's leftover sweep. World-readable: it holds no value, and a health check in
    /// another container may run as another user. Throws ErrorKind.Target.
    /// </summary>
    public void WriteStatus(ReadOnlySpan<byte> json)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var temporary = TargetLayout.NewStatusTmpName();
            try
            {
                using (var fd = _root.CreateFile(temporary))
                {
                    fd.WriteAll(json);
                    fd.ChangeMode(0x1A4);
                }

                _root.Rename(temporary, TargetLayout.Status);
            }
            catch (FileSystemCallException e)
            {
                RemoveQuietly(temporary);
                throw TargetErrors.Write(Path, TargetLayout.Status, e);
            }
        }
    }

    /// <summary>
    /// Replaces one of the agent's own files (the receipt) inside the live set: written aside in its directory, then
    /// renamed over, under the publish lock. Never a user file: those change only by a swap. Throws ErrorKind.Target.
    /// </summary>
    public void ReplaceOwnFile(RelativePath relativePath, ReadOnlySpan<byte> content, FilePermissions mode, FileOwner? owner)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var parent = TargetPlan.ParentOf(relativePath);
        var name = TargetPlan.NameOf(relativePath);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var live = Wrap("read", TargetLayout.Data, () => PublishedSet.Read(_root)).LiveStaging
                ?? throw TargetErrors.Write(Path, relativePath, new FileSystemCallException("readlink", LinuxAbi.ENoEnt));
            try
            {
                using var set = _root.OpenDirectory(live);
                if (parent.Length == 0)
                {
                    ReplaceIn(set, name, content, mode, owner);
                }
                else
                {
                    using var directory = set.OpenDirectory(parent);
                    ReplaceIn(directory, name, content, mode, owner);
                }
            }
            catch (FileSystemCallException e)
            {
                throw TargetErrors.Write(Path, relativePath, e);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _ = FileSystemNative.Flock(_lock.Value, LinuxAbi.LockUnlock);
            _lock.Dispose();
            _root.Dispose();
        }
    }

    // Everything that could make the publish fail after the swap is checked here, before anything is written.
    private PublishedSet Inspect(TargetPlan plan)
    {
        var current = Wrap("read", Path, () => PublishedSet.Read(_root));
        if (Wrap("read", TargetLayout.Data, () => PublishedSet.HasForeignData(_root)))
        {
            throw TargetErrors.Foreign(Path, TargetLayout.Data);
        }

        var foreign = Wrap("read", Path, () => current.ForeignAmong(_root, plan.TopLevelNames).FirstOrDefault());
        return foreign is null ? current : throw TargetErrors.Foreign(Path, foreign);
    }

    private static void ReplaceIn(FileSystemDirectory directory, string name, ReadOnlySpan<byte> content, FilePermissions mode, FileOwner? owner)
    {
        var temporary = name + ".tmp." + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        try
        {
            using (var fd = directory.CreateFile(temporary))
            {
                fd.WriteAll(content);
                if (owner is not null)
                {
                    fd.ChangeOwner(owner.Uid, owner.Gid);
                }

                fd.ChangeMode(mode.Bits);
            }

            directory.Rename(temporary, name);
        }
        catch (FileSystemCallException)
        {
            _ = directory.DeleteFileIfExists(temporary);
            throw;
        }
    }

    // A crashed run may have left a staging directory or temporary links; none of them is live.
    private void RemoveLeftovers(PublishedSet current)
    {
        foreach (var name in current.Entries.Where(name => TargetLayout.IsLeftover(name, current.LiveStaging)))
        {
            Wrap("remove", name, () => TreeRemover.Remove(_root, name, zeroFiles: false));
        }
    }

    private string WriteStaging(TargetPlan plan, FileOwner? owner)
    {
        var staging = CreateStagingDirectory();
        try
        {
            using var directory = _root.OpenDirectory(staging);
            StagingWriter.Write(directory, plan, owner);
            return staging;
        }
        catch (Exception e) when (e is StagingFailure or FileSystemCallException)
        {
            RemoveQuietly(staging);
            throw e is StagingFailure failure
                ? TargetErrors.Write(Path, failure.RelativePath, failure.Cause)
                : TargetErrors.Write(Path, staging, (FileSystemCallException)e);
        }
    }

    private string CreateStagingDirectory()
    {
        while (true)
        {
            var name = TargetLayout.NewStagingName(DateTimeOffset.UtcNow);
            try
            {
                _root.CreateDirectory(name, 0x1C0);
                return name;
            }
            catch (FileSystemCallException e) when (e.Errno == LinuxAbi.EExist)
            {
                // Same second and same random suffix: draw again.
            }
            catch (FileSystemCallException e)
            {
                throw TargetErrors.Write(Path, name, e);
            }
        }
    }

    // The one atomic step: a reader resolving "..data" sees either the whole old set or the whole new one.
    private void Swap(string staging, IReadOnlyList<string> newLinks)
    {
        try
        {
            _root.CreateSymlink(staging, TargetLayout.DataTmp);
            _root.Rename(TargetLayout.DataTmp, TargetLayout.Data);
        }
        catch (FileSystemCallException e)
        {
            RemoveQuietly([TargetLayout.DataTmp, .. newLinks, staging]);
            throw TargetErrors.Swap(Path, e);
        }
    }

    /// <summary>
    /// Creates the top-level names the old set lacks, before the swap (kubelet does it after, so running out of
    /// inodes there leaves a partial set). Until the swap such a name points at a "..data/name" that does not exist
    /// yet: it reads as absent, never as another file. Returns the names created; on failure removes them and the
    /// staging directory.
    /// </summary>
    private List<string> LinkNewTopLevelNames(IEnumerable<string> names, string staging)
    {
        var created = new List<string>();
        foreach (var name in names.Where(name => !PublishedSet.IsUserLink(_root, name)))
        {
            // Created aside and renamed over, so the name never points anywhere but "..data/name".
            var temporary = TargetLayout.NewLinkTmpName();
            try
            {
                _root.CreateSymlink(TargetLayout.UserLinkText(name), temporary);
                _root.Rename(temporary, name);
                created.Add(name);
            }
            catch (FileSystemCallException e)
            {
                RemoveQuietly([temporary, .. created, staging]);
                throw TargetErrors.Write(Path, name, e);
            }
        }

        return created;
    }

    // The previous set's directory stays until the next publish (RemoveLeftovers takes it then, before writing):
    // a reader that resolved "..data" just before this swap must not find its paths missing a moment later (the
    // watcher swaps while the app runs). Peak usage is unchanged: old and new coexist during a publish anyway.
    // Top-level names the new set lacks go now, so the app's paths show the new set exactly.
    private void RemoveOldSet(PublishedSet previous, IReadOnlyList<string> keep)
    {
        foreach (var name in previous.UserLinks.Where(name => !keep.Contains(name)))
        {
            AfterSwap(name, () => _root.DeleteFileIfExists(name));
        }
    }

    private void AfterSwap(string name, Action action)
    {
        try
        {
            action();
        }
        catch (FileSystemCallException e)
        {
            throw TargetErrors.AfterSwap(Path, name, e);
        }
    }

    private void RemoveQuietly(string name) => RemoveQuietly([name]);

    private void RemoveQuietly(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            try
            {
                TreeRemover.Remove(_root, name, zeroFiles: false);
            }
            catch (FileSystemCallException)
            {
                // Leftovers are removed before the next publish; the error being reported matters more.
            }
        }
    }

    private T Wrap<T>(string verb, string name, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (FileSystemCallException e)
        {
            throw TargetErrors.Io(Path, verb, name, e);
        }
    }

    private void Wrap(string verb, string name, Action action) => Wrap(verb, name, () =>
    {
        action();
        return true;
    });
}
