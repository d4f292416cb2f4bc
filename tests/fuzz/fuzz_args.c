/*
 * libFuzzer harness for the deal binary's command line: the input, split
 * at new lines (or NULs), is the argument list of rt_main for the GMACM
 * 2003-HE2 agreement (compiled in process), run in a private directory
 * holding a good opening state, remittance, scenario, vector, loan tape and
 * curve file (rewritten before every run). A '/' in an argument becomes
 * '_', so every file named is in that directory. Nothing may crash, hang,
 * leak or trip a sanitizer, and:
 *   - the exit status is 0, 1 (bad data) or 2 (bad usage);
 *   - a run that fails writes nothing: every file in the directory is as it
 *     was, and no file is added;
 *   - no temporary is ever left behind.
 * Standard output goes to /dev/null; run with -close_fd_mask=2 to drop
 * the messages (scripts/fuzz.sh does).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_jit.h"
#include "fuzz_scratch.h"
#include "rt_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static fuzz_deal gmacm;

typedef struct fixture {
    const char *name;
    char *text;
    size_t len;
} fixture;

static fixture fixtures[] = {
    {"state.json", NULL, 0},
    {"remit.csv", NULL, 0},
    {"scen.txt", "prepay-vector = vec.txt\ncdr = 1\nseverity = 40\nrecovery-lag = 2\n"
                 "index = One-Month LIBOR=1.12%\ninput = Weighted Average Net Loan Rate=7.5%\nperiods = 24\n",
     0},
    {"vec.txt", "2*3 ramp 4 12 6\n15\n", 0},
    {"tape.csv", "group,balance,gross_rate,net_rate,remaining_term,age\n"
                 "Group 1,250000.00,8.25%,7.75%,177,3\nGroup 1,150000.00,7.5,7,120,60\n",
     0},
    {"curve.txt", "1 1.5\n5 3.25\n10 4.1\n", 0},
};
enum { NFIX = sizeof fixtures / sizeof fixtures[0] };

static char *slurp(const char *path, size_t *len)
{
    rt_err e;
    char *text = NULL;
    if (!rt_read_file(path, &text, len, &e)) {
        fprintf(stderr, "%s: %s\n", path, e.msg);
        abort();
    }
    return text;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!fuzz_compile(AGREEMENTS_DIR "/gmacm-2003-he2.deal", NULL, 0, 1, &gmacm))
        abort();
    fixtures[0].text = slurp(AGREEMENTS_DIR "/gmacm-2003-he2/opening-2004-01-26.json", &fixtures[0].len);
    fixtures[1].text = slurp(AGREEMENTS_DIR "/gmacm-2003-he2/remittance-2004-02-25.csv", &fixtures[1].len);
    for (int i = 2; i < NFIX; i++)
        fixtures[i].len = strlen(fixtures[i].text);
    /* the directory is where every relative name lands; libFuzzer's own
     * paths must then be absolute (scripts/fuzz.sh gives them so) */
    if (chdir(fuzz_scratch()) != 0)
        abort();
    int null = open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(null, 1) < 0)
        abort();
    close(null);
    return 0;
}

/* what the directory holds: name, size and a hash of the bytes, sorted */
typedef struct entry {
    char name[256];
    off_t size;
    uint64_t hash;
} entry;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/* a name the command line gave as a file (an operand, or an option's
 * value, also as --name=VALUE): the user's own output may well be called
 * r.tmp.html, and is no temporary left behind */
static int named(const char *name, char **argv, int argc)
{
    for (int i = 1; argv && i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (strcmp(argv[i], name) == 0 || (eq && strcmp(eq + 1, name) == 0))
            return 1;
    }
    return 0;
}

static int snapshot(entry *out, int max, int *temporaries, char **argv, int argc)
{
    DIR *dir = opendir(".");
    if (!dir)
        abort();
    int n = 0;
    struct dirent *de;
    *temporaries = 0;
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
            continue;
        if (strstr(de->d_name, ".tmp.") && !named(de->d_name, argv, argc))
            (*temporaries)++;
        if (n == max)
            continue;
        entry *x = &out[n++];
        snprintf(x->name, sizeof x->name, "%s", de->d_name);
        struct stat st;
        x->size = lstat(de->d_name, &st) == 0 ? st.st_size : -1;
        x->hash = 1469598103934665603u;
        FILE *f = S_ISREG(st.st_mode) ? fopen(de->d_name, "rb") : NULL;
        if (f) {
            int c;
            while ((c = getc(f)) != EOF)
                x->hash = (x->hash ^ (unsigned char)c) * 1099511628211u;
            fclose(f);
        }
    }
    closedir(dir);
    qsort(out, (size_t)n, sizeof *out, by_name);
    return n;
}

/* the directory as it was: the fixtures and nothing else */
static void reset(void)
{
    DIR *dir = opendir(".");
    if (!dir)
        abort();
    struct dirent *de;
    while ((de = readdir(dir)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 && unlink(de->d_name) != 0)
            rmdir(de->d_name);
    closedir(dir);
    for (int i = 0; i < NFIX; i++) {
        FILE *f = fopen(fixtures[i].name, "wb");
        if (!f || fwrite(fixtures[i].text, 1, fixtures[i].len, f) != fixtures[i].len || fclose(f) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2048)
        return 0;
    char *copy = malloc(size + 1);
    char *argv[34];
    int argc = 0;
    argv[argc++] = "deal";
    memcpy(copy, data, size);
    copy[size] = '\0';
    for (size_t i = 0; i < size; i++)
        if (copy[i] == '/')
            copy[i] = '_';
    char *p = copy, *end = copy + size;
    while (p < end && argc < 33) {
        char *q = p;
        while (q < end && *q != '\n' && *q != '\0')
            q++;
        *q = '\0';
        argv[argc++] = p;
        p = q + 1;
    }
    argv[argc] = NULL;

    reset();
    entry before[64], after[64];
    int temps;
    int nb = snapshot(before, 64, &temps, NULL, 0);
    int status = rt_main(argc, argv, gmacm.describe, gmacm.period);
    int na = snapshot(after, 64, &temps, argv, argc);
    if (status < 0 || status > 2) {
        fprintf(stderr, "fuzz_args: exit status %d\n", status);
        abort();
    }
    if (temps) {
        fprintf(stderr, "fuzz_args: a temporary was left behind (status %d)\n", status);
        abort();
    }
    if (status != 0) {
        int same = na == nb;
        for (int i = 0; same && i < na; i++)
            same = strcmp(before[i].name, after[i].name) == 0 && before[i].size == after[i].size &&
                   before[i].hash == after[i].hash;
        if (!same) {
            fprintf(stderr, "fuzz_args: a run that failed (status %d) changed the directory\n", status);
            abort();
        }
    }
    free(copy);
    return 0;
}
