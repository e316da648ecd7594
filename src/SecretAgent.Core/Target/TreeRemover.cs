using SecretAgent.Core.Posix;

namespace SecretAgent.Core.Target;

/// <summary>Removes a directory tree through descriptors, never following a symlink; can zero files first.</summary>
internal static class TreeRemover
{
    private const int ZeroChunk = 4096;

    /// <summary>Removes <paramref name="name"/> (file, symlink or tree) from <paramref name="parent"/> if present.</summary>
    public static void Remove(FileSystemDirectory parent, string name, bool zeroFiles)
    {
        var status = parent.Status(name);
        if (status is null)
        {
            return;
        }

        if (!status.Value.IsDirectory)
        {
            if (zeroFiles && status.Value.IsRegularFile)
            {
                TryZero(parent, name, status.Value.Size);
            }

            _ = parent.DeleteFileIfExists(name);
            return;
        }

        using (var directory = parent.OpenDirectory(name))
        {
            foreach (var child in directory.List())
            {
                Remove(directory, child, zeroFiles);
            }
        }

        parent.DeleteEmptyDirectory(name);
    }

    // Best effort: on tmpfs the pages go back to the kernel on unlink, but zeroing first means no copy of the plaintext
    // lingers in freed memory or swap. Not used on a normal republish, where a reader may still hold an old file open.
    private static void TryZero(FileSystemDirectory parent, string name, long size)
    {
        try
        {
            using var file = OpenForZeroing(parent, name);
            Span<byte> zeros = stackalloc byte[ZeroChunk];
            zeros.Clear();
            for (var left = size; left > 0; left -= ZeroChunk)
            {
                file.WriteAll(zeros[..(int)Math.Min(left, ZeroChunk)]);
            }
        }
        catch (FileSystemCallException)
        {
            // Unlinking below still removes the file.
        }
    }

    private static FileDescriptor OpenForZeroing(FileSystemDirectory parent, string name)
    {
        try
        {
            return parent.OpenExistingForWrite(name);
        }
        catch (FileSystemCallException e) when (e.Errno == LinuxAbi.EAcces)
        {
            // A 0400 file we own: make it writable through a descriptor, then open it again for writing.
            using (var readOnly = parent.OpenExistingForRead(name))
            {
                readOnly.ChangeMode(0x180);
            }

            return parent.OpenExistingForWrite(name);
        }
    }
}
