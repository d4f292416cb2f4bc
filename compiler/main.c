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
#include "lex.h"
#include "sema.h"
#include "rt_output.h"

extern char **environ;

static const char usage[] =
    "usage: dealc check FILE [AMENDMENT...] [--as-of DATE]\n"
    "       dealc build FILE [AMENDMENT...] [--as-of DATE] [-o OUTPUT] [--emit=tokens|ast|ir|obj] [-O0] [--no-main]\n"
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
    return lex_civil_to_days(y, m, d, days);
}

/* The runtime library: beside the compiler (build tree: build/bin/dealc and
 * build/lib/libdealrt.a; installed: PREFIX/bin and PREFIX/lib), or where
 * DEALC_RUNTIME_LIB says. */
static int find_runtime(char *out, size_t n)
{
    const char *env = getenv("DEALC_RUNTIME_LIB");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return access(out, R_OK) == 0;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            const char *subs[] = { "/../lib/libdealrt.a", "/../lib64/libdealrt.a", "/../" "lib/" "x86_64-linux-gnu/libdealrt.a" };
            for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
                snprintf(out, n, "%s%s", exe, subs[i]);
                if (access(out, R_OK) == 0) return 1;
            }
        }
    }
    snprintf(out, n, "%s/libdealrt.a", DEALC_INSTALL_LIBDIR);
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

/* Links obj with the runtime into exe, a file in a scratch directory: the
 * linker writes only there, and every file name it is given is one it
 * cannot read as an option. */
static int link_exe(const char *obj, const char *exe)
{
    char rt[PATH_MAX];
    if (!find_runtime(rt, sizeof rt)) {
        fprintf(stderr, "dealc: error: cannot find the runtime library libdealrt.a (looked beside the compiler and in %s; "
                        "set DEALC_RUNTIME_LIB to its path)\n", DEALC_INSTALL_LIBDIR);
        return 0;
    }
    char a_exe[PATH_MAX + 2], a_obj[PATH_MAX + 2], a_rt[PATH_MAX + 2];
    if (!rt_out_child_arg(exe, a_exe, sizeof a_exe) || !rt_out_child_arg(obj, a_obj, sizeof a_obj) ||
        !rt_out_child_arg(rt, a_rt, sizeof a_rt)) {
        fprintf(stderr, "dealc: error: file name too long\n");
        return 0;
    }
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)DEALC_CC;
    char extra[256];
    snprintf(extra, sizeof extra, "%s", DEALC_LINK_EXTRA);
    for (char *tok = strtok(extra, " "); tok && n < 10; tok = strtok(NULL, " ")) argv[n++] = tok;
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

static char *default_output(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".deal") == 0) n -= 5;
    char *r = malloc(n + 1);
    if (!r) return NULL;
    memcpy(r, base, n);
    r[n] = 0;
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
    int ok = front_run_all(&fe, fo.paths, fo.n, fo.as_of, EMIT_EXE, stdout, 1);
    if (ok) {
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = arena_memstream(&buf, &len);
        fmt_deal(mem, fe.b.deal, &fe.file, &fe.b.comments);
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
    int optimize = 1, with_main = 1;
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

    /* The output is checked before any work: never a deal file, an
     * amendment, the runtime library or dealc itself. Text dumps go to
     * standard output unless -o is given. */
    int text = emit == EMIT_TOKENS || emit == EMIT_AST || emit == EMIT_IR;
    char *def = !out && !text ? default_output(file) : NULL;
    const char *target = out ? out : def;
    rt_outset *os = NULL;
    int oi = -1;
    FILE *dump = stdout;
    if (target) {
        char rt[PATH_MAX];
        os = rt_out_begin();
        int ok = os && rt_out_input(os, "/proc/self/exe") && (!find_runtime(rt, sizeof rt) || rt_out_input(os, rt));
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
            /* the object, and the executable the linker makes of it, in a
             * private scratch directory; then copied to the target */
            rt_scratch *sc = rt_scratch_new();
            const char *obj = sc ? rt_scratch_file(sc, "deal.o") : NULL;
            const char *exe = obj && emit == EMIT_EXE ? rt_scratch_file(sc, "deal") : NULL;
            if (!obj || (emit == EMIT_EXE && !exe)) {
                ok = 0;
            } else if (!cg_emit_object(m, obj, &err)) {
                fprintf(stderr, "dealc: error: %s\n", err);
                free(err);
                ok = 0;
            } else {
                ok = (emit == EMIT_OBJ || link_exe(obj, exe)) && rt_out_write_file(os, oi, emit == EMIT_OBJ ? obj : exe);
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
    if (fo.n > 1 && as_of < 0) lex_civil_to_days(2200, 12, 31, &as_of); /* the amended agreement */
    int ok = front_run_all(&fe, fo.paths, fo.n, as_of, EMIT_EXE, stdout, 1);
    if (ok) {
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = arena_memstream(&buf, &len);
        doc_deal(mem, fe.b.deal);
        arena_memclose(mem, &buf);
        ok = write_output(out, buf, len, 0);
        free(buf);
    }
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

/* ---- diff --impact: both versions compiled and run on the same scenario ---- */

/* a class's principal and interest, or (party set) what a party was paid, in prin */
typedef struct flow_row { char cls[128]; char period[32]; long long prin, intr; int has_p, has_i, party; } flow_row;
typedef struct flow_tab { flow_row *v; int n, cap; char wal[64][2][32]; char walcls[64][128]; int nwal; } flow_tab;

static long long cents_of(const char *s)
{
    long long v = 0, sign = 1, frac = 0;
    int fd = -1;
    if (*s == '-') { sign = -1; s++; }
    for (; *s && *s != '\n' && *s != ','; s++) {
        if (*s == '.') { fd = 0; continue; }
        if (*s < '0' || *s > '9') break;
        if (fd >= 0) { if (fd < 2) { frac = frac * 10 + (*s - '0'); fd++; } }
        else v = v * 10 + (*s - '0');
    }
    while (fd < 2) { frac *= 10; fd = fd < 0 ? 1 : fd + 1; }
    return sign * (v * 100 + frac);
}

static flow_row *flow_find(flow_tab *t, const char *cls, const char *period, int party)
{
    for (int i = t->n - 1; i >= 0; i--)
        if (t->v[i].party == party && strcmp(t->v[i].cls, cls) == 0 && strcmp(t->v[i].period, period) == 0)
            return &t->v[i];
    return NULL;
}

/* a table's rows come class by class, period by period: the row wanted is
 * nearly always among the last few */
static flow_row *flow_get(flow_tab *t, const char *cls, const char *period, int party)
{
    for (int i = t->n - 1; i >= 0 && i >= t->n - 64; i--)
        if (t->v[i].party == party && strcmp(t->v[i].cls, cls) == 0 && strcmp(t->v[i].period, period) == 0)
            return &t->v[i];
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->v = realloc(t->v, sizeof *t->v * (size_t)t->cap);
    }
    flow_row *r = &t->v[t->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->cls, sizeof r->cls, "%.127s", cls);
    snprintf(r->period, sizeof r->period, "%.31s", period);
    r->party = party;
    return r;
}

/* the class flows of a deal binary's csv: projection tables ("Class C,N,
 * Principal,V") or replay statements ("DATE,class,C,principal,V", and
 * "DATE,party,P,paid,V": who gets less when a class gets more) */
static void parse_flows(const char *csv, flow_tab *t, int version)
{
    for (const char *l = csv; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        char a[160], b[160], c[160], d[160];
        if (sscanf(l, "Class %127[^,],%31[^,],%63[^,],%63[^,\n]", a, b, c, d) == 4) {
            if (strcmp(b, "Total") == 0) continue;   /* the table's totals row */
            if (strcmp(c, "Principal") == 0) { flow_row *r = flow_get(t, a, b, 0); r->prin = cents_of(d); r->has_p = 1; }
            else if (strcmp(c, "Interest") == 0) { flow_row *r = flow_get(t, a, b, 0); r->intr = cents_of(d); r->has_i = 1; }
        } else if (sscanf(l, "Summary,%127[^,],WAL,%63[^,\n]", a, d) == 2) {
            int k = 0;
            while (k < t->nwal && strcmp(t->walcls[k], a) != 0) k++;
            if (k == t->nwal && k < 64) { snprintf(t->walcls[k], sizeof t->walcls[k], "%.127s", a); t->nwal++; }
            if (k < 64) snprintf(t->wal[k][version], sizeof t->wal[k][version], "%.31s", d);
        } else if (sscanf(l, "%31[^,],class,%127[^,],%63[^,],%63[^,\n]", b, a, c, d) == 4) {
            if (strcmp(c, "principal") == 0) { flow_row *r = flow_get(t, a, b, 0); r->prin = cents_of(d); r->has_p = 1; }
            else if (strcmp(c, "interest") == 0) { flow_row *r = flow_get(t, a, b, 0); r->intr = cents_of(d); r->has_i = 1; }
        } else if (sscanf(l, "%31[^,],party,%127[^,],paid,%63[^,\n]", b, a, d) == 3) {
            flow_row *r = flow_get(t, a, b, 1);
            r->prin = cents_of(d);
            r->has_p = 1;
        }
    }
}

static void put_cents(FILE *out, long long c)
{
    char buf[64];
    long long a = c < 0 ? -c : c;
    snprintf(buf, sizeof buf, "%lld", a / 100);
    int n = (int)strlen(buf);
    if (c < 0) fputc('-', out);
    for (int i = 0; i < n; i++) {
        fputc(buf[i], out);
        if ((n - 1 - i) % 3 == 0 && i < n - 1) fputc(',', out);
    }
    fprintf(out, ".%02lld", a % 100);
}

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
    ok = ok && link_exe(obj, exe);
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

static int impact(FILE *out, front *a, front *b, char **args, int nargs)
{
    if (!a->b.deal || !b->b.deal) return 0;
    if (!sema_check(a->b.deal, &a->diag, &a->a, &a->sema) || !sema_check(b->b.deal, &b->diag, &b->a, &b->sema)) {
        diag_print_all(&a->diag, stderr);
        diag_print_all(&b->diag, stderr);
        return 0;
    }
    char *o = run_version(a, args, nargs, "old"), *n = o ? run_version(b, args, nargs, "new") : NULL;
    if (!o || !n) { free(o); free(n); return 0; }
    flow_tab ta = { 0 }, tb = { 0 };
    parse_flows(o, &ta, 0);
    parse_flows(n, &tb, 0);
    fputs("\nimpact on the scenario:\n", out);
    int any = 0;
    /* classes, then parties, in the order the old version lists them */
    for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < ta.n; i++) {
        const char *cls = ta.v[i].cls;
        int party = ta.v[i].party, first = party == pass;
        for (int j = 0; j < i && first; j++)
            if (ta.v[j].party == party && strcmp(ta.v[j].cls, cls) == 0) first = 0;
        if (!first) continue;
        long long tot_a = 0, tot_b = 0;
        int shown = 0, differ = 0;
        for (int k = 0; k < ta.n; k++) {
            flow_row *r = &ta.v[k];
            if (r->party != party || strcmp(r->cls, cls) != 0) continue;
            flow_row zero = { .prin = 0 }, *s = flow_find(&tb, cls, r->period, party);
            if (!s) s = &zero;
            tot_a += r->prin + r->intr;
            if (r->prin != s->prin || r->intr != s->intr) {
                differ++;
                if (shown++ < 12) {
                    fprintf(out, "  %s %s: %s ", cls, r->period, party ? "paid" : "principal");
                    put_cents(out, r->prin); fputs(" -> ", out); put_cents(out, s->prin);
                    if (!party) {
                        fputs(", interest ", out);
                        put_cents(out, r->intr); fputs(" -> ", out); put_cents(out, s->intr);
                    }
                    fputc('\n', out);
                }
            }
        }
        for (int k = 0; k < tb.n; k++)
            if (tb.v[k].party == party && strcmp(tb.v[k].cls, cls) == 0) tot_b += tb.v[k].prin + tb.v[k].intr;
        if (!differ) continue;
        any = 1;
        if (shown > 12) fprintf(out, "  %s: %d more periods differ\n", cls, shown - 12);
        fprintf(out, "  %s total cash ", cls);
        put_cents(out, tot_a); fputs(" -> ", out); put_cents(out, tot_b);
        fputs(" (", out); put_cents(out, tot_b - tot_a); fputs(")", out);
        for (int k = 0; k < ta.nwal; k++)
            if (strcmp(ta.walcls[k], cls) == 0)
                for (int q = 0; q < tb.nwal; q++)
                    if (strcmp(tb.walcls[q], cls) == 0) fprintf(out, "; WAL %s -> %s", ta.wal[k][0], tb.wal[q][0]);
        fputc('\n', out);
    }
    if (!any) fputs("  no class or party is paid differently\n", out);
    free(ta.v);
    free(tb.v);
    free(o);
    free(n);
    return 1;
}

static int cmd_diff(int argc, char **argv)
{
    char *files[2];
    int nf = 0, want_impact = 0, nrest = 0;
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
        if (strcmp(a, "--impact") == 0) {
            want_impact = 1;
        } else if (strcmp(a, "--format") == 0) {
            if (++i >= argc) return usage_error("'--format' needs text, html or json%s", "");
            if (strcmp(argv[i], "text") == 0) format = DIFF_TEXT;
            else if (strcmp(argv[i], "html") == 0) format = DIFF_HTML;
            else if (strcmp(argv[i], "json") == 0) format = DIFF_JSON;
            else return usage_error("unknown diff format '%s' (text, html or json)", argv[i]);
        } else if (strcmp(a, "--color") == 0) {
            color = 1;
        } else if (strcmp(a, "--no-color") == 0) {
            color = 0;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (nf < 2) {
            files[nf++] = argv[i];
        } else {
            return usage_error("'diff' compares two files; '%s' is one too many", a);
        }
    }
    if (nf != 2) return usage_error("'diff' needs two files: OLD NEW, or AGREEMENT AMENDMENT%s", "");
    if (want_impact && !nrest)
        return usage_error("--impact runs both versions: give the deal's arguments after '--', as in -- project --cpr 20%s", "");
    if (want_impact && format != DIFF_TEXT) return usage_error("--impact reports as text%s", "");
    if (format != DIFF_TEXT) color = 0;
    front a, b;
    int ok = front_run_all(&a, files, 1, -1, EMIT_EXE, stdout, 0);
    int okb;
    if (is_amendment_file(files[1])) {
        /* the agreement as the amendment leaves it */
        char *both[2] = { files[0], files[1] };
        int end_of_time = 0;
        lex_civil_to_days(2200, 12, 31, &end_of_time);
        okb = front_run_all(&b, both, 2, end_of_time, EMIT_EXE, stdout, 0);
    } else {
        okb = front_run_all(&b, files + 1, 1, -1, EMIT_EXE, stdout, 0);
    }
    if (ok && okb) diff_deals(stdout, a.b.deal, b.b.deal, format, color, files[0], files[1]);
    if (ok && okb && want_impact) {
        fflush(stdout);
        if (is_amendment_file(files[1])) {
            /* in cash, the amendment counts from its effective date, as in
             * a binary built from both: earlier distributions pay alike */
            front dated;
            okb = front_run_all(&dated, files, 2, -1, EMIT_EXE, stdout, 0);
            if (okb && !impact(stdout, &a, &dated, rest, nrest)) ok = 0;
            front_free(&dated);
        } else if (!impact(stdout, &a, &b, rest, nrest)) {
            ok = 0;
        }
    }
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
    char *name = default_output(file);
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
