/* hash.c — see rt_hash.h. */
#include <stdio.h>

#include "rt_hash.h"

uint64_t rt_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ull;
    }
    return h;
}

int rt_fnv_file(uint64_t *h, const char *path)
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f)
        return 0;
    char buf[65536];
    size_t n;
    uint64_t x = *h;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        x = rt_fnv(x, buf, n);
    int ok = !ferror(f);
    fclose(f);
    if (ok)
        *h = x;
    return ok;
}

int rt_fnv_sources(char out[17], const char *const *paths, int n)
{
    uint64_t h = RT_FNV_BASIS;
    for (int i = 0; i < n; i++) {
        if (!rt_fnv_file(&h, paths[i]))
            return 0;
        h = rt_fnv(h, "", 1);
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return 1;
}
