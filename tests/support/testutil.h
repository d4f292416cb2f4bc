/* testutil.h — running programs and reading their csv statements, shared
 * by the end-to-end and code generation tests. Header-only: each test is
 * one translation unit. */
#ifndef DEALC_TESTUTIL_H
#define DEALC_TESTUTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- running programs ---- */

/* run argv with stdout and stderr to files; returns the exit status */
static inline int run(char *const argv[], const char *out, const char *err)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0) _exit(126);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static inline char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return strdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

/* ---- the csv statement: payment_date,section,name,field,value ---- */

/* exact decimal text to a scaled integer (10^7 units), no floating point */
static inline __int128 dec7(const char *s)
{
    int neg = 0;
    if (*s == '-') { neg = 1; s++; }
    __int128 v = 0;
    int frac = -1;
    for (; *s && *s != '\n' && *s != '\r' && *s != '"'; s++) {
        if (*s == '.') { frac = 0; continue; }
        if (*s == ',') continue;
        if (*s < '0' || *s > '9') break;
        if (frac >= 7) continue;
        v = v * 10 + (*s - '0');
        if (frac >= 0) frac++;
    }
    if (frac < 0) frac = 0;
    for (; frac < 7; frac++) v *= 10;
    return neg ? -v : v;
}

/* find "section,name,field," in the csv text (names here need no quoting) */
static inline const char *field(const char *csv, const char *section, const char *name, const char *fld)
{
    char key[300];
    snprintf(key, sizeof key, ",%s,%s,%s,", section, name, fld);
    const char *p = strstr(csv, key);
    if (!p) {
        /* a label with a comma or quote is quoted in the csv */
        snprintf(key, sizeof key, ",%s,\"%s\",%s,", section, name, fld);
        p = strstr(csv, key);
    }
    if (!p) fail_msg("no csv row for %s / %s / %s", section, name, fld);
    return p + strlen(key);
}

static inline void expect(const char *csv, const char *section, const char *name, const char *fld, const char *want)
{
    const char *got = field(csv, section, name, fld);
    if (dec7(got) != dec7(want)) {
        const char *e = strchr(got, '\n');
        fail_msg("%s %s %s: got %.*s, statement says %s", section, name, fld, (int)(e ? e - got : 20), got, want);
    }
}

#endif
