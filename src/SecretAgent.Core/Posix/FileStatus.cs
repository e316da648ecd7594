namespace SecretAgent.Core.Posix;

/// <summary>The parts of struct stat the target needs (from fstatat with AT_SYMLINK_NOFOLLOW).</summary>
internal readonly record struct FileStatus(int Mode, int Uid, int Gid, long Size)
{
    private const int TypeMask = 0xF000;
    private const int DirectoryType = 0x4000;
    private const int RegularType = 0x8000;
    private const int SymlinkType = 0xA000;

    /// <summary>Reads the fields from a struct stat filled by fstat/fstatat (offsets from <see cref="LinuxAbi"/>).</summary>
    public static unsafe FileStatus FromStat(byte* buffer) => FromStat(buffer, LinuxAbi.Current);

    /// <summary>Reads the fields from a struct stat laid out as <paramref name="abi"/> says.</summary>
    public static unsafe FileStatus FromStat(byte* buffer, LinuxAbi.Table abi) =>
        new(
            *(int*)(buffer + abi.StatModeOffset),
            *(int*)(buffer + abi.StatUidOffset),
            *(int*)(buffer + abi.StatGidOffset),
            *(long*)(buffer + abi.StatSizeOffset));

    public bool IsDirectory => (Mode & TypeMask) == DirectoryType;

    public bool IsRegularFile => (Mode & TypeMask) == RegularType;

    public bool IsSymlink => (Mode & TypeMask) == SymlinkType;

    /// <summary>"a directory", "a FIFO or pipe", ...: what a non-regular file is, for messages.</summary>
    public string TypeName => (Mode & TypeMask) switch
    {
        RegularType => "a regular file",
        DirectoryType => "a directory",
        SymlinkType => "a symlink",
        0x1000 => "a FIFO or pipe",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "not a regular file",
    };

    /// <summary>The permission bits, including setuid, setgid and sticky.</summary>
    public int Permissions => Mode & 0xFFF;
}
