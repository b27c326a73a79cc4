#ifndef SHAREGEN_CSHIMS_H
#define SHAREGEN_CSHIMS_H

/// Atomically swaps two paths (renameat2 with RENAME_EXCHANGE on Linux).
/// Returns 0, or -1 with errno set (EINVAL/ENOSYS where unsupported).
int sharegen_exchange_paths(const char *first, const char *second);

/// Copies `count` bytes of `from` at `offset` to `to` at its file position: in the kernel
/// (copy_file_range) where it can, through a buffer elsewhere. Returns 0; -2 when `from`
/// ends before `count` bytes; or -1 with errno set.
int sharegen_copy_range(int from, long long offset, int to, long long count);

#endif
