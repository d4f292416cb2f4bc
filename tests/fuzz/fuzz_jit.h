/* fuzz_jit.h — every shipped agreement (and each with its amendments, as
 * versioned by their effective dates) compiled in process, through the same
 * front end, code generation and JIT as `dealc run`, for the harnesses that
 * run real deals. Compiled once, at start; kept for the process's life. */
#ifndef DEALC_FUZZ_JIT_H
#define DEALC_FUZZ_JIT_H

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amend.h"
#include "codegen.h"
#include "lex.h"
#include "sema.h"

#ifndef AGREEMENTS_DIR
#error "AGREEMENTS_DIR must name the agreements directory"
#endif

typedef struct fuzz_deal {
    char name[256];      /* the file name, and "+ amendments" */
    rt_describe_fn describe;
    rt_period_fn period;
    jit_handle *jit;
    void *front[5];      /* the front end's objects, kept (and reachable) */
} fuzz_deal;

/* One agreement and n amendment files, compiled at -O2 (optimize 1) or
 * -O0; 0 after printing the diagnostics. */
static inline int fuzz_compile(const char *path, char **amend, int n, int optimize, fuzz_deal *out)
{
    /* the front end's objects live as long as the process: nothing the
     * module refers to may go away */
    arena *a = calloc(1, sizeof *a);
    src_file *f = calloc((size_t)n + 1, sizeof *f);
    diag_ctx *dg = calloc(1, sizeof *dg);
    sema_deal *s = calloc(1, sizeof *s);
    ast_amendment **ams = calloc((size_t)n + 1, sizeof *ams);
    if (!a || !f || !dg || !s || !ams) return 0;
    out->front[0] = a, out->front[1] = f, out->front[2] = dg, out->front[3] = s, out->front[4] = ams;
    arena_init(a);
    if (!src_load(&f[0], path)) return 0;
    diag_init(dg, a, &f[0]);
    ast_builder b = { .arena = a, .diag = dg, .file = &f[0] };
    int ok = parse_file(&b) && b.deal;
    for (int i = 0; ok && i < n; i++) {
        ok = src_load(&f[i + 1], amend[i]);
        if (!ok) break;
        ast_builder ab = { .arena = a, .diag = dg, .file = &f[i + 1], .file_id = diag_add_file(dg, &f[i + 1]) };
        ok = parse_file(&ab) && ab.amendment;
        ams[i] = ab.amendment;
    }
    if (ok && n) amend_apply(&b, b.deal, ams, n, -1);
    ok = ok && dg->nerrors == 0 && sema_check(b.deal, dg, a, s) && dg->nerrors == 0;
    if (!ok) {
        diag_print_all(dg, stderr);
        return 0;
    }
    char *err = NULL;
    cg_options o = { .emit_main = 0, .optimize = optimize, .for_jit = 1 };
    cg_module *m = cg_compile(s, &f[0], &o, &err);
    if (!m || !jit_load(m, &out->describe, &out->period, &out->jit, &err)) {
        fprintf(stderr, "%s: %s\n", path, err ? err : "cannot compile");
        return 0;
    }
    const char *base = strrchr(path, '/');
    snprintf(out->name, sizeof out->name, "%s%s", base ? base + 1 : path, n ? " + amendments" : "");
    return 1;
}

/* Every agreement, and every one with its amendments (NAME-amendment-*.amend
 * beside NAME.deal); up to max, each at both optimisation levels (o2[i] and
 * o0[i] are the same deal). Aborts when one does not compile: the
 * agreements are tested elsewhere, so that is a broken build. */
static inline int fuzz_compile_all(fuzz_deal *o2, fuzz_deal *o0, int max)
{
    glob_t g;
    int n = 0;
    if (glob(AGREEMENTS_DIR "/*.deal", 0, NULL, &g) != 0) abort();
    for (size_t i = 0; i < g.gl_pathc && n < max; i++) {
        char pattern[4096];
        snprintf(pattern, sizeof pattern, "%.*s-amendment-*.amend", (int)(strlen(g.gl_pathv[i]) - 5), g.gl_pathv[i]);
        glob_t ga;
        int na = glob(pattern, 0, NULL, &ga) == 0 ? (int)ga.gl_pathc : 0;
        for (int with = 0; with <= (na > 0) && n < max; with++) {
            if (!fuzz_compile(g.gl_pathv[i], with ? ga.gl_pathv : NULL, with ? na : 0, 1, &o2[n]) ||
                (o0 && !fuzz_compile(g.gl_pathv[i], with ? ga.gl_pathv : NULL, with ? na : 0, 0, &o0[n])))
                abort();
            n++;
        }
        if (na) globfree(&ga);
    }
    globfree(&g);
    if (n == 0) abort();
    return n;
}

#endif
