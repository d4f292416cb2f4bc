/*
 * api_compile.c — libdealc's dealc_compile: the front end (lex, parse,
 * amendments, checks) and code generation run as `dealc build` runs them,
 * but with every diagnostic returned as data, then the module handed to
 * the JIT and its two functions to the runtime's dealc_deal_from_functions,
 * which owns the JIT from there (jit_release when the deal is closed).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealc/compile.h"

#include "amend.h"
#include "codegen.h"
#include "lex.h"
#include "sema.h"
#include "rt_hash.h"

typedef struct compile_ctx {
    arena a;
    src_file files[DIAG_MAX_FILES];
    int nfiles;
    diag_ctx diag;
} compile_ctx;

static dealc_status fail(dealc_error *err, dealc_status s, const char *file, const char *fmt, const char *arg)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->status = s;
        snprintf(err->file, sizeof err->file, "%s", file ? file : "");
        snprintf(err->message, sizeof err->message, fmt, arg);
    }
    return s;
}

/* src_load without its message: the error comes back as a value */
static int load(src_file *f, const char *path, dealc_error *err)
{
    memset(f, 0, sizeof *f);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fail(err, DEALC_ERR_IO, path, "cannot read: %s", strerror(errno));
        return 0;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            if (cap >= ((size_t)64 << 20)) {
                free(buf);
                fclose(fp);
                fail(err, DEALC_ERR_IO, path, "%s", "file is larger than 64 MiB");
                return 0;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (!buf || bad) {
        free(buf);
        fail(err, buf ? DEALC_ERR_IO : DEALC_ERR_NOMEM, path, "%s", buf ? "read error" : "out of memory");
        return 0;
    }
    buf[n] = '\0';
    f->name = path;
    f->text = buf;
    f->len = (int)n;
    src_normalize(f); /* a BOM and CR line ends read as dealc reads them */
    return 1;
}

/* the diagnostics as text, and the first error (by place) into err */
static dealc_status report(const compile_ctx *c, char **diagnostics, dealc_error *err)
{
    if (diagnostics) {
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        if (mem) {
            diag_print_all(&c->diag, mem);
            fclose(mem);
            *diagnostics = buf;
        }
    }
    const diag *first = NULL;
    for (const diag *g = c->diag.first; g; g = g->next)
        if (g->sev == DIAG_ERROR &&
            (!first || g->loc.file < first->loc.file ||
             (g->loc.file == first->loc.file && g->loc.start < first->loc.start)))
            first = g;
    const char *file = first && first->loc.file < c->diag.nfiles ? c->diag.files[first->loc.file]->name : "";
    fail(err, DEALC_ERR_DEAL, file, "%s", first ? first->msg : "the deal has errors");
    if (err && first) {
        err->line = first->loc.line;
        err->col = first->loc.col;
    }
    return DEALC_ERR_DEAL;
}

static void ctx_free(compile_ctx *c)
{
    for (int i = 0; i < c->nfiles; i++)
        free(c->files[i].text);
    arena_free(&c->a);
}

dealc_status dealc_compile(const char *path, const dealc_compile_options *o, dealc_deal **out, char **diagnostics,
                           dealc_error *err)
{
    if (diagnostics)
        *diagnostics = NULL;
    if (!out || !path)
        return fail(err, DEALC_ERR_USAGE, "", "%s", "dealc_compile: needs a path and an out pointer");
    *out = NULL;
    dealc_compile_options none = {NULL, 0, NULL, 0};
    if (!o)
        o = &none;
    if (o->namendments < 0 || o->namendments >= DIAG_MAX_FILES || (o->namendments && !o->amendments))
        return fail(err, DEALC_ERR_USAGE, "", "%s", "dealc_compile: at most 63 amendments");
    int32_t as_of = -1;
    if (o->as_of) {
        if (!rt_date_parse(o->as_of, strlen(o->as_of), &as_of))
            return fail(err, DEALC_ERR_USAGE, "", "as_of \"%s\" is not a date (YYYY-MM-DD)", o->as_of);
    }
    compile_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return fail(err, DEALC_ERR_NOMEM, "", "%s", "out of memory");
    arena_init(&c->a);
    dealc_status st = DEALC_OK;
    if (!load(&c->files[0], path, err)) {
        st = err ? err->status : DEALC_ERR_IO;
        goto done;
    }
    c->nfiles = 1;
    diag_init(&c->diag, &c->a, &c->files[0]);
    ast_builder b = {.arena = &c->a, .diag = &c->diag, .file = &c->files[0]};
    int ok = parse_file(&b);
    if (ok && !b.deal) {
        diag_error(&c->diag, b.amendment->loc, "this is an amendment: give the agreement first, then its amendments");
        ok = 0;
    }
    ast_amendment *ams[DIAG_MAX_FILES];
    int nams = 0;
    for (int i = 0; i < o->namendments; i++) {
        src_file *f = &c->files[c->nfiles];
        if (!load(f, o->amendments[i], err)) {
            st = err ? err->status : DEALC_ERR_IO;
            goto done;
        }
        c->nfiles++;
        int id = diag_add_file(&c->diag, f);
        ast_builder ab = {.arena = &c->a, .diag = &c->diag, .file = f, .file_id = id};
        if (!parse_file(&ab)) {
            ok = 0;
            continue;
        }
        if (!ab.amendment) {
            diag_error(&c->diag, ab.deal->name_loc, "this is an agreement, not an amendment: one agreement per command");
            ok = 0;
            continue;
        }
        ams[nams++] = ab.amendment;
    }
    if (ok && c->diag.nerrors == 0 && nams)
        amend_apply(&b, b.deal, ams, nams, as_of);
    sema_deal sema;
    if (ok && c->diag.nerrors == 0)
        ok = sema_check(b.deal, &c->diag, &c->a, &sema);
    if (!ok || c->diag.nerrors) {
        st = report(c, diagnostics, err);
        goto done;
    }
    char *msg = NULL;
    /* what the deal's --version (dealc_deal_main) names as its sources */
    const char *paths[DIAG_MAX_FILES];
    char hash[17];
    paths[0] = path;
    for (int i = 0; i < o->namendments; i++)
        paths[i + 1] = o->amendments[i];
    int hashed = rt_fnv_sources(hash, paths, o->namendments + 1);
    cg_options co = {.emit_main = 0, .optimize = !o->no_optimize, .for_jit = 1, .version = DEALC_VERSION,
                     .sources_hash = hashed ? hash : NULL};
    cg_module *m = cg_compile(&sema, &c->files[0], &co, &msg);
    rt_describe_fn describe;
    rt_period_fn period;
    jit_handle *h = NULL;
    if (!m || !jit_load(m, &describe, &period, &h, &msg)) {
        st = fail(err, DEALC_ERR_DEAL, path, "code generation failed: %s", msg ? msg : "unknown");
        free(msg);
        goto done;
    }
    st = dealc_deal_from_functions((dealc_describe_fn)(void (*)(void))describe, (dealc_period_fn)(void (*)(void))period,
                                   jit_release, h, out, err);
done:
    ctx_free(c);
    free(c);
    return st;
}
