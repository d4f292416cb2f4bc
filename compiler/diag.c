/* diag.c — see diag.h. Diagnostics are collected, then printed sorted by
 * position so that errors from different stages read in source order. */
#include "diag.h"
#include "rt_output.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A UTF-8 byte-order mark is dropped and a lone CR (old Mac line ends)
 * read as a new line, as the remittance and state readers do: a deal saved
 * by such an editor reads as written, with the line and column numbers an
 * editor shows. (CRLF needs nothing: CR is white space.) */
void src_normalize(src_file *f)
{
    char *buf = f->text;
    size_t n = (size_t)f->len;
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        memmove(buf, buf + 3, n - 2);
        n -= 3;
        f->normalized = 1;
    }
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\r' && buf[i + 1] != '\n') {
            buf[i] = '\n';
            f->normalized = 1;
        }
    f->len = (int)n;
}

int src_load(src_file *f, const char *path)
{
    memset(f, 0, sizeof *f);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "dealc: error: cannot read %s: %s\n", path, strerror(errno));
        return 0;
    }
    rt_out_note_input(fileno(fp), path); /* no output may overwrite it */
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) break;
        if (n + 1 >= cap) {
            /* source files are capped at 64 MiB: past that, positions would
             * stop fitting the int offsets used in every span */
            if (cap >= ((size_t)64 << 20)) {
                fprintf(stderr, "dealc: error: %s: file is larger than 64 MiB\n", path);
                free(buf);
                fclose(fp);
                return 0;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, fp);
        n += got;
        if (got == 0) break;
    }
    int err = ferror(fp);
    fclose(fp);
    if (!buf || err) {
        fprintf(stderr, "dealc: error: cannot read %s\n", path);
        free(buf);
        return 0;
    }
    buf[n] = 0;
    f->name = path;
    f->text = buf;
    f->len = (int)n;
    src_normalize(f);
    return 1;
}

void src_free(src_file *f)
{
    free(f->text);
    memset(f, 0, sizeof *f);
}

void diag_init(diag_ctx *d, arena *a, const src_file *f)
{
    memset(d, 0, sizeof *d);
    d->arena = a;
    d->file = f;
    d->files[0] = f;
    d->nfiles = 1;
    d->max_errors = 100;
}

int diag_add_file(diag_ctx *d, const src_file *f)
{
    if (d->nfiles >= DIAG_MAX_FILES) return -1;
    d->files[d->nfiles] = f;
    return d->nfiles++;
}

static diag *diag_new(diag_ctx *d, diag_severity sev, src_loc loc, const char *fmt, va_list ap)
{
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    diag *g = arena_alloc(d->arena, sizeof *g);
    g->sev = sev;
    g->loc = loc;
    g->msg = arena_strndup(d->arena, buf, strlen(buf));
    return g;
}

static diag *diag_add(diag_ctx *d, diag *g)
{
    if (g->sev == DIAG_ERROR) d->nerrors++;
    else d->nwarnings++;
    if (d->nerrors > d->max_errors) return g; /* counted, not printed */
    if (d->last) d->last->next = g;
    else d->first = g;
    d->last = g;
    return g;
}

diag *diag_error(diag_ctx *d, src_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag *g = diag_new(d, DIAG_ERROR, loc, fmt, ap);
    va_end(ap);
    return diag_add(d, g);
}

diag *diag_warning(diag_ctx *d, src_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag *g = diag_new(d, DIAG_WARNING, loc, fmt, ap);
    va_end(ap);
    return diag_add(d, g);
}

void diag_note(diag_ctx *d, diag *to, src_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag *g = diag_new(d, DIAG_NOTE, loc, fmt, ap);
    va_end(ap);
    diag **p = &to->notes;
    while (*p) p = &(*p)->next;
    *p = g;
}

src_loc diag_loc_at(const src_file *f, int start, int end)
{
    src_loc l = { start, end, 1, 1, 0 };
    for (int i = 0; i < start && i < f->len; i++) {
        if (f->text[i] == '\n') { l.line++; l.col = 1; }
        else l.col++;
    }
    return l;
}

static void print_one(const diag_ctx *d, const diag *g, FILE *out)
{
    static const char *const sev[] = { "error", "warning", "note" };
    const src_file *f = g->loc.file > 0 && g->loc.file < d->nfiles ? d->files[g->loc.file] : d->file;
    fprintf(out, "%s:%d:%d: %s: %s\n", f->name, g->loc.line, g->loc.col, sev[g->sev], g->msg);
    if (g->loc.start < 0 || g->loc.start > f->len) return;
    int ls = g->loc.start;
    while (ls > 0 && f->text[ls - 1] != '\n') ls--;
    int le = g->loc.start;
    while (le < f->len && f->text[le] != '\n' && f->text[le] != '\r') le++;
    /* very long lines are quoted only around the error, so a generated file
     * with a megabyte line cannot flood the terminal */
    int qs = ls, qe = le;
    if (qe - qs > 160) {
        qs = g->loc.start - 60 > ls ? g->loc.start - 60 : ls;
        qe = qs + 160 < le ? qs + 160 : le;
    }
    char gutter[16];
    int gw = snprintf(gutter, sizeof gutter, "%5d", g->loc.line);
    fprintf(out, "%s | ", gutter);
    for (int i = qs; i < qe; i++) {
        unsigned char c = (unsigned char)f->text[i];
        fputc(c == '\t' ? ' ' : (c < 32 || c == 127) ? '?' : c, out);
    }
    fputc('\n', out);
    fprintf(out, "%*s | ", gw, "");
    for (int i = qs; i < g->loc.start; i++) fputc(' ', out);
    fputc('^', out);
    int end = g->loc.end < qe ? g->loc.end : qe;
    for (int i = g->loc.start + 1; i < end; i++) fputc('~', out);
    fputc('\n', out);
}

static int diag_cmp(const void *a, const void *b)
{
    const diag *x = *(const diag *const *)a, *y = *(const diag *const *)b;
    if (x->loc.file != y->loc.file) return x->loc.file < y->loc.file ? -1 : 1;
    if (x->loc.start != y->loc.start) return x->loc.start < y->loc.start ? -1 : 1;
    return 0;
}

void diag_print_all(const diag_ctx *d, FILE *out)
{
    int n = 0;
    for (const diag *g = d->first; g; g = g->next) n++;
    const diag **v = malloc(sizeof *v * (size_t)(n ? n : 1));
    if (!v) return;
    n = 0;
    for (const diag *g = d->first; g; g = g->next) v[n++] = g;
    for (int i = 1; i < n; i++) { /* insertion sort: stable, lists are short */
        const diag *x = v[i];
        int j = i - 1;
        while (j >= 0 && diag_cmp(&v[j], &x) > 0) { v[j + 1] = v[j]; j--; }
        v[j + 1] = x;
    }
    for (int i = 0; i < n; i++) {
        print_one(d, v[i], out);
        for (const diag *nt = v[i]->notes; nt; nt = nt->next) print_one(d, nt, out);
    }
    free(v);
    if (d->nerrors > d->max_errors)
        fprintf(out, "(only the first %d errors are shown)\n", d->max_errors);
    if (d->nerrors)
        fprintf(out, "%d error%s\n", d->nerrors, d->nerrors == 1 ? "" : "s");
}
