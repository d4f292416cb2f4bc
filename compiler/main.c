/*
 * main.c — the dealc driver.
 *
 *   dealc check FILE                     parse and check; print diagnostics
 *   dealc build FILE [-o BIN] [--emit=tokens|ast|ir|obj] [-O0]
 *   dealc run FILE [-- ARGS...]          JIT-compile and run the deal's CLI
 *
 * Exit status: 0 success, 1 the deal has errors (or the run failed),
 * 2 bad usage. Every file dealc writes goes through the runtime's output
 * module (runtime/rt_output.h): a temporary beside the target, renamed only
 * when the command succeeded, never over an input or through a link; files
 * handed to the linker live in a private scratch directory.
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "codegen.h"
#include "fmt.h"
#include "amend.h"
#include "diff.h"
#include "doc.h"
#include "html.h"
#include "impact.h"
#include "lex.h"
#include "sema.h"
#include "rt_output.h"

extern char **environ;

static const char usage[] =
    "usage: dealc check FILE [AMENDMENT...] [--as-of DATE]\n"
    "       dealc build FILE [AMENDMENT...] [--as-of DATE] [-o OUTPUT] [--emit=tokens|ast|ir|obj] [-O0] [--no-main]\n"
    "                   [--shared]\n"
    "       dealc run FILE [AMENDMENT...] [--as-of DATE] [-- ARGS...]\n"
    "       dealc consolidate FILE AMENDMENT... --as-of DATE [-o OUTPUT]\n"
    "       dealc diff OLD NEW | AGREEMENT AMENDMENT [--format text|html|json] [--color|--no-color]\n"
    "                  [--impact -- project|replay ARGS...]\n"
    "       dealc fmt [--write | --check] FILE...\n"
    "       dealc doc FILE [AMENDMENT...] [--as-of DATE] -o FILE.html\n"
    "       dealc --help | --version\n";

static const char help[] =
    "dealc — a compiler for pooling and servicing agreements\n\n"
    "  check FILE        parse and check a deal; print every error found\n"
    "  AMENDMENT...      after the agreement, amendments (their own files): each\n"
    "                    applies on the payment dates from its effective date;\n"
    "                    --as-of DATE applies those in effect on DATE throughout\n"
    "  consolidate       print the agreement as amended as of --as-of DATE, as\n"
    "                    canonical source that compiles on its own\n"
    "  build FILE        compile a deal to a standalone executable (default name:\n"
    "                    FILE without .deal); -o names it\n"
    "      --emit=tokens the tokens, one per line\n"
    "      --emit=ast    the syntax tree\n"
    "      --emit=ir     the LLVM IR (after optimisation unless -O0)\n"
    "      --emit=obj    the object file only (no linking)\n"
    "      -O0           skip the optimiser\n"
    "      --no-main     leave out main(), for an object linked into another\n"
    "                    program that calls dealc_describe and dealc_period\n"
    "      --shared      a shared object (default name: FILE without .deal, plus\n"
    "                    .so) that programs load with the C API's dealc_deal_open\n"
    "                    or Python's dealc.load; it needs libdealrt.so. The linker\n"
    "                    is $CC, else cc\n"
    "  diff OLD NEW      what changed, definition by definition and clause by\n"
    "                    clause (layout and comments ignored), the changed words,\n"
    "                    and what depends on each change; NEW may be an amendment\n"
    "  fmt FILE...       print each deal in the canonical layout (comments and\n"
    "                    legal text kept); --write rewrites the files in place,\n"
    "                    --check lists those not in canonical layout (exit 1)\n"
    "  run FILE -- ARGS  compile in memory and run the deal's own command line\n"
    "                    with ARGS, e.g. dealc run deal.deal -- replay --state s.json r.csv\n\n"
    "Diagnostics read FILE:LINE:COL: error: MESSAGE, with the source line.\n"
    "Exit status: 0 ok, 1 errors in the deal or a failed run, 2 bad usage.\n"
    "See docs/language.md, docs/user-guide.md and docs/architecture.md.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "dealc: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return 2;
}

typedef enum emit_kind { EMIT_EXE, EMIT_TOKENS, EMIT_AST, EMIT_IR, EMIT_OBJ } emit_kind;

typedef struct front {
    arena a;
    src_file file;                       /* the agreement */
    src_file amend_files[DIAG_MAX_FILES - 1];
    int namend;
    diag_ctx diag;
    ast_builder b;
    sema_deal sema;
    ast_amendment *ams[DIAG_MAX_FILES];  /* the amendments parsed, in file order */
    int nams;
} front;

/* Load, parse, apply amendments (as of a day number, or versioned when
 * as_of < 0) and check. Prints diagnostics. Returns 1 when the deal is
 * good. With --emit=tokens/ast the dump goes to out. paths[0] is the
 * agreement, the rest its amendments. */
static int front_run_all(front *fe, char **paths, int npaths, int as_of, emit_kind emit, FILE *out, int check)
{
    memset(fe, 0, sizeof *fe);
    arena_init(&fe->a);
    if (!src_load(&fe->file, paths[0])) return 0;
    diag_init(&fe->diag, &fe->a, &fe->file);
    fe->b = (ast_builder){ .arena = &fe->a, .diag = &fe->diag, .file = &fe->file };
    if (emit == EMIT_TOKENS) {
        lex_dump_tokens(&fe->b, out);
        diag_print_all(&fe->diag, stderr);
        return fe->diag.nerrors == 0;
    }
    int parsed = parse_file(&fe->b);
    if (parsed && !fe->b.deal) {
        diag_error(&fe->diag, fe->b.amendment->loc, "this is an amendment: give the agreement first, then its amendments");
        parsed = 0;
    }
    ast_amendment *ams[DIAG_MAX_FILES];
    int nams = 0;
    for (int i = 1; i < npaths && i < DIAG_MAX_FILES; i++) {
        src_file *f = &fe->amend_files[fe->namend];
        if (!src_load(f, paths[i])) { parsed = 0; continue; }
        fe->namend++;
        int id = diag_add_file(&fe->diag, f);
        ast_builder ab = { .arena = &fe->a, .diag = &fe->diag, .file = f, .file_id = id };
        if (!parse_file(&ab)) { parsed = 0; continue; }
        if (!ab.amendment) {
            diag_error(&fe->diag, ab.deal->name_loc, "this is an agreement, not an amendment: one agreement per command");
            parsed = 0;
            continue;
        }
        ams[nams++] = ab.amendment;
        fe->ams[fe->nams++] = ab.amendment;
    }
    if (parsed && fe->diag.nerrors == 0 && nams) amend_apply(&fe->b, fe->b.deal, ams, nams, as_of);
    if (parsed && fe->diag.nerrors == 0 && emit == EMIT_AST) {
        ast_dump(out, fe->b.deal);
        return 1;
    }
    if (parsed && check && fe->b.deal) sema_check(fe->b.deal, &fe->diag, &fe->a, &fe->sema);
    diag_print_all(&fe->diag, stderr);
    return parsed && fe->diag.nerrors == 0;
}

static void front_free(front *fe)
{
    src_free(&fe->file);
    for (int i = 0; i < fe->namend; i++) src_free(&fe->amend_files[i]);
    arena_free(&fe->a);
}

static int write_output(const char *path, const char *text, size_t len, int flags);

/* --as-of DATE */
static int parse_as_of(const char *s, int *days)
{
    int y, m, d;
    char tail;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return 0;
    return rt_civil_to_days(y, m, d, days);
}

/* The runtime library (libdealrt.a for executables, libdealrt.so for
 * --shared): beside the compiler (build tree: build/bin/dealc and
 * build/lib; installed: PREFIX/bin and PREFIX/LIBDIR, LIBDIR as configured,
 * e.g. lib/x86_64-linux-gnu on Debian), or where DEALC_RUNTIME_LIB says
 * (the static library's path; the shared one is looked for beside it). */
static int find_runtime(char *out, size_t n, const char *file)
{
    const char *env = getenv("DEALC_RUNTIME_LIB");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        if (strcmp(file, "libdealrt.a") != 0) {
            char *slash = strrchr(out, '/');
            size_t at = slash ? (size_t)(slash - out) + 1 : 0;
            snprintf(out + at, n - at, "%s", file);
        }
        return access(out, R_OK) == 0;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            const char *subs[] = { "/../lib/", "/../" DEALC_LIBDIR_REL "/" };
            for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
                int w = snprintf(out, n, "%s%s%s", exe, subs[i], file);
                if (w > 0 && (size_t)w < n && access(out, R_OK) == 0) return 1;
            }
        }
    }
    snprintf(out, n, "%s/%s", DEALC_INSTALL_LIBDIR, file);
    return access(out, R_OK) == 0;
}

static int run_command(char *const argv[])
{
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "dealc: error: cannot run %s: %s\n", argv[0], strerror(rc));
        return 0;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The C compiler that links: $CC (its words: "ccache gcc" works), else
 * cc, found on PATH when dealc runs, never a path fixed at build time. */
static int linker_words(char *buf, size_t n, char **argv, int max)
{
    const char *cc = getenv("CC");
    snprintf(buf, n, "%s", cc && *cc ? cc : "cc");
    int k = 0;
    for (char *tok = strtok(buf, " \t"); tok && k < max; tok = strtok(NULL, " \t")) argv[k++] = tok;
    if (k == 0) argv[k++] = "cc";
    return k;
}

/* an executable (obj + libdealrt.a), or with shared a shared object that
 * needs libdealrt.so.N, the runtime its host program loads, written to exe,
 * a file in a scratch directory: the linker writes only there, and every
 * file name it is given is one it cannot read as an option */
static int link_exe(const char *obj, const char *exe, int shared)
{
    char rt[PATH_MAX];
    const char *lib = shared ? "libdealrt.so" : "libdealrt.a";
    if (!find_runtime(rt, sizeof rt, lib)) {
        fprintf(stderr, "dealc: error: cannot find the runtime library %s (looked beside the compiler and in %s; "
                        "set DEALC_RUNTIME_LIB to the path of libdealrt.a)\n", lib, DEALC_INSTALL_LIBDIR);
        return 0;
    }
    char a_exe[PATH_MAX + 2], a_obj[PATH_MAX + 2], a_rt[PATH_MAX + 2];
    if (!rt_out_child_arg(exe, a_exe, sizeof a_exe) || !rt_out_child_arg(obj, a_obj, sizeof a_obj) ||
        !rt_out_child_arg(rt, a_rt, sizeof a_rt)) {
        fprintf(stderr, "dealc: error: file name too long\n");
        return 0;
    }
    char *argv[32];
    char ccbuf[512], extra[256];
    int n = linker_words(ccbuf, sizeof ccbuf, argv, 8);
    snprintf(extra, sizeof extra, "%s", DEALC_LINK_EXTRA);
    for (char *tok = strtok(extra, " "); tok && n < 18; tok = strtok(NULL, " ")) argv[n++] = tok;
    if (shared) {
        argv[n++] = "-shared";
        argv[n++] = "-Wl,--no-undefined";
    }
    argv[n++] = "-o";
    argv[n++] = a_exe;
    argv[n++] = a_obj;
    argv[n++] = a_rt;
    argv[n++] = "-lm";
    argv[n] = NULL;
    if (!run_command(argv)) {
        fprintf(stderr, "dealc: error: linking failed\n");
        return 0;
    }
    return 1;
}

static char *default_output(const char *path, const char *suffix)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".deal") == 0) n -= 5;
    char *r = malloc(n + strlen(suffix) + 1);
    if (!r) return NULL;
    memcpy(r, base, n);
    strcpy(r + n, suffix);
    if (!*r) { free(r); r = strdup("a.out"); }
    return r;
}

/* the files and --as-of of check, build, run and consolidate */
typedef struct files_opt { char *paths[DIAG_MAX_FILES]; int n; int as_of; } files_opt;

/* 0 when argument i was not ours; 1 when it was; -1 after a usage error */
static int take_file_arg(files_opt *fo, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--as-of") == 0) {
        if (++*i >= argc) { usage_error("'--as-of' needs a date (YYYY-MM-DD)%s", ""); return -1; }
        if (!parse_as_of(argv[*i], &fo->as_of)) { usage_error("--as-of: '%s' is not a date (YYYY-MM-DD)", argv[*i]); return -1; }
        return 1;
    }
    if (a[0] == '-' && a[1]) return 0;
    if (fo->n >= DIAG_MAX_FILES) {
        char most[16];
        snprintf(most, sizeof most, "%d", DIAG_MAX_FILES - 1);
        usage_error("too many files: an agreement and at most %s amendments", most);
        return -1;
    }
    fo->paths[fo->n++] = argv[*i];
    return 1;
}

static int cmd_check(int argc, char **argv)
{
    files_opt fo = { .as_of = -1 };
    for (int i = 0; i < argc; i++) {
        int t = take_file_arg(&fo, argc, argv, &i);
        if (t < 0) return 2;
        if (t == 0) return usage_error("unknown option '%s'", argv[i]);
    }
    if (!fo.n) return usage_error("'check' needs a deal file (and any amendments)%s", "");
    front fe;
    int ok = front_run_all(&fe, fo.paths, fo.n, fo.as_of, EMIT_EXE, stdout, 1);
    front_free(&fe);
    return ok ? 0 : 1;
}

/* FILE [AMENDMENT...] [--as-of DATE] [-o OUTPUT]: 0, or a usage status */
static int take_files_and_output(files_opt *fo, const char **out, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0) {
            if (++i >= argc) return usage_error("'-o' needs a file name%s", "");
            *out = argv[i];
            continue;
        }
        int t = take_file_arg(fo, argc, argv, &i);
        if (t < 0) return 2;
        if (t == 0) return usage_error("unknown option '%s'", argv[i]);
    }
    return 0;
}

static void put_day(FILE *out, int days)
{
    char b[11];
    fputs(rt_date_format(b, days), out);
}

/* What the as-of date and the amendments' dates mean, one note a line (each
 * also a warning on stderr): a date before the closing date, an amendment
 * not yet in effect, one effective on or before the first payment date. */
static char *as_of_notes(front *fe, int as_of)
{
    const ast_deal *d = fe->b.deal;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = arena_memstream(&buf, &len);
    if (as_of >= 0 && d->has_closing && as_of < d->closing) {
        put_day(m, as_of);
        fputs(" is before the agreement's closing date (", m);
        put_day(m, d->closing);
        fputs("): the agreement was not yet in force; it is shown as it was made", m);
        fputs(fe->nams ? ", with no amendment applied\n" : "\n", m);
    }
    for (int i = 0; i < fe->nams; i++) {
        const ast_amendment *a = fe->ams[i];
        if (as_of >= 0 && a->effective > as_of) {
            fprintf(m, "\"%s\" takes effect on ", a->title);
            put_day(m, a->effective);
            fputs(", after ", m);
            put_day(m, as_of);
            fputs(": it is not applied\n", m);
        }
    }
    char *eff = diff_effect_notes(d, (const ast_amendment *const *)fe->ams, fe->nams);
    fputs(eff, m);
    free(eff);
    arena_memclose(m, &buf);
    for (const char *p = buf; *p;) {
        const char *e = strchr(p, '\n');
        fprintf(stderr, "dealc: warning: %.*s\n", e ? (int)(e - p) : (int)strlen(p), p);
        p = e ? e + 1 : p + strlen(p);
    }
    return buf;
}

/* consolidate's header: as of when, which amendments, in force since when */
static void consolidated_header(FILE *out, front *fe, int as_of, const char *notes)
{
    const ast_deal *d = fe->b.deal;
    fprintf(out, "// %s, as it stood on ", d->name);
    put_day(out, as_of);
    fputs(" (dealc consolidate).\n", out);
    int last = -1, applied = 0;
    for (int i = 0; i < fe->nams; i++) {
        const ast_amendment *a = fe->ams[i];
        if (a->effective > as_of) continue;
        fprintf(out, "%s \"%s\", dated ", applied++ ? "//   and" : "// Amended by", a->title);
        put_day(out, a->dated);
        fputs(", effective ", out);
        put_day(out, a->effective);
        if (a->under) fprintf(out, ", made under Section %s", a->under);
        fputs(";\n", out);
        if (a->effective > last) last = a->effective;
    }
    if (!applied) fputs("// No amendment in effect: the agreement as it was made.\n", out);
    else {
        fputs("// in force in this form since ", out);
        put_day(out, last);
        fputs(", the effective date of the last amendment applied; each provision an amendment replaced is noted.\n",
              out);
    }
    for (const char *p = notes; p && *p;) {
        const char *e = strchr(p, '\n');
        fprintf(out, "// Note: %.*s.\n", e ? (int)(e - p) : (int)strlen(p), p);
        p = e ? e + 1 : p + strlen(p);
    }
    fputs("\n", out);
}

static int cmd_consolidate(int argc, char **argv)
{
    files_opt fo = { .as_of = -1 };
    const char *out = NULL;
    int rc = take_files_and_output(&fo, &out, argc, argv);
    if (rc) return rc;
    if (fo.n < 1) return usage_error("'consolidate' needs the agreement and its amendments%s", "");
    if (fo.as_of < 0) return usage_error("'consolidate' needs --as-of DATE: the agreement as it stood on that date%s", "");
    front fe;
    /* checked as consolidated, so what is printed is a deal that compiles */
    int as_of = fo.as_of;
    int ok = front_run_all(&fe, fo.paths, fo.n, as_of, EMIT_EXE, stdout, 1);
    if (ok && fe.b.deal->has_closing && as_of < fe.b.deal->closing) {
        /* before the agreement began: as it was made, no amendment applied */
        char *notes = as_of_notes(&fe, as_of);
        free(notes);
        front_free(&fe);
        ok = front_run_all(&fe, fo.paths, 1, as_of, EMIT_EXE, stdout, 1);
        as_of = -2;
    }
    if (ok) {
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = arena_memstream(&buf, &len);
        char *notes = as_of == -2 ? NULL : as_of_notes(&fe, as_of);
        if (as_of == -2) {
            fprintf(mem, "// %s, as it was made: ", fe.b.deal->name);
            put_day(mem, fo.as_of);
            fputs(" is before its closing date (dealc consolidate).\n\n", mem);
        } else {
            consolidated_header(mem, &fe, as_of, notes);
        }
        free(notes);
        fmt_deal_consolidated(mem, fe.b.deal, &fe.file, &fe.b.comments);
        arena_memclose(mem, &buf);
        if (out) ok = write_output(out, buf, len, 0);
        else fwrite(buf, 1, len, stdout);
        free(buf);
    }
    front_free(&fe);
    return ok ? 0 : 1;
}

static int cmd_build(int argc, char **argv)
{
    const char *file = NULL, *out = NULL;
    files_opt fo = { .as_of = -1 };
    emit_kind emit = EMIT_EXE;
    int optimize = 1, with_main = 1, shared = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0) {
            if (++i >= argc) return usage_error("'-o' needs a file name%s", "");
            out = argv[i];
        } else if (strncmp(a, "--emit=", 7) == 0) {
            const char *k = a + 7;
            if (strcmp(k, "tokens") == 0) emit = EMIT_TOKENS;
            else if (strcmp(k, "ast") == 0) emit = EMIT_AST;
            else if (strcmp(k, "ir") == 0) emit = EMIT_IR;
            else if (strcmp(k, "obj") == 0) emit = EMIT_OBJ;
            else return usage_error("unknown --emit kind '%s' (tokens, ast, ir or obj)", k);
        } else if (strcmp(a, "-O0") == 0) {
            optimize = 0;
        } else if (strcmp(a, "--no-main") == 0) {
            with_main = 0;
        } else if (strcmp(a, "--shared") == 0) {
            shared = 1;
        } else {
            int t = take_file_arg(&fo, argc, argv, &i);
            if (t < 0) return 2;
            if (t == 0) return usage_error("unknown option '%s'", a);
        }
    }
    if (!fo.n) return usage_error("'build' needs a deal file (and any amendments)%s", "");
    file = fo.paths[0];
    if (!with_main && emit == EMIT_EXE)
        return usage_error("--no-main makes an object for another program: use it with --emit=obj or --emit=ir%s", "");
    if (shared && emit != EMIT_EXE)
        return usage_error("--shared builds a shared object: it does not go with --emit%s", "");
    if (shared) with_main = 0; /* a host program loads it (dealc_deal_open) */

    /* The output is checked before any work: never a deal file, an
     * amendment, the runtime library or dealc itself. Text dumps go to
     * standard output unless -o is given. */
    int text = emit == EMIT_TOKENS || emit == EMIT_AST || emit == EMIT_IR;
    char *def = !out && !text ? default_output(file, shared ? ".so" : "") : NULL;
    const char *target = out ? out : def;
    rt_outset *os = NULL;
    int oi = -1;
    FILE *dump = stdout;
    if (target) {
        char rt[PATH_MAX];
        os = rt_out_begin();
        int ok = os && rt_out_input(os, "/proc/self/exe") &&
                 (!find_runtime(rt, sizeof rt, shared ? "libdealrt.so" : "libdealrt.a") || rt_out_input(os, rt));
        for (int i = 0; ok && i < fo.n; i++) ok = rt_out_input(os, fo.paths[i]);
        if (ok) oi = rt_out_add(os, target, emit == EMIT_EXE ? RT_OUT_EXEC : 0);
        if (oi >= 0 && text && !(dump = rt_out_stream(os, oi))) oi = -1;
        if (oi < 0) {
            rt_out_end(os);
            free(def);
            return 1;
        }
    }
    front fe;
    int ok = front_run_all(&fe, fo.paths, fo.n, fo.as_of, emit, dump, 1);
    if (ok && (emit == EMIT_EXE || emit == EMIT_IR || emit == EMIT_OBJ)) {
        char *err = NULL;
        cg_options o = { .emit_main = with_main, .optimize = optimize };
        cg_module *m = cg_compile(&fe.sema, &fe.file, &o, &err);
        if (!m) {
            fprintf(stderr, "dealc: error: %s\n", err ? err : "code generation failed");
            free(err);
            ok = 0;
        } else if (emit == EMIT_IR) {
            cg_print_ir(m, dump);
        } else {
            /* the object, and what the linker makes of it, in a private
             * scratch directory; then copied to the target */
            rt_scratch *sc = rt_scratch_new();
            const char *obj = sc ? rt_scratch_file(sc, "deal.o") : NULL;
            const char *exe = obj && emit == EMIT_EXE ? rt_scratch_file(sc, shared ? "deal.so" : "deal") : NULL;
            if (!obj || (emit == EMIT_EXE && !exe)) {
                ok = 0;
            } else if (!cg_emit_object(m, obj, &err)) {
                fprintf(stderr, "dealc: error: %s\n", err);
                free(err);
                ok = 0;
            } else {
                ok = (emit == EMIT_OBJ || link_exe(obj, exe, shared)) &&
                     rt_out_write_file(os, oi, emit == EMIT_OBJ ? obj : exe);
            }
            rt_scratch_free(sc);
        }
        cg_free(m);
    }
    if (ok && os) ok = rt_out_commit(os);
    rt_out_end(os);
    free(def);
    front_free(&fe);
    return ok ? 0 : 1;
}

/* Writes text to path as one output (rt_output.h): never over an input
 * (every file dealc has read is one) or dealc itself, only when complete.
 * RT_OUT_SELF lets fmt --write replace the file it formatted. */
static int write_output(const char *path, const char *text, size_t len, int flags)
{
    rt_outset *os = rt_out_begin();
    int ok = os && rt_out_input(os, "/proc/self/exe");
    int oi = ok ? rt_out_add(os, path, flags) : -1;
    ok = oi >= 0 && rt_out_write(os, oi, text, len) && rt_out_commit(os);
    rt_out_end(os);
    return ok;
}

static int cmd_doc(int argc, char **argv)
{
    files_opt fo = { .as_of = -1 };
    const char *out = NULL;
    int rc = take_files_and_output(&fo, &out, argc, argv);
    if (rc) return rc;
    if (!fo.n) return usage_error("'doc' needs a deal file (and any amendments)%s", "");
    if (!out) return usage_error("'doc' writes a page: give -o FILE.html%s", "");
    front fe;
    int as_of = fo.as_of;
    if (fo.n > 1 && as_of < 0) rt_civil_to_days(RT_YEAR_MAX, 12, 31, &as_of); /* the amended agreement */
    int ok = front_run_all(&fe, fo.paths, fo.n, as_of, EMIT_EXE, stdout, 1);
    char *notes = ok ? as_of_notes(&fe, fo.as_of) : NULL;
    if (ok) {
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = arena_memstream(&buf, &len);
        doc_options dopt = { .as_of = fo.as_of, .amendments = (const ast_amendment *const *)fe.ams,
                             .namendments = fe.nams, .notes = notes };
        doc_deal(mem, fe.b.deal, &dopt);
        arena_memclose(mem, &buf);
        ok = write_output(out, buf, len, 0);
        free(buf);
    }
    free(notes);
    front_free(&fe);
    return ok ? 0 : 1;
}

static int cmd_fmt(int argc, char **argv)
{
    int write = 0, check = 0, nfiles = 0, status = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--write") == 0) write = 1;
        else if (strcmp(argv[i], "--check") == 0) check = 1;
        else if (argv[i][0] == '-' && argv[i][1]) return usage_error("unknown option '%s'", argv[i]);
        else nfiles++;
    }
    if (!nfiles) return usage_error("'fmt' needs at least one deal file%s", "");
    if (write && check) return usage_error("--write and --check do not go together%s", "");
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) continue;
        front fe;
        memset(&fe, 0, sizeof fe);
        arena_init(&fe.a);
        if (!src_load(&fe.file, argv[i])) { arena_free(&fe.a); status = 1; continue; }
        diag_init(&fe.diag, &fe.a, &fe.file);
        fe.b = (ast_builder){ .arena = &fe.a, .diag = &fe.diag, .file = &fe.file };
        /* only the syntax matters: a deal with unknown names still formats */
        int ok = parse_file(&fe.b) && fe.diag.nerrors == 0;
        if (!ok) {
            diag_print_all(&fe.diag, stderr);
            fprintf(stderr, "dealc: %s was not formatted\n", argv[i]);
            status = 1;
        } else {
            char *buf = NULL;
            size_t len = 0;
            FILE *mem = arena_memstream(&buf, &len);
            if (fe.b.deal) fmt_deal(mem, fe.b.deal, &fe.file, &fe.b.comments);
            else fmt_amendment(mem, fe.b.amendment, &fe.file, &fe.b.comments);
            arena_memclose(mem, &buf);
            /* a file read with its BOM dropped or CR line ends changed is
             * never in canonical layout, whatever its text */
            int same = !fe.file.normalized && len == (size_t)fe.file.len && memcmp(buf, fe.file.text, len) == 0;
            if (check) {
                if (!same) { printf("%s\n", argv[i]); status = 1; }
            } else if (write) {
                if (!same && !write_output(argv[i], buf, len, RT_OUT_SELF)) status = 1;
            } else {
                fwrite(buf, 1, len, stdout);
            }
            free(buf);
        }
        front_free(&fe);
    }
    return status;
}

/* is this file an amendment? (its first word says so) */
static int is_amendment_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    /* skip white space and comments to the first word */
    char *p = buf;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (p[0] == '/' && p[1] == '/') { while (*p && *p != '\n') p++; continue; }
        if (p[0] == '/' && p[1] == '*') { char *e = strstr(p + 2, "*/"); if (!e) return 0; p = e + 2; continue; }
        break;
    }
    return strncmp(p, "amendment", 9) == 0;
}

/* ---- diff --impact: both versions compiled and run on the same scenario ----
 * How the figures are obtained is kept here, apart from what is made of
 * them (impact.c): each version is built to a temporary executable and run
 * with the scenario's arguments and --format csv. */

/* build one version to an executable in a scratch directory; run it with
 * args; return what it printed */
static char *run_version(front *fe, char **args, int nargs, const char *tag)
{
    char *err = NULL;
    cg_options o = { .emit_main = 1, .optimize = 1 };
    cg_module *m = cg_compile(&fe->sema, &fe->file, &o, &err);
    if (!m) { fprintf(stderr, "dealc: error: %s\n", err ? err : "code generation failed"); free(err); return NULL; }
    rt_scratch *sc = rt_scratch_new();
    const char *obj = sc ? rt_scratch_file(sc, "deal.o") : NULL;
    const char *exe = obj ? rt_scratch_file(sc, tag) : NULL;
    const char *outp = exe ? rt_scratch_file(sc, "stdout") : NULL;
    int ok = outp != NULL;
    if (ok && !cg_emit_object(m, obj, &err)) {
        fprintf(stderr, "dealc: error: %s\n", err);
        ok = 0;
    }
    free(err);
    cg_free(m);
    ok = ok && link_exe(obj, exe, 0);
    char **argv = ok ? calloc((size_t)nargs + 4, sizeof *argv) : NULL;
    if (!argv) { rt_scratch_free(sc); return NULL; }
    argv[0] = (char *)exe;
    for (int i = 0; i < nargs; i++) argv[i + 1] = args[i];
    argv[nargs + 1] = "--format";
    argv[nargs + 2] = "csv";
    pid_t pid = fork();
    if (pid == 0) {
        FILE *f = freopen(outp, "w", stdout);
        if (!f) _exit(126);
        execv(exe, argv);
        _exit(127);
    }
    int st = 0;
    while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    free(argv);
    char *text = NULL;
    if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
        src_file f;
        if (src_load(&f, outp)) text = f.text;   /* the text is ours now */
    } else {
        fprintf(stderr, "dealc: error: the %s version of the deal failed on that scenario\n", tag);
    }
    rt_scratch_free(sc);
    return text;
}

/* both versions' figures for the scenario, compared */
static int impact_of(impact_report *r, front *a, front *b, char **args, int nargs)
{
    if (!a->b.deal || !b->b.deal) return 0;
    if (!sema_check(a->b.deal, &a->diag, &a->a, &a->sema) || !sema_check(b->b.deal, &b->diag, &b->a, &b->sema)) {
        diag_print_all(&a->diag, stderr);
        diag_print_all(&b->diag, stderr);
        return 0;
    }
    char *o = run_version(a, args, nargs, "old"), *n = o ? run_version(b, args, nargs, "new") : NULL;
    int ok = o && n && impact_compare(r, o, n, b->b.deal);
    if (o && n && !ok) fprintf(stderr, "dealc: error: the deal binaries' figures could not be read\n");
    free(o);
    free(n);
    return ok;
}

static const char diff_usage[] =
    "usage: dealc diff OLD NEW [OPTIONS]               two versions of an agreement\n"
    "       dealc diff AGREEMENT AMENDMENT... [OPTIONS]  the agreement and the agreement as amended\n"
    "  --format text|html|json   text (default; wrapped to the terminal or 100 columns), a redline page, or JSON\n"
    "  --width N                 wrap text at N columns\n"
    "  --color, --no-color       colour the text's changes (default: on a terminal)\n"
    "  --impact -- project|replay ARGS...\n"
    "                            also build both versions, run each with ARGS and compare the cash,\n"
    "                            class by class and party by party (in the same format)\n";

static int cmd_diff(int argc, char **argv)
{
    char *files[DIAG_MAX_FILES];
    int nf = 0, want_impact = 0, nrest = 0, width = 0;
    char **rest = NULL;
    diff_format format = DIFF_TEXT;
    int color = isatty(1);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            rest = argv + i + 1;
            nrest = argc - i - 1;
            break;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(diff_usage, stdout);
            return 0;
        }
        if (strcmp(a, "--impact") == 0) {
            want_impact = 1;
        } else if (strcmp(a, "--format") == 0) {
            if (++i >= argc) return usage_error("'--format' needs text, html or json%s", "");
            if (strcmp(argv[i], "text") == 0) format = DIFF_TEXT;
            else if (strcmp(argv[i], "html") == 0) format = DIFF_HTML;
            else if (strcmp(argv[i], "json") == 0) format = DIFF_JSON;
            else return usage_error("unknown diff format '%s' (text, html or json)", argv[i]);
        } else if (strcmp(a, "--width") == 0) {
            char *end = NULL;
            if (++i >= argc) return usage_error("'--width' needs a number of columns%s", "");
            long w = strtol(argv[i], &end, 10);
            if (!end || *end || w < 40 || w > 1000) return usage_error("--width: '%s' is not a width from 40 to 1000", argv[i]);
            width = (int)w;
        } else if (strcmp(a, "--color") == 0) {
            color = 1;
        } else if (strcmp(a, "--no-color") == 0) {
            color = 0;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s' (dealc diff --help lists them)", a);
        } else if (nf < DIAG_MAX_FILES - 1) {
            files[nf++] = argv[i];
        } else {
            return usage_error("too many files (at most %s)", "63");
        }
    }
    if (nf < 2) return usage_error("'diff' needs two files: OLD NEW, or AGREEMENT AMENDMENT...%s", "");
    int amending = is_amendment_file(files[1]);
    for (int i = 2; i < nf; i++)
        if (!amending || !is_amendment_file(files[i]))
            return usage_error("'diff' compares two versions, or an agreement with its amendments: '%s' is one file too many",
                               files[i]);
    if (want_impact && !nrest)
        return usage_error("--impact runs both versions: give the deal's arguments after '--', as in -- project --cpr 20%s", "");
    if (format != DIFF_TEXT) color = 0;
    front a, b;
    int ok = front_run_all(&a, files, 1, -1, EMIT_EXE, stdout, 0);
    int okb;
    if (amending) {
        /* the agreement as the amendments leave it */
        int end_of_time = 0;
        rt_civil_to_days(RT_YEAR_MAX, 12, 31, &end_of_time);
        okb = front_run_all(&b, files, nf, end_of_time, EMIT_EXE, stdout, 0);
    } else {
        okb = front_run_all(&b, files + 1, 1, -1, EMIT_EXE, stdout, 0);
    }
    impact_report rep = { 0 };
    int have_impact = 0;
    if (ok && okb && want_impact) {
        if (amending) {
            /* in cash, an amendment counts from its effective date, as in a
             * binary built from both: earlier distributions pay alike */
            front dated;
            int okd = front_run_all(&dated, files, nf, -1, EMIT_EXE, stdout, 0);
            have_impact = okd && impact_of(&rep, &a, &dated, rest, nrest);
            front_free(&dated);
        } else {
            have_impact = impact_of(&rep, &a, &b, rest, nrest);
        }
        if (!have_impact) ok = 0;
    }
    if (ok && okb) {
        char *notes = amending ? diff_effect_notes(a.b.deal, (const ast_amendment *const *)b.ams, b.nams) : strdup("");
        diff_options o = { .format = format, .color = color, .width = width, .old_name = files[0],
                           .new_name = amending ? files[1] : files[1],
                           .amendments = (const ast_amendment *const *)b.ams, .namendments = amending ? b.nams : 0,
                           .keep_open = have_impact };
        /* one document: the redline, then the cash */
        diff_deals(stdout, a.b.deal, b.b.deal, &o);
        if (have_impact) {
            if (format == DIFF_JSON) {
                fputs(", \"impact\": ", stdout);
                impact_json(stdout, &rep, rest, nrest, notes);
                fputs("}\n", stdout);
            } else if (format == DIFF_HTML) {
                impact_html(stdout, &rep, rest, nrest, notes);
                html_end(stdout);
            } else {
                impact_text(stdout, &rep, notes);
            }
        }
        free(notes);
    }
    impact_free(&rep);
    front_free(&a);
    front_free(&b);
    return ok && okb ? 0 : 1;
}

static int cmd_run(int argc, char **argv)
{
    files_opt fo = { .as_of = -1 };
    int rest = argc;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) { rest = i + 1; break; }
        int t = take_file_arg(&fo, argc, argv, &i);
        if (t < 0) return 2;
        if (t == 0) return usage_error("unknown option '%s'; the deal's own arguments go after '--'", argv[i]);
    }
    if (!fo.n) return usage_error("'run' needs a deal file%s", "");
    const char *file = fo.paths[0];
    front fe;
    if (!front_run_all(&fe, fo.paths, fo.n, fo.as_of, EMIT_EXE, stdout, 1)) { front_free(&fe); return 1; }
    char *err = NULL;
    cg_options o = { .emit_main = 0, .optimize = 1, .for_jit = 1 };
    cg_module *m = cg_compile(&fe.sema, &fe.file, &o, &err);
    if (!m) {
        fprintf(stderr, "dealc: error: %s\n", err ? err : "code generation failed");
        free(err);
        front_free(&fe);
        return 1;
    }
    /* the deal's command line sees the program name a built binary would */
    char *name = default_output(file, "");
    int dargc = argc - rest + 1;
    char **dargv = calloc((size_t)dargc + 1, sizeof *dargv);
    if (!dargv || !name) { fprintf(stderr, "dealc: out of memory\n"); return 1; }
    dargv[0] = name;
    for (int i = rest; i < argc; i++) dargv[i - rest + 1] = argv[i];
    fflush(stdout);
    int status = jit_run(m, dargc, dargv, &err);
    if (status < 0) {
        fprintf(stderr, "dealc: error: JIT: %s\n", err ? err : "failed");
        free(err);
        status = 1;
    }
    free(dargv);
    free(name);
    front_free(&fe);
    return status;
}

int main(int argc, char **argv)
{
    cg_install_oom_handlers(rt_out_cleanup_now);
    if (argc < 2) { fputs(usage, stderr); return 2; }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) { fputs(help, stdout); return 0; }
    if (strcmp(cmd, "--version") == 0) { printf("dealc %s (LLVM 19)\n", DEALC_VERSION); return 0; }
    if (strcmp(cmd, "check") == 0) return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "build") == 0) return cmd_build(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "fmt") == 0) return cmd_fmt(argc - 2, argv + 2);
    if (strcmp(cmd, "consolidate") == 0) return cmd_consolidate(argc - 2, argv + 2);
    if (strcmp(cmd, "diff") == 0) return cmd_diff(argc - 2, argv + 2);
    if (strcmp(cmd, "doc") == 0) return cmd_doc(argc - 2, argv + 2);
    return usage_error("unknown command '%s' (check, build, run, fmt, consolidate, diff or doc)", cmd);
}
