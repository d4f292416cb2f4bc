/*
 * jit_util.h — compile a deal in memory and run its replay through the JIT,
 * in a child process, for the code generation tests.
 */
#ifndef DEALC_TEST_JIT_UTIL_H
#define DEALC_TEST_JIT_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front_util.h"
#include "codegen.h"
#include "../support/testutil.h"

static char dir[256]; /* the test's scratch directory (main sets it) */

static void write_file(const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* compile deal text, replay the remittance from the given state (with
 * --save-state DIR/closing.json when save is set), return the exit status;
 * stdout (csv) and stderr land in *out and *err */
static int jit_replay_save(const char *deal, const char *state_json, const char *remit_csv, int save, char **out,
                           char **err)
{
    write_file("state.json", state_json);
    write_file("remit.csv", remit_csv);
    char so[512], se[512], sp[512], rp[512];
    snprintf(so, sizeof so, "%s/out.txt", dir);
    snprintf(se, sizeof se, "%s/err.txt", dir);
    snprintf(sp, sizeof sp, "%s/state.json", dir);
    snprintf(rp, sizeof rp, "%s/remit.csv", dir);
    front_result *r = front_text(deal, 1);
    if (r->diag.nerrors) {
        diag_print_all(&r->diag, stderr);
        fail_msg("the test deal does not check");
    }
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(so, "w", stdout) || !freopen(se, "w", stderr)) _exit(126);
        char *e = NULL;
        cg_options o = { .optimize = 1, .for_jit = 1 };
        cg_module *m = cg_compile(&r->sema, &r->file, &o, &e);
        if (!m) { fprintf(stderr, "%s\n", e); _exit(125); }
        char cp[512];
        snprintf(cp, sizeof cp, "%s/closing.json", dir);
        char *argv[] = { "t", "replay", "--state", sp, rp, "--format", "csv", "--save-state", cp, NULL };
        int st = jit_run(m, save ? 9 : 7, argv, &e);
        fflush(stdout);
        fflush(stderr);
        _exit(st < 0 ? 124 : st);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    front_free(r);
    *out = slurp(so);
    *err = slurp(se);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int jit_replay(const char *deal, const char *state_json, const char *remit_csv, char **out, char **err)
{
    return jit_replay_save(deal, state_json, remit_csv, 0, out, err);
}

#endif
