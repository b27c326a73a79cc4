#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include "CShims.h"

int sharegen_exchange_paths(const char *first, const char *second) {
#if defined(__linux__) && defined(RENAME_EXCHANGE)
    return renameat2(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
#else
    errno = ENOSYS;
    return -1;
#endif
}

#if defined(__linux__)
#include <dirent.h>
#include <unistd.h>
#endif

long sharegen_read_directory_entries(int directory, void *buffer, unsigned long size) {
#if defined(__linux__)
    return getdents64(directory, buffer, size);
#else
    errno = ENOSYS;
    return -1;
#endif
}
