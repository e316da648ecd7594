/* Prints the Linux ABI values SecretAgent's LinuxAbi table holds, as this architecture's libc and kernel headers
 * define them: one "NAME VALUE" line each, decimal. scripts/lib/arm64.sh compiles it (with linux-abi-uapi.c) by gcc
 * for x86_64 and by aarch64-linux-gnu-gcc for arm64 (run under qemu-user) into artifacts/abi/linux-ARCH.txt, which
 * LinuxAbiKernelTests compares with the tables.
 * Names are LinuxAbi's member names, so the test needs no mapping table of its own. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

long uapi_o_largefile(void);

#define V(name, value) printf("%s %ld\n", name, (long)(value))

int main(void)
{
    V("SigHup", SIGHUP); V("SigInt", SIGINT); V("SigQuit", SIGQUIT); V("SigKill", SIGKILL);
    V("SigUsr1", SIGUSR1); V("SigUsr2", SIGUSR2); V("SigPipe", SIGPIPE); V("SigAlrm", SIGALRM);
    V("SigTerm", SIGTERM); V("SigCont", SIGCONT); V("SigTstp", SIGTSTP); V("SigTtin", SIGTTIN);
    V("SigTtou", SIGTTOU); V("SigXfsz", SIGXFSZ); V("SigWinch", SIGWINCH); V("SigSetMask", SIG_SETMASK);

    V("EPerm", EPERM); V("ENoEnt", ENOENT); V("ESrch", ESRCH); V("EIntr", EINTR); V("EIo", EIO);
    V("ENoExec", ENOEXEC); V("EBadF", EBADF); V("EAgain", EAGAIN); V("EAcces", EACCES); V("EExist", EEXIST);
    V("ENotDir", ENOTDIR); V("EIsDir", EISDIR); V("EInval", EINVAL); V("ENoSpc", ENOSPC); V("ERofs", EROFS);
    V("EPipe", EPIPE); V("ENameTooLong", ENAMETOOLONG); V("ENotEmpty", ENOTEMPTY); V("ELoop", ELOOP);
    V("EDQuot", EDQUOT);

    V("ORdOnly", O_RDONLY); V("OWrOnly", O_WRONLY); V("ORdWr", O_RDWR); V("OCreat", O_CREAT); V("OExcl", O_EXCL);
    V("ONonBlock", O_NONBLOCK); V("OCloExec", O_CLOEXEC);
    V("ODirectory", O_DIRECTORY); V("ONoFollow", O_NOFOLLOW); V("ODirect", O_DIRECT);
    V("OLargeFile", uapi_o_largefile());

    V("FSetFd", F_SETFD); V("FdCloExec", FD_CLOEXEC); V("XOk", X_OK); V("AtFdCwd", AT_FDCWD);
    V("AtSymlinkNoFollow", AT_SYMLINK_NOFOLLOW); V("AtRemoveDir", AT_REMOVEDIR);
    V("LockExclusive", LOCK_EX); V("LockNonBlocking", LOCK_NB); V("LockUnlock", LOCK_UN);

    V("TmpfsMagic", TMPFS_MAGIC); V("RamfsMagic", RAMFS_MAGIC); V("StRdOnly", ST_RDONLY);
    V("StatfsSize", sizeof(struct statfs)); V("StatfsTypeOffset", offsetof(struct statfs, f_type));
    V("StatfsFlagsOffset", offsetof(struct statfs, f_flags)); V("DirentNameOffset", offsetof(struct dirent, d_name));

    V("StatSize", sizeof(struct stat)); V("StatModeOffset", offsetof(struct stat, st_mode));
    V("StatUidOffset", offsetof(struct stat, st_uid)); V("StatGidOffset", offsetof(struct stat, st_gid));
    V("StatSizeOffset", offsetof(struct stat, st_size));
    return 0;
}
