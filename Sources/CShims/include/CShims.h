#ifndef SHAREGEN_CSHIMS_H
#define SHAREGEN_CSHIMS_H

/// Atomically swaps two paths (renameat2 with RENAME_EXCHANGE on Linux).
/// Returns 0, or -1 with errno set (EINVAL/ENOSYS where unsupported).
int sharegen_exchange_paths(const char *first, const char *second);

#endif
