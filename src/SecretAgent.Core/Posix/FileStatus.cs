namespace SecretAgent.Core.Posix;

/// <summary>The parts of struct stat the target needs (from fstatat with AT_SYMLINK_NOFOLLOW).</summary>
internal readonly record struct FileStatus(int Mode, int Uid, int Gid, long Size)
{
    private const int TypeMask = 0xF000;
    private const int DirectoryType = 0x4000;
    private const int RegularType = 0x8000;
    private const int SymlinkType = 0xA000;

    public bool IsDirectory => (Mode & TypeMask) == DirectoryType;

    public bool IsRegularFile => (Mode & TypeMask) == RegularType;

    public bool IsSymlink => (Mode & TypeMask) == SymlinkType;

    /// <summary>The permission bits, including setuid, setgid and sticky.</summary>
    public int Permissions => Mode & 0xFFF;
}
