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
#include <getopt.h>
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
#include "rt_hash.h"

#include "dealc/compile.h"

extern char **environ;

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

/* ---- the command line ------------------------------------------------------
 * Every command's options are parsed by getopt_long from one table: long
 * options as --name VALUE or --name=VALUE, "--" ends the options (run and
 * diff take what follows it as the deal's own arguments), and an option a
 * command does not take is a usage error (exit 2) that points at the
 * command's --help. Options are matched whole: getopt_long's abbreviations
 * ("--as" for "--as-of") are refused, so that adding an option never
 * changes what an existing command line means. */

enum {
    O_AS_OF = 256, O_EMIT, O_NO_MAIN, O_SHARED, O_WRITE, O_CHECK, O_FORMAT, O_WIDTH, O_COLOR, O_NO_COLOR,
    O_IMPACT, O_STATE, O_PERIOD
};

static const struct option all_options[] = {
    { "help", no_argument, NULL, 'h' },           { "output", required_argument, NULL, 'o' },
    { "as-of", required_argument, NULL, O_AS_OF }, { "emit", required_argument, NULL, O_EMIT },
    { "no-main", no_argument, NULL, O_NO_MAIN },  { "shared", no_argument, NULL, O_SHARED },
    { "write", no_argument, NULL, O_WRITE },      { "check", no_argument, NULL, O_CHECK },
    { "format", required_argument, NULL, O_FORMAT }, { "width", required_argument, NULL, O_WIDTH },
    { "color", no_argument, NULL, O_COLOR },      { "no-color", no_argument, NULL, O_NO_COLOR },
    { "impact", no_argument, NULL, O_IMPACT },    { "state", required_argument, NULL, O_STATE },
    { "period", required_argument, NULL, O_PERIOD },
};
#define NOPTIONS (int)(sizeof all_options / sizeof all_options[0])

/* what a command line said */
typedef struct cli {
    char *files[DIAG_MAX_FILES]; /* the operands, in order */
    int nfiles;
    char **rest;                 /* after "--" (run, diff) */
    int nrest;
    int as_of;                   /* day number; -1 none */
    const char *out, *state, *period;
    emit_kind emit;
    int optimize, no_main, shared, write, check, impact, color, width;
    diff_format format;
} cli;

typedef struct command {
    const char *name;
    int (*run)(cli *c);
    const int *options;  /* the option ids it takes, 0-terminated ('h' is always taken) */
    int rest;            /* takes arguments after "--" */
    const char *help;    /* `dealc NAME --help` */
} command;

static const command *current; /* the command being parsed, for its messages */

/* `dealc CMD --help` is where a usage error points */
static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "dealc: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'dealc%s%s --help' for more information.\n", current ? " " : "", current ? current->name : "");
    return 2;
}

/* --as-of DATE */
static int parse_as_of(const char *s, int32_t *days)
{
    return rt_date_parse(s, strlen(s), days);
}

/* the text of the option getopt_long just returned (argv[optind - 1], or
 * the one before when its value was the next argument), for messages */
static const char *option_text(int argc, char **argv)
{
    (void)argc;
    if (optind >= 2 && optarg && optarg == argv[optind - 1]) return argv[optind - 2];
    return optind >= 1 ? argv[optind - 1] : "";
}

/* 1 when the option as written is the whole name (not an abbreviation) */
static int whole_name(const char *text, const char *name)
{
    if (text[0] != '-' || text[1] != '-') return 1; /* a short option */
    size_t n = strlen(name);
    return strncmp(text + 2, name, n) == 0 && (text[2 + n] == '\0' || text[2 + n] == '=');
}

/* argv[0] is the command's name. -1 to go on, else the exit status (2
 * after a usage error, 0 when --help was printed) */
static int parse_cli(const command *cmd, int argc, char **argv, cli *c)
{
    memset(c, 0, sizeof *c);
    c->as_of = -1;
    c->optimize = 1;
    c->color = -1;
    if (cmd->rest)
        for (int i = 1; i < argc; i++)
            if (strcmp(argv[i], "--") == 0) {
                c->rest = argv + i + 1;
                c->nrest = argc - i - 1;
                argc = i;
                break;
            }
    struct option lo[NOPTIONS + 1];
    int n = 0;
    char shorts[16] = ":h";
    for (int i = 0; i < NOPTIONS; i++) {
        int id = all_options[i].val, take = id == 'h';
        for (const int *o = cmd->options; !take && *o; o++) take = *o == id;
        if (!take) continue;
        lo[n++] = all_options[i];
        if (id == 'o') strcat(shorts, "o:");
        if (id == O_EMIT) strcat(shorts, "O:"); /* -O0 goes with build's --emit */
    }
    memset(&lo[n], 0, sizeof lo[n]);
    optind = 0; /* a fresh scan (glibc) */
    opterr = 0;
    int ch, li;
    while ((li = -1, ch = getopt_long(argc, argv, shorts, lo, &li)) != -1) {
        const char *text = option_text(argc, argv);
        if (ch == '?') {
            if (optopt && optopt != '?' && (text[0] == '-' && text[1] == '-'))
                return usage_error("option '%s' takes no value", text);
            if (optopt && optopt < 256 && text[1] != '-') {
                char o[3] = { '-', (char)optopt, 0 };
                return usage_error("unknown option '%s'", o);
            }
            return usage_error(cmd->rest ? "unknown option '%s' (the deal's own arguments go after '--')"
                                         : "unknown option '%s'", text);
        }
        if (ch == ':') return usage_error("option '%s' needs a value", text);
        if (li >= 0 && !whole_name(text, lo[li].name)) return usage_error("unknown option '%s'", text);
        switch (ch) {
        case 'h':
            fputs(cmd->help, stdout);
            return fflush(stdout) == 0 ? 0 : 1;
        case 'o': c->out = optarg; break;
        case 'O':
            if (strcmp(optarg, "0") != 0) return usage_error("'-O%s': only -O0 (no optimisation) is known", optarg);
            c->optimize = 0;
            break;
        case O_AS_OF:
            if (!parse_as_of(optarg, &c->as_of)) return usage_error("--as-of: '%s' is not a date (YYYY-MM-DD)", optarg);
            break;
        case O_EMIT:
            if (strcmp(optarg, "tokens") == 0) c->emit = EMIT_TOKENS;
            else if (strcmp(optarg, "ast") == 0) c->emit = EMIT_AST;
            else if (strcmp(optarg, "ir") == 0) c->emit = EMIT_IR;
            else if (strcmp(optarg, "obj") == 0) c->emit = EMIT_OBJ;
            else return usage_error("unknown --emit kind '%s' (tokens, ast, ir or obj)", optarg);
            break;
        case O_NO_MAIN: c->no_main = 1; break;
        case O_SHARED: c->shared = 1; break;
        case O_WRITE: c->write = 1; break;
        case O_CHECK: c->check = 1; break;
        case O_IMPACT: c->impact = 1; break;
        case O_COLOR: c->color = 1; break;
        case O_NO_COLOR: c->color = 0; break;
        case O_STATE: c->state = optarg; break;
        case O_PERIOD: c->period = optarg; break;
        case O_FORMAT:
            if (strcmp(optarg, "text") == 0) c->format = DIFF_TEXT;
            else if (strcmp(optarg, "html") == 0) c->format = DIFF_HTML;
            else if (strcmp(optarg, "json") == 0) c->format = DIFF_JSON;
            else return usage_error("unknown diff format '%s' (text, html or json)", optarg);
            break;
        case O_WIDTH: {
            char *end = NULL;
            long w = strtol(optarg, &end, 10);
            if (!end || *end || w < 40 || w > 1000) return usage_error("--width: '%s' is not a width from 40 to 1000", optarg);
            c->width = (int)w;
            break;
        }
        default: return usage_error("unknown option '%s'", text);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (c->nfiles >= DIAG_MAX_FILES) {
            char most[16];
            snprintf(most, sizeof most, "%d", DIAG_MAX_FILES - 1);
            return usage_error("too many files: an agreement and at most %s amendments", most);
        }
        c->files[c->nfiles++] = argv[i];
    }
    return -1;
}

static int write_output(const char *path, const char *text, size_t len, int flags);

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

static int cmd_check(cli *c)
{
    if (!c->nfiles) return usage_error("'check' needs a deal file (and any amendments)%s", "");
    front fe;
    int ok = front_run_all(&fe, c->files, c->nfiles, c->as_of, EMIT_EXE, stdout, 1);
    front_free(&fe);
    return ok ? 0 : 1;
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

static int cmd_consolidate(cli *c)
{
    const char *out = c->out;
    if (c->nfiles < 1) return usage_error("'consolidate' needs the agreement and its amendments%s", "");
    if (c->as_of < 0) return usage_error("'consolidate' needs --as-of DATE: the agreement as it stood on that date%s", "");
    front fe;
    /* checked as consolidated, so what is printed is a deal that compiles */
    int as_of = c->as_of;
    int ok = front_run_all(&fe, c->files, c->nfiles, as_of, EMIT_EXE, stdout, 1);
    if (ok && fe.b.deal->has_closing && as_of < fe.b.deal->closing) {
        /* before the agreement began: as it was made, no amendment applied */
        char *notes = as_of_notes(&fe, as_of);
        free(notes);
        front_free(&fe);
        ok = front_run_all(&fe, c->files, 1, as_of, EMIT_EXE, stdout, 1);
        as_of = -2;
    }
    if (ok) {
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = arena_memstream(&buf, &len);
        char *notes = as_of == -2 ? NULL : as_of_notes(&fe, as_of);
        if (as_of == -2) {
            fprintf(mem, "// %s, as it was made: ", fe.b.deal->name);
            put_day(mem, c->as_of);
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

static int cmd_build(cli *c)
{
    const char *file = NULL, *out = c->out;
    emit_kind emit = c->emit;
    int optimize = c->optimize, with_main = !c->no_main, shared = c->shared;
    if (!c->nfiles) return usage_error("'build' needs a deal file (and any amendments)%s", "");
    file = c->files[0];
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
        int ok = os && (!find_runtime(rt, sizeof rt, shared ? "libdealrt.so" : "libdealrt.a") || rt_out_input(os, rt));
        for (int i = 0; ok && i < c->nfiles; i++) ok = rt_out_input(os, c->files[i]);
        if (ok) oi = rt_out_add(os, target, emit == EMIT_EXE ? RT_OUT_EXEC : 0);
        if (oi >= 0 && text && !(dump = rt_out_stream(os, oi))) oi = -1;
        if (oi < 0) {
            rt_out_end(os);
            free(def);
            return 1;
        }
    }
    front fe;
    int ok = front_run_all(&fe, c->files, c->nfiles, c->as_of, emit, dump, 1);
    if (ok && (emit == EMIT_EXE || emit == EMIT_IR || emit == EMIT_OBJ)) {
        char *err = NULL;
        char hash[17];
        int hashed = rt_fnv_sources(hash, (const char *const *)c->files, c->nfiles);
        cg_options o = { .emit_main = with_main, .optimize = optimize, .version = DEALC_VERSION,
                         .sources_hash = hashed ? hash : NULL };
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
    int oi = os ? rt_out_add(os, path, flags) : -1;
    int ok = oi >= 0 && rt_out_write(os, oi, text, len) && rt_out_commit(os);
    rt_out_end(os);
    return ok;
}

static int cmd_doc(cli *c)
{
    const char *out = c->out;
    if (!c->nfiles) return usage_error("'doc' needs a deal file (and any amendments)%s", "");
    if (!out) return usage_error("'doc' writes a page: give -o FILE.html%s", "");
    front fe;
    int as_of = c->as_of;
    if (c->nfiles > 1 && as_of < 0) rt_civil_to_days(RT_YEAR_MAX, 12, 31, &as_of); /* the amended agreement */
    int ok = front_run_all(&fe, c->files, c->nfiles, as_of, EMIT_EXE, stdout, 1);
    char *notes = ok ? as_of_notes(&fe, c->as_of) : NULL;
    if (ok) {
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = arena_memstream(&buf, &len);
        doc_options dopt = { .as_of = c->as_of, .amendments = (const ast_amendment *const *)fe.ams,
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

static int cmd_fmt(cli *c)
{
    int write = c->write, check = c->check, status = 0;
    if (!c->nfiles) return usage_error("'fmt' needs at least one deal file%s", "");
    if (write && check) return usage_error("--write and --check do not go together%s", "");
    for (int i = 0; i < c->nfiles; i++) {
        char **argv = c->files;
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
 * In process, through the public API: each version JIT-compiled
 * (dealc_compile), the scenario replayed (dealc_replay_files) or projected
 * (dealc_project) into result structures, and the structures compared
 * (impact.c) in exact cents. No binary is built, nothing is printed and
 * read back. */

/* the scenario after "--": replay --state S REMITTANCE.csv, or project
 * [--state S] [--scenario F] [ASSUMPTIONS] (the deal binary's spelling:
 * --key VALUE or --key=VALUE) */
typedef struct impact_scenario {
    int projection;
    const char *state, *remit, *file;
    dealc_scenario *sc;
} impact_scenario;

static void put_api_error(const dealc_error *e)
{
    char msg[2048];
    dealc_error_text(e, msg, sizeof msg);
    fprintf(stderr, "%s%s\n", e->file[0] || e->date[0] ? "" : "dealc: ", msg);
}

/* 0 ok, else a usage status (the message printed) */
static int impact_scenario_parse(impact_scenario *s, char **args, int nargs)
{
    memset(s, 0, sizeof *s);
    if (!nargs || (strcmp(args[0], "replay") != 0 && strcmp(args[0], "project") != 0))
        return usage_error("--impact runs a replay or a projection: '-- replay --state S R' or '-- project ...', "
                           "not '%s'", nargs ? args[0] : "");
    s->projection = strcmp(args[0], "project") == 0;
    dealc_error err;
    if (s->projection && dealc_scenario_new(&s->sc, &err) != DEALC_OK) { put_api_error(&err); return 1; }
    int only_files = 0;
    for (int i = 1; i < nargs; i++) {
        const char *a = args[i];
        if (!only_files && strcmp(a, "--") == 0) { only_files = 1; continue; }
        if (only_files || a[0] != '-' || !a[1]) {
            if (s->projection || s->remit)
                return usage_error("--impact: unexpected argument '%s'", a);
            s->remit = a;
            continue;
        }
        if (strncmp(a, "--", 2) != 0) return usage_error("--impact: unknown option '%s'", a);
        char key[64];
        const char *eq = strchr(a + 2, '='), *val = NULL;
        size_t kl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (kl == 0 || kl >= sizeof key) return usage_error("--impact: unknown option '%s'", a);
        memcpy(key, a + 2, kl);
        key[kl] = 0;
        int flag = strcmp(key, "to-call") == 0 || strcmp(key, "to-maturity") == 0;
        if (flag && eq) return usage_error("--impact: option '--%s' takes no value", key);
        if (!flag) {
            if (eq) val = eq + 1;
            else if (i + 1 < nargs) val = args[++i];
            else return usage_error("--impact: option '%s' needs a value", a);
        }
        if (strcmp(key, "state") == 0) {
            if (s->state) return usage_error("--impact: '--state' given twice%s", "");
            s->state = val;
        } else if (s->projection && strcmp(key, "scenario") == 0) {
            if (s->file) return usage_error("--impact: '--scenario' given twice%s", "");
            s->file = val;
        } else if (s->projection) {
            if (dealc_scenario_set(s->sc, key, val, &err) != DEALC_OK) {
                if (err.status == DEALC_ERR_USAGE && strncmp(err.message, "unknown assumption", 18) == 0)
                    return usage_error("--impact compares the cash of a projection's assumptions (--state, "
                                       "--scenario, --cpr ...): '%s' is not one", a);
                return usage_error("--impact: %s", err.message);
            }
        } else {
            return usage_error("--impact compares a replay's cash: it takes --state and the remittance, not '%s'", a);
        }
    }
    if (!s->projection && (!s->state || !s->remit))
        return usage_error("--impact: a replay needs --state OPENING.json and a remittance file%s", "");
    if (s->file && dealc_scenario_read(s->sc, s->file, &err) != DEALC_OK) { put_api_error(&err); return 1; }
    return 0;
}

/* one version: compiled (paths[0] the agreement, the rest its amendments,
 * each from its effective date) and run on the scenario */
typedef struct impact_run { dealc_deal *deal; dealc_replay *replay; dealc_projection *proj; } impact_run;

static int impact_run_version(impact_run *r, char **paths, int npaths, const impact_scenario *s, const char *tag)
{
    memset(r, 0, sizeof *r);
    dealc_error err;
    char *diags = NULL;
    dealc_compile_options o = { .amendments = (const char *const *)paths + 1, .namendments = npaths - 1 };
    if (dealc_compile(paths[0], &o, &r->deal, &diags, &err) != DEALC_OK) {
        if (diags && *diags) fputs(diags, stderr);
        else put_api_error(&err);
        dealc_free(diags);
        return 0;
    }
    dealc_free(diags);
    dealc_status st;
    if (!s->projection) {
        st = dealc_replay_files(r->deal, s->state, s->remit, &r->replay, &err);
    } else {
        dealc_state *open = NULL;
        st = s->state ? dealc_state_read(r->deal, s->state, &open, &err) : DEALC_OK;
        if (st == DEALC_OK) st = dealc_project(r->deal, open, s->sc, &r->proj, &err);
        dealc_state_free(open);
    }
    if (st != DEALC_OK) {
        put_api_error(&err);
        fprintf(stderr, "dealc: error: the %s version of the deal failed on that scenario\n", tag);
        return 0;
    }
    return 1;
}

static void impact_run_free(impact_run *r)
{
    dealc_replay_free(r->replay);
    dealc_projection_free(r->proj);
    dealc_deal_close(r->deal);
}

/* both versions' figures for the scenario, compared: old is files[0]; new
 * is files[1] (two versions) or files[0] with the amendments files[1..] */
static int impact_of(impact_report *rep, char **files, int nf, int amending, const impact_scenario *s)
{
    impact_run a = { 0 }, b = { 0 };
    int ok = impact_run_version(&a, files, 1, s, "old") &&
             impact_run_version(&b, amending ? files : files + 1, amending ? nf : 1, s, "new");
    if (ok) {
        const dealc_description *da = dealc_deal_describe(a.deal), *db = dealc_deal_describe(b.deal);
        ok = s->projection ? impact_compare_projections(rep, da, a.proj, db, b.proj)
                           : impact_compare_replays(rep, da, a.replay, db, b.replay);
        if (!ok) fprintf(stderr, "dealc: error: out of memory\n");
    }
    impact_run_free(&a);
    impact_run_free(&b);
    return ok;
}

static int cmd_diff(cli *c)
{
    char **files = c->files;
    int nf = c->nfiles, want_impact = c->impact, nrest = c->nrest, width = c->width;
    char **rest = c->rest;
    diff_format format = c->format;
    int color = c->color >= 0 ? c->color : isatty(1);
    if (nf < 2) return usage_error("'diff' needs two files: OLD NEW, or AGREEMENT AMENDMENT...%s", "");
    int amending = is_amendment_file(files[1]);
    for (int i = 2; i < nf; i++)
        if (!amending || !is_amendment_file(files[i]))
            return usage_error("'diff' compares two versions, or an agreement with its amendments: '%s' is one file too many",
                               files[i]);
    if (nrest && !want_impact)
        return usage_error("what follows '--' is a scenario for --impact: give --impact too%s", "");
    if (want_impact && !nrest)
        return usage_error("--impact runs both versions: give the deal's arguments after '--', as in -- project --cpr 20%s", "");
    impact_scenario scen = { 0 };
    if (want_impact) {
        int rc = impact_scenario_parse(&scen, rest, nrest);
        if (rc) { dealc_scenario_free(scen.sc); return rc; }
    }
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
        /* in cash, an amendment counts from its effective date, as in a
         * binary built from both: earlier distributions pay alike */
        have_impact = impact_of(&rep, files, nf, amending, &scen);
        if (!have_impact) ok = 0;
    }
    dealc_scenario_free(scen.sc);
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

static int cmd_run(cli *c)
{
    if (!c->nfiles) return usage_error("'run' needs a deal file%s", "");
    const char *file = c->files[0];
    front fe;
    if (!front_run_all(&fe, c->files, c->nfiles, c->as_of, EMIT_EXE, stdout, 1)) { front_free(&fe); return 1; }
    char *err = NULL;
    char hash[17];
    int hashed = rt_fnv_sources(hash, (const char *const *)c->files, c->nfiles);
    cg_options o = { .emit_main = 0, .optimize = 1, .for_jit = 1, .version = DEALC_VERSION,
                     .sources_hash = hashed ? hash : NULL };
    cg_module *m = cg_compile(&fe.sema, &fe.file, &o, &err);
    if (!m) {
        fprintf(stderr, "dealc: error: %s\n", err ? err : "code generation failed");
        free(err);
        front_free(&fe);
        return 1;
    }
    /* the deal's command line sees the program name a built binary would */
    char *name = default_output(file, "");
    int dargc = c->nrest + 1;
    char **dargv = calloc((size_t)dargc + 1, sizeof *dargv);
    if (!dargv || !name) { fprintf(stderr, "dealc: out of memory\n"); return 1; }
    dargv[0] = name;
    for (int i = 0; i < c->nrest; i++) dargv[i + 1] = c->rest[i];
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

/* `dealc explain FILE [AMENDMENT...] --state S REMITTANCE --period N NAME`:
 * the deal compiled in process and its own explain command run on it
 * (dealc_deal_main), so the words and figures are the binary's */
static int cmd_explain(cli *c)
{
    if (c->nfiles < 3 || !c->state || !c->period)
        return usage_error("'explain' needs FILE [AMENDMENT...] --state OPENING.json REMITTANCE.csv --period N NAME%s",
                           "");
    int npaths = c->nfiles - 2;
    char as_of[11]; /* YYYY-MM-DD */
    dealc_compile_options o = { .amendments = (const char *const *)c->files + 1, .namendments = npaths - 1 };
    if (c->as_of >= 0) o.as_of = rt_date_format(as_of, c->as_of);
    dealc_deal *deal = NULL;
    dealc_error err;
    char *diags = NULL;
    if (dealc_compile(c->files[0], &o, &deal, &diags, &err) != DEALC_OK) {
        if (diags && *diags) fputs(diags, stderr);
        else put_api_error(&err);
        dealc_free(diags);
        return 1;
    }
    dealc_free(diags);
    char *name = default_output(c->files[0], "");
    char *argv[] = { name, "explain", "--state", (char *)c->state, c->files[npaths], "--period", (char *)c->period,
                     "--", c->files[npaths + 1], NULL };
    int status = name ? dealc_deal_main(deal, 9, argv) : 1;
    free(name);
    dealc_deal_close(deal);
    return status;
}

static const int files_opts[] = { O_AS_OF, 0 };
static const int output_opts[] = { O_AS_OF, 'o', 0 };
static const int build_opts[] = { O_AS_OF, 'o', O_EMIT, O_NO_MAIN, O_SHARED, 0 };
static const int fmt_opts[] = { O_WRITE, O_CHECK, 0 };
static const int diff_opts[] = { O_FORMAT, O_WIDTH, O_COLOR, O_NO_COLOR, O_IMPACT, 0 };
static const int explain_opts[] = { O_AS_OF, O_STATE, O_PERIOD, 0 };

#define AMENDMENTS_HELP                                                                          \
    "  AMENDMENT...         after the agreement, amendments (their own files): each applies\n"  \
    "                       on the payment dates from its effective date\n"                     \
    "  --as-of DATE         apply the amendments in effect on DATE (YYYY-MM-DD) throughout\n"

static const command commands[] = {
    { "check", cmd_check, files_opts, 0,
      "usage: dealc check FILE [AMENDMENT...] [--as-of DATE]\n\n"
      "Parses and checks a deal (and its amendments) and prints every error found, as\n"
      "FILE:LINE:COL: error: MESSAGE with the source line. Exit 1 when there are errors.\n\n"
      AMENDMENTS_HELP },
    { "build", cmd_build, build_opts, 0,
      "usage: dealc build FILE [AMENDMENT...] [--as-of DATE] [-o OUTPUT] [--emit=KIND] [-O0]\n"
      "                   [--no-main] [--shared]\n\n"
      "Compiles a deal to a standalone executable (default name: FILE without .deal).\n\n"
      AMENDMENTS_HELP
      "  -o, --output OUTPUT  the file to write\n"
      "  --emit=tokens        the tokens, one per line (standard output unless -o)\n"
      "  --emit=ast           the syntax tree\n"
      "  --emit=ir            the LLVM IR (after optimisation unless -O0)\n"
      "  --emit=obj           the object file only (no linking)\n"
      "  -O0                  skip the optimiser\n"
      "  --no-main            leave out main(), for an object linked into another program that\n"
      "                       calls dealc_describe and dealc_period (with --emit=obj or ir)\n"
      "  --shared             a shared object (default name: FILE without .deal, plus .so) that\n"
      "                       programs load with the C API's dealc_deal_open or Python's\n"
      "                       dealc.load; it needs libdealrt.so\n\n"
      "The linker is $CC, else cc. The binary's --version prints this dealc's version and a\n"
      "hash of the agreement and amendment files it was built from.\n" },
    { "run", cmd_run, files_opts, 1,
      "usage: dealc run FILE [AMENDMENT...] [--as-of DATE] [-- ARGS...]\n\n"
      "Compiles a deal in memory (JIT) and runs its own command line with ARGS, e.g.\n"
      "  dealc run deal.deal -- replay --state s.json r.csv\n\n"
      AMENDMENTS_HELP },
    { "explain", cmd_explain, explain_opts, 0,
      "usage: dealc explain FILE [AMENDMENT...] [--as-of DATE] --state OPENING.json REMITTANCE.csv\n"
      "                     --period N NAME\n\n"
      "Compiles a deal in memory, replays REMITTANCE.csv from OPENING.json to its Nth payment\n"
      "date and takes the definition or clause NAME apart: its formula, the agreement's\n"
      "words, the amendment it comes from and every figure it uses, with that date's values\n"
      "(the deal binary's explain command).\n\n"
      AMENDMENTS_HELP
      "  --state FILE         the opening state (JSON)\n"
      "  --period N           the payment date: 1 for the remittance's first\n" },
    { "consolidate", cmd_consolidate, output_opts, 0,
      "usage: dealc consolidate FILE AMENDMENT... --as-of DATE [-o OUTPUT]\n\n"
      "Prints the agreement as amended as of DATE, as canonical source that compiles on its\n"
      "own, with a header naming the amendments applied.\n\n"
      "  --as-of DATE         the date (YYYY-MM-DD); required\n"
      "  -o, --output OUTPUT  write it to OUTPUT instead of standard output\n" },
    { "diff", cmd_diff, diff_opts, 1,
      "usage: dealc diff OLD NEW [OPTIONS]                two versions of an agreement\n"
      "       dealc diff AGREEMENT AMENDMENT... [OPTIONS]  the agreement and the agreement as amended\n\n"
      "What changed, definition by definition and clause by clause (layout and comments\n"
      "ignored), the changed words, and what depends on each change.\n\n"
      "  --format text|html|json   text (default; wrapped to the terminal or 100 columns), a\n"
      "                            redline page, or JSON\n"
      "  --width N                 wrap text at N columns\n"
      "  --color, --no-color       colour the text's changes (default: on a terminal)\n"
      "  --impact -- replay --state OPENING.json REMITTANCE.csv\n"
      "  --impact -- project [--state OPENING.json] [--scenario FILE] [ASSUMPTIONS]\n"
      "                            also compile both versions in memory, replay or project each\n"
      "                            on the same inputs and compare the cash in exact cents, every\n"
      "                            class and party, period by period (in the same format); an\n"
      "                            amendment counts from its effective date\n" },
    { "fmt", cmd_fmt, fmt_opts, 0,
      "usage: dealc fmt [--write | --check] FILE...\n\n"
      "Prints each deal or amendment in the canonical layout (comments and legal text kept).\n\n"
      "  --write              rewrite the files in place\n"
      "  --check              list the files not in canonical layout (exit 1 if any)\n" },
    { "doc", cmd_doc, output_opts, 0,
      "usage: dealc doc FILE [AMENDMENT...] [--as-of DATE] -o FILE.html\n\n"
      "Writes the agreement as a linked HTML page: each definition and clause with its words,\n"
      "formula, what it uses and what uses it, and the amendments that changed it.\n\n"
      AMENDMENTS_HELP
      "  -o, --output FILE    the page to write (required)\n" },
};
#define NCOMMANDS (int)(sizeof commands / sizeof commands[0])

static const char help[] =
    "usage: dealc COMMAND [OPTIONS] FILE...\n\n"
    "dealc — a compiler for pooling and servicing agreements\n\n"
    "  check        parse and check a deal; print every error found\n"
    "  build        compile a deal to an executable, a shared object, an object or IR\n"
    "  run          compile a deal in memory and run its command line\n"
    "  explain      take a figure of a payment date apart (the deal compiled in memory)\n"
    "  consolidate  the agreement as amended on a date, as source\n"
    "  diff         what changed between two versions, and with --impact, in cash\n"
    "  fmt          the canonical layout\n"
    "  doc          the agreement as a linked HTML page\n\n"
    "  dealc COMMAND --help   a command's options\n"
    "  dealc --version        the version\n\n"
    "Diagnostics read FILE:LINE:COL: error: MESSAGE, with the source line.\n"
    "Exit status: 0 ok, 1 errors in the deal or a failed run, 2 bad usage.\n"
    "See docs/language.md, docs/user-guide.md and docs/architecture.md.\n";

int main(int argc, char **argv)
{
    cg_install_oom_handlers(rt_out_cleanup_now);
    if (argc < 2) return usage_error("a command is needed (check, build, run, explain, consolidate, diff, fmt or doc)%s", "");
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) { fputs(help, stdout); return fflush(stdout) == 0 ? 0 : 1; }
    if (strcmp(name, "--version") == 0) { printf("dealc %s (LLVM 19)\n", DEALC_VERSION); return 0; }
    int want_help = strcmp(name, "help") == 0;
    if (want_help) {
        if (argc < 3) { fputs(help, stdout); return fflush(stdout) == 0 ? 0 : 1; }
        name = argv[2];
    }
    for (int i = 0; i < NCOMMANDS; i++) {
        if (strcmp(name, commands[i].name) != 0) continue;
        current = &commands[i];
        if (want_help) { fputs(commands[i].help, stdout); return fflush(stdout) == 0 ? 0 : 1; }
        cli c;
        int rc = parse_cli(&commands[i], argc - 1, argv + 1, &c);
        return rc >= 0 ? rc : commands[i].run(&c);
    }
    if (name[0] == '-') return usage_error("unknown option '%s' (a command comes first)", name);
    return usage_error("unknown command '%s' (check, build, run, explain, consolidate, diff, fmt or doc)", name);
}
