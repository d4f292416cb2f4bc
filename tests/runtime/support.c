/*
 * support.c — see support.h. rt_main runs in a forked child so that a test
 * sees exactly what a user of the deal binary would (exit status, stdout,
 * stderr) and a crash in the runtime fails one test instead of the suite.
 */
#define _GNU_SOURCE
#include "support.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256];
static pid_t owner;

static void cleanup(void)
{
    if (!dir[0] || getpid() != owner)
        return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char p[600];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

const char *t_dir(void)
{
    if (!dir[0]) {
        strcpy(dir, "/tmp/dealrt-test-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        owner = getpid();
        atexit(cleanup);
    }
    return dir;
}

const char *t_path(const char *name)
{
    static char bufs[8][600];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, 600, "%s/%s", t_dir(), name);
    return b;
}

void t_write(const char *name, const char *text)
{
    FILE *f = fopen(t_path(name), "wb");
    assert_non_null(f);
    fwrite(text, 1, strlen(text), f);
    fclose(f);
}

int t_exists(const char *name)
{
    struct stat st;
    return stat(t_path(name), &st) == 0;
}

char *t_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    size_t got;
    while ((got = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            b = realloc(b, cap);
        }
    }
    b[n] = '\0';
    fclose(f);
    return b;
}

t_result t_run(rt_describe_fn describe, rt_period_fn period, const char *const *argv)
{
    t_result r = {0, NULL, NULL};
    char outp[600], errp[600];
    snprintf(outp, sizeof outp, "%s/.stdout", t_dir());
    snprintf(errp, sizeof errp, "%s/.stderr", t_dir());
    int argc = 0;
    while (argv[argc])
        argc++;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fo < 0 || fe < 0)
            _exit(99);
        dup2(fo, 1);
        dup2(fe, 2);
        close(fo);
        close(fe);
        char **av = calloc((size_t)argc + 1, sizeof *av);
        for (int i = 0; i < argc; i++)
            av[i] = strdup(argv[i]);
        int rc = rt_main(argc, av, describe, period);
        for (int i = 0; i < argc; i++)
            free(av[i]);
        free(av);
        fflush(NULL);
        exit(rc); /* exit, not _exit: LeakSanitizer runs at exit */
    }
    int st = 0;
    waitpid(pid, &st, 0);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = t_slurp(outp);
    r.err = t_slurp(errp);
    if (!r.out)
        r.out = strdup("");
    if (!r.err)
        r.err = strdup("");
    unlink(outp);
    unlink(errp);
    return r;
}

void t_result_free(t_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

void t_assert_contains(const char *hay, const char *needle, const char *file, int line)
{
    if (hay && strstr(hay, needle))
        return;
    print_error("%s:%d: expected to find\n  %s\nin\n%s\n", file, line, needle, hay ? hay : "(null)");
    fail();
}

rt_dec D(const char *s)
{
    rt_dec v = 0;
    int r = rt_dec_parse(s, strlen(s), &v, NULL);
    if (r != RT_PARSE_OK) {
        print_error("D(\"%s\"): cannot parse\n", s);
        fail();
    }
    return v;
}
