/* doc.c — see doc.h. Formulas are the canonical text (fmt), HTML-escaped,
 * with each quoted name that names a term turned into a link. */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "fmt.h"

static void esc(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        switch (s[i]) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(s[i], out);
        }
    }
}

static void esc_all(FILE *out, const char *s) { esc(out, s, strlen(s)); }

/* the anchor of a term: its kind and its place, so any name is safe */
static int term_index(const ast_deal *d, const char *name)
{
    for (int i = 0; i < d->decls.n; i++)
        if (strcmp(((const ast_decl *)d->decls.v[i])->name, name) == 0) return i;
    return -1;
}

static void linked(FILE *out, const ast_deal *d, const char *text)
{
    const char *p = text;
    while (*p) {
        if (*p != '"') {
            const char *q = strchr(p, '"');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            esc(out, p, n);
            p += n;
            continue;
        }
        const char *q = p + 1;
        while (*q && *q != '"') { if (*q == '\\' && q[1]) q++; q++; }
        size_t n = (size_t)(q - p - 1);
        char *name = strndup(p + 1, n);
        int k = term_index(d, name);
        if (k >= 0) fprintf(out, "<a href=\"#term-%d\">&quot;", k);
        else fputs("&quot;", out);
        esc(out, name, n);
        fputs(k >= 0 ? "&quot;</a>" : "&quot;", out);
        free(name);
        p = *q ? q + 1 : q;
    }
}

static void formula(FILE *out, const ast_deal *d, const ast_expr *e)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    fmt_expr(m, e);
    fclose(m);
    fputs("<code>", out);
    linked(out, d, buf);
    fputs("</code>", out);
    free(buf);
}

void doc_deal(FILE *out, const ast_deal *d)
{
    static const char *const kinds[] = { "Group", "Input", "Party", "Residual holder", "Definition", "Fund", "Schedule",
                                         "Account", "Insurer", "Trigger", "Date" };
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", out);
    esc_all(out, d->name);
    fputs("</title>\n<style>body{font-family:Georgia,serif;margin:2em auto;max-width:70em;color:#222;line-height:1.4}"
          "code{font-family:Menlo,Consolas,monospace;font-size:90%;background:#f6f6f6;padding:.1em .3em}"
          "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.4em;vertical-align:top;text-align:left}"
          "th{background:#f4f4f4}.legal{color:#444;font-style:italic}a{color:#135}</style></head><body>\n<h1>", out);
    esc_all(out, d->name);
    fputs("</h1>\n", out);

    fputs("<h2>Classes</h2>\n<table><tr><th>Class</th><th>Original</th><th>Coupon</th><th>Day count</th></tr>\n", out);
    for (int i = 0; i < d->classes.n; i++) {
        const ast_class *c = d->classes.v[i];
        fputs("<tr><td id=\"class-", out);
        esc_all(out, c->name);
        fputs("\">", out);
        esc_all(out, c->name);
        fputs("</td><td>", out);
        char *t = fmt_class_text(c);
        const char *o = strstr(t, "original ");
        if (o) { const char *e = strchr(o + 9, ' '); esc(out, o + 9, e ? (size_t)(e - o - 9) : strlen(o + 9)); }
        free(t);
        fputs("</td><td>", out);
        if (c->coupon) formula(out, d, c->coupon);
        if (c->notional) {
            char q[512];
            snprintf(q, sizeof q, " on the notional \"%s\"", c->notional);
            linked(out, d, q);
        }
        fprintf(out, "</td><td>%s</td></tr>\n", c->accrual == RT_DC_ACT_360 ? "actual/360" : "30/360");
    }
    fputs("</table>\n", out);

    fputs("<h2>Defined terms</h2>\n<table><tr><th>Term</th><th>Formula</th><th>The agreement's words</th></tr>\n", out);
    for (int i = 0; i < d->decls.n; i++) {
        const ast_decl *x = d->decls.v[i];
        if (x->kind == DK_GROUP || x->kind == DK_PARTY || x->kind == DK_RESIDUAL || x->kind == DK_INSURER) continue;
        fprintf(out, "<tr><td id=\"term-%d\"><b>&quot;", i);
        esc_all(out, x->name);
        fprintf(out, "&quot;</b><br><small>%s</small></td><td>", kinds[x->kind]);
        if (x->expr) formula(out, d, x->expr);
        else if (x->kind == DK_INPUT) fputs("reported by the servicer each period", out);
        else if (x->kind == DK_SCHEDULE || x->kind == DK_ACCOUNT) {
            char *t = fmt_decl_text(x);
            fputs("<code>", out);
            linked(out, d, t);
            fputs("</code>", out);
            free(t);
        }
        fputs("</td><td class=\"legal\">", out);
        if (x->text) esc_all(out, x->text);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);

    for (int i = 0; i < d->waterfalls.n; i++) {
        const ast_waterfall *w = d->waterfalls.v[i];
        fputs("<h2>Priority of payments, Section ", out);
        esc_all(out, w->section);
        fputs("</h2>\n<p>From ", out);
        char q[512];
        snprintf(q, sizeof q, "\"%s\"", w->fund);
        linked(out, d, q);
        if (w->guard) {
            fputs(", on the payment dates when ", out);
            formula(out, d, w->guard);
        }
        fputs(":</p>\n<table><tr><th>Clause</th><th>Pays</th><th>The agreement's words</th></tr>\n", out);
        for (int j = 0; j < w->clauses.n; j++) {
            const ast_clause *c = w->clauses.v[j];
            fputs("<tr><td id=\"clause-", out);
            esc_all(out, w->section);
            esc_all(out, c->label);
            fputs("\">", out);
            esc_all(out, w->section);
            esc_all(out, c->label);
            fputs("</td><td><code>", out);
            char *t = fmt_clause_text(c);
            linked(out, d, t + strlen(c->label) + 1);
            free(t);
            fputs("</code></td><td class=\"legal\">", out);
            if (c->text) esc_all(out, c->text);
            fputs("</td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }

    for (int i = 0; i < d->allocs.n; i++) {
        const ast_alloc *al = d->allocs.v[i];
        fputs("<h2>Allocation of realized losses, Section ", out);
        esc_all(out, al->section);
        fputs("</h2>\n<p>The classes' balances after payments in excess of ", out);
        formula(out, d, al->against);
        fputs(", written down in this order:</p>\n<table><tr><th>Step</th><th>Writes down</th><th>The agreement's words</th></tr>\n", out);
        for (int j = 0; j < al->steps.n; j++) {
            const ast_alloc_step *st = al->steps.v[j];
            fputs("<tr><td>", out);
            esc_all(out, al->section);
            esc_all(out, st->label);
            fputs("</td><td><code>", out);
            for (int k = 0; k < st->payees.n; k++) {
                const ast_classref *r = st->payees.v[k];
                char q[600];
                if (r->last) snprintf(q, sizeof q, "%s\"%.280s\" .. \"%.280s\"", k ? ", " : "", r->first, r->last);
                else snprintf(q, sizeof q, "%s\"%.280s\"", k ? ", " : "", r->first);
                linked(out, d, q);
            }
            fputs(st->order == ORDER_PRO_RATA ? " pro rata" : st->order == ORDER_SEQUENTIAL ? " sequentially" : "", out);
            fputs("</code></td><td class=\"legal\">", out);
            if (st->text) esc_all(out, st->text);
            fputs("</td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }

    if (d->lines.n) {
        fputs("<h2>Statement to holders</h2>\n<table><tr><th>Line</th><th>Figure</th></tr>\n", out);
        for (int i = 0; i < d->lines.n; i++) {
            const ast_line *l = d->lines.v[i];
            if (!l->label) { fputs("<tr><td colspan=\"2\"><i>the class table</i></td></tr>\n", out); continue; }
            fputs("<tr><td>", out);
            esc_all(out, l->label);
            fputs("</td><td>", out);
            formula(out, d, l->expr);
            fputs("</td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }
    fputs("</body></html>\n", out);
}
