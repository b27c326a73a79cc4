#ifndef SHAREGEN_CSHIMS_H
#define SHAREGEN_CSHIMS_H

/// Atomically swaps two paths (renameat2 with RENAME_EXCHANGE on Linux).
/// Returns 0, or -1 with errno set (EINVAL/ENOSYS where unsupported).
int sharegen_exchange_paths(const char *first, const char *second);

/// Fills `buffer` with `struct dirent64` records of the open directory `directory`
/// (getdents64 on Linux): 0 at the end, -1 with errno set on failure or elsewhere (ENOSYS).
/// Unlike opendir, it costs no fstat per folder.
long sharegen_read_directory_entries(int directory, void *buffer, unsigned long size);

#endif
