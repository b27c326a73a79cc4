#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "CShims.h"

int sharegen_exchange_paths(const char *first, const char *second) {
#if defined(__linux__) && defined(RENAME_EXCHANGE)
    return renameat2(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int sharegen_copy_range(int from, long long offset, int to, long long count) {
    off_t in = (off_t)offset;
#if defined(__linux__)
    while (count > 0) {
        ssize_t copied = copy_file_range(from, &in, to, NULL, (size_t)count, 0);
        if (copied < 0 && errno == EINTR) continue;
        // Unsupported here (another file system, a sandbox's seccomp filter, an old kernel),
        // or nothing copied where something should be: the buffer below decides.
        if (copied < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP || errno == EPERM || errno == ETXTBSY)) break;
        if (copied == 0) break;
        if (copied < 0) return -1;
        count -= copied;
    }
#endif
    char buffer[1 << 16];
    while (count > 0) {
        ssize_t got = pread(from, buffer, count < (long long)sizeof buffer ? (size_t)count : sizeof buffer, in);
        if (got < 0 && errno == EINTR) continue;
        if (got == 0) return -2;
        if (got < 0) return -1;
        for (ssize_t done = 0; done < got;) {
            ssize_t wrote = write(to, buffer + done, (size_t)(got - done));
            if (wrote < 0 && errno == EINTR) continue;
            if (wrote < 0) return -1;
            done += wrote;
        }
        in += got;
        count -= got;
    }
    return 0;
}
