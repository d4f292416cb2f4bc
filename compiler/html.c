/* html.c — see html.h. */
#include "html.h"

#include "rt_internal.h" /* the one HTML escaper (runtime/core/buf.c) */

#include <stdlib.h>
#include <string.h>

void html_esc(FILE *out, const char *s, size_t n) { rt_html_text_fput(out, s, n); }

void html_escs(FILE *out, const char *s) { html_esc(out, s, strlen(s)); }

/* One stylesheet for every page: the agreement's words in a book face, as
 * a printed agreement sets them; formulas smaller, in a fixed face, beneath
 * them; insertions underlined and struck deletions as a law firm's
 * comparison marks them (and in colour). */
static const char style[] =
    "body{font-family:Georgia,'Times New Roman',serif;margin:2em auto;max-width:52em;padding:0 1em;color:#222;"
    "line-height:1.5}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}"
    "h3{font-size:1.05em;margin:1.4em 0 .3em}"
    ".meta{color:#555;margin-top:0}"
    "p.words{margin:.3em 0 .5em;text-align:justify}"
    ".formula{font-family:Menlo,Consolas,monospace;font-size:82%;color:#333;background:#f6f6f4;"
    "padding:.3em .6em;margin:.2em 0 .6em;border-left:3px solid #ccc;overflow-wrap:anywhere}"
    ".formula .k{color:#777;font-family:Georgia,serif;font-style:italic;margin-right:.5em}"
    "ins{color:#0645ad;text-decoration:underline;text-decoration-thickness:1px}"
    "del{color:#b00;text-decoration:line-through}"
    ".note{color:#555;font-size:90%;margin:.2em 0}"
    ".badge{display:inline-block;font-size:75%;font-family:Helvetica,Arial,sans-serif;padding:0 .4em;"
    "border-radius:3px;margin-left:.4em;vertical-align:middle}"
    ".amended{background:#e7eefb;color:#0645ad}.recon{background:#fbf3e0;color:#8a5a00}"
    ".added{background:#e6f4e6;color:#1a6b1a}.removed{background:#fbe7e7;color:#b00}"
    "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e4e4e4;padding:.35em .5em;"
    "vertical-align:top;text-align:left}th{font-weight:normal;color:#555;font-size:90%}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "a{color:#135}nav ol{padding-left:1.4em}";

void html_begin(FILE *out, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", out);
    html_escs(out, title);
    fprintf(out, "</title>\n<style>%s</style></head><body>\n", style);
}

void html_end(FILE *out) { fputs("</body></html>\n", out); }

static const char *const prefixes[HK__COUNT] = { "def", "class", "group", "party", "sec", "line", "item" };

static char *slug(int kind, const char *name, int n)
{
    size_t len = strlen(name);
    char *r = malloc(len + 32);
    size_t o = (size_t)sprintf(r, "%s-", prefixes[kind]);
    int dash = 1;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            r[o++] = c;
            dash = 0;
        } else if (!dash) {
            r[o++] = '-';
            dash = 1;
        }
    }
    while (o > 0 && r[o - 1] == '-') o--;
    r[o] = 0;
    if (n > 1) sprintf(r + o, "-%d", n);
    return r;
}

const char *html_id_find(const html_ids *t, html_kind kind, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (t->v[i].kind == (int)kind && strcmp(t->v[i].name, name) == 0) return t->v[i].id;
    return NULL;
}

const char *html_id(html_ids *t, html_kind kind, const char *name)
{
    const char *have = html_id_find(t, kind, name);
    if (have) return have;
    char *id = NULL;
    for (int n = 1;; n++) {
        id = slug(kind, name, n);
        int taken = 0;
        for (int i = 0; i < t->n && !taken; i++) taken = strcmp(t->v[i].id, id) == 0;
        if (!taken) break;
        free(id);
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = realloc(t->v, sizeof *t->v * (size_t)t->cap);
    }
    t->v[t->n++] = (struct html_id){ (int)kind, strdup(name), id };
    return id;
}

void html_ids_free(html_ids *t)
{
    for (int i = 0; i < t->n; i++) {
        free(t->v[i].id);
        free(t->v[i].name);
    }
    free(t->v);
    *t = (html_ids){ 0 };
}

void html_ids_deal(html_ids *t, const ast_deal *d)
{
    for (int i = 0; i < d->decls.n; i++) {
        const ast_decl *x = d->decls.v[i];
        html_id(t, x->kind == DK_GROUP ? HK_GROUP
                   : x->kind == DK_PARTY || x->kind == DK_RESIDUAL || x->kind == DK_INSURER ? HK_PARTY : HK_TERM,
                x->name);
    }
    for (int i = 0; i < d->classes.n; i++) html_id(t, HK_CLASS, ((const ast_class *)d->classes.v[i])->name);
    for (int i = 0; i < d->waterfalls.n; i++) {
        const ast_waterfall *w = d->waterfalls.v[i];
        for (int j = 0; j < w->clauses.n; j++) {
            const ast_clause *c = w->clauses.v[j];
            char *full = malloc(strlen(w->section) + strlen(c->label) + 1);
            sprintf(full, "%s%s", w->section, c->label);
            html_id(t, HK_SECTION, full);
            free(full);
        }
    }
    for (int i = 0; i < d->sections.n; i++) html_id(t, HK_SECTION, ((const ast_section *)d->sections.v[i])->label);
    for (int i = 0; i < d->lines.n; i++) {
        const ast_line *l = d->lines.v[i];
        if (l->label) html_id(t, HK_LINE, l->label);
    }
}

html_kind html_kind_of_ref(int k)
{
    switch (k) {
    case FR_CLASS: return HK_CLASS;
    case FR_GROUP: return HK_GROUP;
    case FR_PARTY: return HK_PARTY;
    case FR_CLAUSE: return HK_SECTION;
    default: return HK_TERM;
    }
}

void html_linked(FILE *out, const char *text, const fmt_refs *refs, const html_ids *t)
{
    size_t at = 0, len = strlen(text);
    for (int i = 0; refs && i < refs->n; i++) {
        const fmt_ref *r = &refs->v[i];
        if ((size_t)r->start < at || (size_t)r->end > len) continue;
        const char *id = html_id_find(t, html_kind_of_ref(r->kind), r->name);
        /* a payee may be an account, "balance of" a class or an account:
         * the name's own anchor, whatever its kind */
        for (int k = 0; !id && k < t->n; k++)
            if (strcmp(t->v[k].name, r->name) == 0) id = t->v[k].id;
        if (!id) continue;
        html_esc(out, text + at, (size_t)r->start - at);
        fprintf(out, "<a href=\"#%s\">", id);
        html_esc(out, text + r->start, (size_t)(r->end - r->start));
        fputs("</a>", out);
        at = (size_t)r->end;
    }
    html_esc(out, text + at, len - at);
}
