/* The kernel's own open flags (uapi asm/fcntl.h), in a unit of their own: the header clashes with libc's <fcntl.h>.
 * Needed for O_LARGEFILE, which glibc defines as 0 on 64-bit ABIs while the kernel still has (and reports) a bit. */
#include <asm/fcntl.h>

long uapi_o_largefile(void) { return O_LARGEFILE; }
