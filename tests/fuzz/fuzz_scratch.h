/* fuzz_scratch.h — a private directory for harnesses whose reader takes a
 * file name: made once (mkdtemp under $TMPDIR or /tmp), removed at exit. */
#ifndef DEALC_FUZZ_SCRATCH_H
#define DEALC_FUZZ_SCRATCH_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir[4096];

static inline void fuzz_scratch_remove(void)
{
    DIR *dir = opendir(fuzz_dir);
    if (dir) {
        struct dirent *e;
        char p[8192];
        while ((e = readdir(dir)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", fuzz_dir, e->d_name);
            unlink(p);
        }
        closedir(dir);
    }
    rmdir(fuzz_dir);
}

static inline const char *fuzz_scratch(void)
{
    if (!fuzz_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s/dealc-fuzz-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(fuzz_dir))
            abort();
        atexit(fuzz_scratch_remove);
    }
    return fuzz_dir;
}

/* dir/name, written with the bytes given */
static inline const char *fuzz_file(const char *name, const void *data, size_t size)
{
    static char path[4][8192];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", fuzz_scratch(), name);
    FILE *f = fopen(p, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
    return p;
}

#endif
