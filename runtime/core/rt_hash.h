/*
 * rt_hash.h — the one 64-bit hash of the project: FNV-1a (offset basis
 * 14695981039346656037, prime 1099511628211), for identities, not
 * security: a grid run's id (grid.c) and the sources a deal was built from
 * (dealc build embeds it; BIN --version prints it). Shared by the compiler
 * and the runtime; every name carries rt_fnv.
 */
#ifndef RT_HASH_H
#define RT_HASH_H

#include <stddef.h>
#include <stdint.h>

#define RT_FNV_BASIS 14695981039346656037ull

uint64_t rt_fnv(uint64_t h, const void *p, size_t n);
/* the file's bytes into h; 0 (h unchanged) when it cannot be read */
int rt_fnv_file(uint64_t *h, const char *path);
/* The sources' hash: each file's bytes in order (the agreement, then its
 * amendments), each followed by one NUL byte, from the basis; as 16
 * lowercase hex digits in out. 0 when a file cannot be read. */
int rt_fnv_sources(char out[17], const char *const *paths, int n);

#endif /* RT_HASH_H */
