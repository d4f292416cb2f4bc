/*
 * submit.c — `BIN submit`: a streamed grid spread over a Slurm cluster.
 *
 *   BIN submit --shards N --dir DIR [--partition P] [--time T] [--cpus C]
 *              [--sbatch PROGRAM] [--dry-run] -- GRID-OPTIONS...
 *
 * Checks the grid first (this binary's `grid ... --plan`: every file read,
 * every row of a scenarios file checked), then writes two batch scripts in
 * DIR — an array job of N tasks, task K running `grid ... --shard K/N`
 * into DIR/shard-K, and a merge job (`merge`) writing the grid's --output,
 * --summary and --report — and submits them with sbatch, the merge
 * depending on every task's success (afterok). The binary, the working
 * directory and DIR must be visible on the nodes (a shared file system);
 * relative paths in the options are taken from the working directory, where
 * the jobs run. With --dry-run the scripts are written and the sbatch
 * commands printed, nothing submitted.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_output.h"
#include "rt_project.h"

/* single-quoted for the shell: ' becomes '\'' */
static void shell_quote(rt_buf *b, const char *s)
{
    rt_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            rt_buf_puts(b, "'\\''");
        else
            rt_buf_putc(b, *s);
    }
    rt_buf_putc(b, '\'');
}

/* argv[i] is option `name` ("--output" or "--output=..."): its value, and
 * *skip the number of arguments it takes (1 or 2); NULL if it is not */
static const char *opt_value(int argc, char **argv, int i, const char *name, int *skip)
{
    size_t l = strlen(name);
    if (strncmp(argv[i], name, l) != 0)
        return NULL;
    if (argv[i][l] == '=') {
        *skip = 1;
        return argv[i] + l + 1;
    }
    if (argv[i][l] == '\0' && i + 1 < argc) {
        *skip = 2;
        return argv[i + 1];
    }
    return NULL;
}

/* runs argv, its stdout into out (NULL: through); the exit status */
static int run_child(char *const *argv, rt_buf *out)
{
    int fd[2] = {-1, -1};
    if (out && pipe(fd) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (out) {
            dup2(fd[1], 1);
            close(fd[0]);
            close(fd[1]);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "error: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (out) {
        close(fd[1]);
        char buf[4096];
        ssize_t n;
        while ((n = read(fd[0], buf, sizeof buf)) > 0)
            rt_buf_put(out, buf, (size_t)n);
        close(fd[0]);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* an absolute path for a file that may not exist yet: its directory's real path */
static int absolute(const char *path, char *out, size_t n)
{
    if (path[0] == '/') {
        snprintf(out, n, "%s", path);
        return 1;
    }
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return 0;
    return snprintf(out, n, "%s/%s", cwd, path) < (int)n;
}

static int sbatch_id(const rt_buf *out, char *id, size_t n)
{
    /* --parsable prints "ID" or "ID;CLUSTER" */
    size_t l = 0;
    while (l < out->len && out->data[l] >= '0' && out->data[l] <= '9')
        l++;
    if (l == 0 || l >= n)
        return 0;
    memcpy(id, out->data, l);
    id[l] = '\0';
    return 1;
}

int rt_submit_main(const char *prog, int argc, char **argv)
{
    const char *shards = NULL, *dir = NULL, *partition = NULL, *timelimit = NULL, *cpus = NULL, *sbatch = NULL;
    int dry = 0, at = -1;
    for (int i = 1; i < argc && at < 0; i++)
        if (strcmp(argv[i], "--") == 0)
            at = i + 1;
    rt_opt opts[] = {{"shards", &shards, NULL}, {"dir", &dir, NULL},        {"partition", &partition, NULL},
                     {"time", &timelimit, NULL}, {"cpus", &cpus, NULL},     {"sbatch", &sbatch, NULL},
                     {"dry-run", NULL, &dry}};
    char *pos[1];
    int npos, urc = rt_getopt(prog, at < 0 ? argc : at - 1, argv, opts, 7, pos, 0, &npos);
    if (urc)
        return urc;
    if (npos > 0)
        return rt_usage_error(prog, "unexpected argument \"%s\" (the grid's options come after --)", pos[0]);
    if (!shards || !dir || at < 0 || at >= argc)
        return rt_usage_error(prog, "%s", "submit needs --shards N, --dir DIR and, after --, the grid's options");
    char *end;
    long n = strtol(shards, &end, 10), nc = 1;
    if (*end || n < 1 || n > 100000)
        return rt_usage_error(prog, "--shards needs a whole number from 1 to 100000, found \"%s\"", shards);
    if (cpus && (nc = strtol(cpus, &end, 10), *end || nc < 1 || nc > 256))
        return rt_usage_error(prog, "--cpus needs a whole number from 1 to 256, found \"%s\"", cpus);
    if (timelimit && (!*timelimit || strspn(timelimit, "0123456789:-") != strlen(timelimit)))
        return rt_usage_error(prog, "--time needs minutes or D-HH:MM:SS, found \"%s\"", timelimit);
    if (partition && (!*partition || strspn(partition, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,") !=
                                         strlen(partition)))
        return rt_usage_error(prog, "--partition needs a partition's name, found \"%s\"", partition);
    if (!sbatch)
        sbatch = getenv("DEALC_SBATCH") ? getenv("DEALC_SBATCH") : "sbatch";

    /* the grid's options: what the shards take, what the merge takes */
    int gargc = argc - at;
    char **gargv = argv + at;
    const char *output = NULL, *summary = NULL, *report = NULL, *format = NULL;
    int has_stream = 0;
    for (int i = 0; i < gargc; i++) {
        int skip = 1;
        const char *v;
        if (strcmp(gargv[i], "--shard") == 0 || strncmp(gargv[i], "--shard=", 8) == 0 ||
            strcmp(gargv[i], "--threads") == 0 || strncmp(gargv[i], "--threads=", 10) == 0 ||
            strcmp(gargv[i], "--plan") == 0)
            return rt_usage_error(prog, "submit sets %s itself: leave it out of the grid's options", gargv[i]);
        if ((v = opt_value(gargc, gargv, i, "--output", &skip)))
            output = v;
        else if ((v = opt_value(gargc, gargv, i, "--summary", &skip)))
            summary = v;
        else if ((v = opt_value(gargc, gargv, i, "--report", &skip)))
            report = v;
        else if ((v = opt_value(gargc, gargv, i, "--format", &skip)))
            format = v;
        else if (opt_value(gargc, gargv, i, "--stream", &skip))
            has_stream = 1;
        i += skip - 1;
    }
    if (!has_stream || !output)
        return rt_usage_error(prog, "%s",
                              "submit runs a streamed grid: its options need --stream csv|jsonl and --output FILE "
                              "(where the merge job writes the result)");

    char self[PATH_MAX];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) {
        fprintf(stderr, "error: cannot find this binary's path: %s\n", strerror(errno));
        return 1;
    }
    self[sl] = '\0';

    /* the grid checked by this binary, exactly as the shards will run it */
    char **check = calloc((size_t)gargc + 4, sizeof *check);
    if (!check) {
        fprintf(stderr, "error: out of memory\n");
        return 1;
    }
    check[0] = self;
    check[1] = "grid";
    for (int i = 0; i < gargc; i++)
        check[2 + i] = gargv[i];
    check[2 + gargc] = "--plan";
    rt_buf plan;
    rt_buf_init(&plan);
    int rc = run_child(check, &plan);
    free(check);
    if (rc != 0) {
        rt_buf_free(&plan);
        return rc < 0 ? 1 : rc;
    }

    /* the directory, the scripts */
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: error: cannot create: %s\n", dir, strerror(errno));
        rt_buf_free(&plan);
        return 1;
    }
    char adir[PATH_MAX], logs[PATH_MAX + 8], cwd[PATH_MAX];
    if (!realpath(dir, adir) || !getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "%s: error: %s\n", dir, strerror(errno));
        rt_buf_free(&plan);
        return 1;
    }
    snprintf(logs, sizeof logs, "%s/logs", adir);
    if (mkdir(logs, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: error: cannot create: %s\n", logs, strerror(errno));
        rt_buf_free(&plan);
        return 1;
    }
    rt_buf g, m;
    rt_buf_init(&g);
    rt_buf_init(&m);
    rt_buf_puts(&g, "#!/bin/sh\n# dealc grid shards (written by `submit`; one array task a shard)\n");
    rt_buf_printf(&g, "#SBATCH --job-name=dealc-grid\n#SBATCH --array=1-%ld\n#SBATCH --cpus-per-task=%ld\n", n, nc);
    rt_buf_printf(&g, "#SBATCH --output=%s/shard-%%a.log\n#SBATCH --chdir=%s\n", logs, cwd);
    if (partition)
        rt_buf_printf(&g, "#SBATCH --partition=%s\n", partition);
    if (timelimit)
        rt_buf_printf(&g, "#SBATCH --time=%s\n", timelimit);
    rt_buf_puts(&g, "exec ");
    shell_quote(&g, self);
    rt_buf_puts(&g, " grid");
    for (int i = 0; i < gargc; i++) {
        int skip = 1;
        if (opt_value(gargc, gargv, i, "--output", &skip) || opt_value(gargc, gargv, i, "--summary", &skip) ||
            opt_value(gargc, gargv, i, "--report", &skip) || opt_value(gargc, gargv, i, "--format", &skip)) {
            i += skip - 1;
            continue;
        }
        rt_buf_putc(&g, ' ');
        shell_quote(&g, gargv[i]);
    }
    rt_buf_printf(&g, " --shard \"$SLURM_ARRAY_TASK_ID/%ld\" --threads \"${SLURM_CPUS_PER_TASK:-1}\" --output ", n);
    shell_quote(&g, adir);
    rt_buf_puts(&g, "\"/shard-$SLURM_ARRAY_TASK_ID\"\n");

    char aout[PATH_MAX + 8];
    rt_buf_puts(&m, "#!/bin/sh\n# dealc grid merge (written by `submit`; runs when every shard succeeded)\n");
    rt_buf_printf(&m, "#SBATCH --job-name=dealc-merge\n#SBATCH --output=%s/merge.log\n#SBATCH --chdir=%s\n", logs, cwd);
    if (partition)
        rt_buf_printf(&m, "#SBATCH --partition=%s\n", partition);
    if (timelimit)
        rt_buf_printf(&m, "#SBATCH --time=%s\n", timelimit);
    rt_buf_puts(&m, "exec ");
    shell_quote(&m, self);
    rt_buf_puts(&m, " merge");
    for (long k = 1; k <= n; k++) {
        char sh[PATH_MAX + 32];
        snprintf(sh, sizeof sh, "%s/shard-%ld", adir, k);
        rt_buf_putc(&m, ' ');
        shell_quote(&m, sh);
    }
    const char *mopts[4][2] = {{"--output", output}, {"--summary", summary}, {"--report", report}, {"--format", format}};
    for (int i = 0; i < 4; i++)
        if (mopts[i][1]) {
            rt_buf_printf(&m, " %s ", mopts[i][0]);
            if (i < 3 && absolute(mopts[i][1], aout, sizeof aout))
                shell_quote(&m, aout);
            else
                shell_quote(&m, mopts[i][1]);
        }
    rt_buf_putc(&m, '\n');
    char gpath[PATH_MAX + 32], mpath[PATH_MAX + 32];
    snprintf(gpath, sizeof gpath, "%s/grid.sbatch", adir);
    snprintf(mpath, sizeof mpath, "%s/merge.sbatch", adir);
    rc = 1;
    /* both scripts or neither, never through a link planted in the directory */
    rt_outset *os = rt_out_begin();
    int ig = os ? rt_out_add(os, gpath, RT_OUT_EXEC) : -1, im = ig >= 0 ? rt_out_add(os, mpath, RT_OUT_EXEC) : -1;
    int wrote = !g.oom && !m.oom && im >= 0 && rt_out_write(os, ig, g.data, g.len) &&
                rt_out_write(os, im, m.data, m.len) && rt_out_commit(os);
    if (g.oom || m.oom)
        fprintf(stderr, "error: out of memory\n");
    rt_out_end(os);
    if (!wrote)
        goto done;
    printf("%.*s", (int)plan.len, plan.data);
    if (dry) {
        printf("would run: %s --parsable %s\n", sbatch, gpath);
        printf("and then:  %s --parsable --dependency=afterok:ID --kill-on-invalid-dep=yes %s\n", sbatch, mpath);
        rc = fflush(stdout) == 0 ? 0 : 1;
        goto done;
    }
    char *a1[] = {(char *)sbatch, "--parsable", gpath, NULL};
    rt_buf out;
    rt_buf_init(&out);
    char id[64], mid[64], dep[96];
    int st = run_child(a1, &out);
    if (st != 0 || !sbatch_id(&out, id, sizeof id)) {
        fprintf(stderr, "error: %s did not take the shards' job (status %d)\n", sbatch, st);
        rt_buf_free(&out);
        goto done;
    }
    out.len = 0;
    snprintf(dep, sizeof dep, "--dependency=afterok:%s", id);
    char *a2[] = {(char *)sbatch, "--parsable", dep, "--kill-on-invalid-dep=yes", mpath, NULL};
    st = run_child(a2, &out);
    if (st != 0 || !sbatch_id(&out, mid, sizeof mid)) {
        fprintf(stderr, "error: %s did not take the merge job (status %d); the shards' job %s is queued\n", sbatch,
                st, id);
        rt_buf_free(&out);
        goto done;
    }
    rt_buf_free(&out);
    printf("shards %s\nmerge %s\n", id, mid);
    printf("the result: %s (when job %s ends); logs in %s\n", output, mid, logs);
    rc = fflush(stdout) == 0 ? 0 : 1;
done:
    rt_buf_free(&g);
    rt_buf_free(&m);
    rt_buf_free(&plan);
    return rc;
}
