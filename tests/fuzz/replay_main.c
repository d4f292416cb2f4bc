/*
 * replay_main.c — a fuzz harness without libFuzzer: runs each file named on
 * the command line (each file of a directory named) once through
 * LLVMFuzzerTestOneInput, after LLVMFuzzerInitialize if the harness has
 * one. For coverage builds (scripts/coverage.sh); give absolute paths, as
 * fuzz_args changes directory when it starts.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int one(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t cap = 4096, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *p = realloc(buf, cap *= 2);
            if (!p)
                break;
            buf = p;
        }
    }
    fclose(f);
    if (buf)
        LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 1;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int runs = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0)
            continue;
        if (!S_ISDIR(st.st_mode)) {
            runs += one(argv[i]);
            continue;
        }
        DIR *d = opendir(argv[i]);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            char p[8192];
            snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
            if (e->d_name[0] != '.' && stat(p, &st) == 0 && S_ISREG(st.st_mode))
                runs += one(p);
        }
        if (d)
            closedir(d);
    }
    fprintf(stderr, "%s: %d inputs\n", argv[0], runs);
    return 0;
}
