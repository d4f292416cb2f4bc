/* doc.c — see doc.h. Formulas are the canonical text (fmt) with each name
 * linked to its anchor; the agreement's words link the defined terms and
 * sections they name. */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "html.h"
#include "lex.h"

typedef struct docctx {
    FILE *out;
    const ast_deal *d;
    html_ids ids;
    const char **terms;     /* names the words may mention, longest first */
    int nterms;
} docctx;

static void put_date(FILE *out, int days)
{
    char b[RT_DATEBUF_LONG];
    fputs(rt_date_format_long(b, days), out);
}

static int alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

static int by_length(const void *a, const void *b)
{
    size_t x = strlen(*(const char *const *)a), y = strlen(*(const char *const *)b);
    return (x < y) - (x > y);
}

/* The agreement's words, with each defined term they name (the longest at
 * each place) and each "Section 4.02(c)(xii)" they cite linked; self is
 * the term being defined, not linked to itself. */
static void words(docctx *c, const char *s, const char *self)
{
    FILE *out = c->out;
    size_t n = strlen(s), i = 0, plain = 0;
    while (i < n) {
        int boundary = i == 0 || !alnum(s[i - 1]);
        if (boundary && strncmp(s + i, "Section ", 8) == 0) {
            size_t a = i + 8, b = a;
            while (b < n && (alnum(s[b]) || s[b] == '.' || s[b] == '(' || s[b] == ')')) b++;
            while (b > a && (s[b - 1] == '.' || s[b - 1] == ',')) b--;
            char *label = strndup(s + a, b - a);
            const char *id = html_id_find(&c->ids, HK_SECTION, label);
            free(label);
            if (id) {
                html_esc(out, s + plain, i - plain);
                fprintf(out, "<a href=\"#%s\">", id);
                html_esc(out, s + i, b - i);
                fputs("</a>", out);
                i = plain = b;
                continue;
            }
        }
        if (boundary && (s[i] >= 'A' && s[i] <= 'Z')) {
            const char *hit = NULL;
            for (int k = 0; k < c->nterms && !hit; k++) {
                size_t len = strlen(c->terms[k]);
                if (len <= n - i && strncmp(s + i, c->terms[k], len) == 0 && (i + len == n || !alnum(s[i + len])))
                    hit = c->terms[k];
            }
            if (hit && (!self || strcmp(hit, self) != 0)) {
                const char *id = html_id_find(&c->ids, HK_TERM, hit);
                if (id) {
                    size_t len = strlen(hit);
                    html_esc(out, s + plain, i - plain);
                    fprintf(out, "<a href=\"#%s\">", id);
                    html_esc(out, s + i, len);
                    fputs("</a>", out);
                    i = plain = i + len;
                    continue;
                }
            }
            if (hit) { i += strlen(hit); continue; }
        }
        i++;
    }
    html_esc(out, s + plain, n - plain);
}

static void formula_box(docctx *c, char *text, fmt_refs *refs)
{
    if (text && *text) {
        fputs("<div class=\"formula\"><span class=\"k\">Formula</span>", c->out);
        html_linked(c->out, text, refs, &c->ids);
        fputs("</div>\n", c->out);
    }
    free(text);
    fmt_refs_free(refs);
}

static void marks(docctx *c, const char *amended_by, int effective, const char *recon)
{
    if (amended_by) {
        fputs("<p class=\"note\">As amended by ", c->out);
        html_escs(c->out, amended_by);
        fputs(", effective ", c->out);
        put_date(c->out, effective);
        fputs(".</p>\n", c->out);
    }
    if (recon) {
        fputs("<p class=\"note\">Reconstructed: not the source document's words", c->out);
        if (*recon) { fputs(": ", c->out); html_escs(c->out, recon); }
        fputs(".</p>\n", c->out);
    }
}

static int decl_cmp(const void *a, const void *b)
{
    const ast_decl *x = *(const ast_decl *const *)a, *y = *(const ast_decl *const *)b;
    for (const char *p = x->name, *q = y->name;; p++, q++) {
        int u = *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p, v = *q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q;
        if (u != v || !u) return u - v;
    }
}

typedef struct wclause { const ast_waterfall *w; const ast_clause *c; int block; } wclause;

static int wclause_cmp(const void *a, const void *b)
{
    const wclause *x = a, *y = b;
    return fmt_label_cmp(x->c->label, y->c->label);
}

static int str_cmp_label(const void *a, const void *b)
{
    return fmt_label_cmp(*(const char *const *)a, *(const char *const *)b);
}

static int section_cmp(const void *a, const void *b)
{
    return fmt_label_cmp((*(const ast_section *const *)a)->label, (*(const ast_section *const *)b)->label);
}

static void header(docctx *c, const doc_options *o)
{
    const ast_deal *d = c->d;
    FILE *out = c->out;
    fputs("<header><h1>", out);
    html_escs(out, d->name);
    fputs("</h1>\n<p class=\"meta\">", out);
    if (d->has_cutoff) { fputs("Cut-off date ", out); put_date(out, d->cutoff); fputs("; ", out); }
    fputs("closing date ", out);
    put_date(out, d->closing);
    fputs("; first payment date ", out);
    put_date(out, d->first_payment);
    fprintf(out, "; payments on the %d%s of each month%s.</p>\n", d->payment_day,
            d->payment_day % 10 == 1 && d->payment_day != 11 ? "st" : d->payment_day % 10 == 2 && d->payment_day != 12 ? "nd"
            : d->payment_day % 10 == 3 && d->payment_day != 13 ? "rd" : "th",
            d->bdc == RT_BDC_FOLLOWING ? ", or the next business day"
            : d->bdc == RT_BDC_MODIFIED_FOLLOWING ? ", or the next business day in the month" : "");
    if (o && o->namendments) {
        fputs("<p class=\"meta\">", out);
        if (o->as_of >= 0) { fputs("As it stood on ", out); put_date(out, o->as_of); fputs(". ", out); }
        int applied = 0;
        for (int i = 0; i < o->namendments; i++) {
            const ast_amendment *a = o->amendments[i];
            int in = o->as_of < 0 || a->effective <= o->as_of;
            fputs(i ? "; " : "", out);
            html_escs(out, a->title);
            fputs(" (dated ", out);
            put_date(out, a->dated);
            fputs(", effective ", out);
            put_date(out, a->effective);
            if (a->under) { fputs(", made under Section ", out); html_escs(out, a->under); }
            fputs(in ? ")" : "): not yet in effect", out);
            applied += in;
        }
        fprintf(out, ". %d of %d amendment%s applied.</p>\n", applied, o->namendments, o->namendments == 1 ? "" : "s");
    } else if (o && o->as_of >= 0) {
        fputs("<p class=\"meta\">As it stood on ", out);
        put_date(out, o->as_of);
        fputs(".</p>\n", out);
    }
    for (const char *p = o && o->notes ? o->notes : ""; *p;) {
        const char *e = strchr(p, '\n');
        fputs("<p class=\"note\"><b>Note.</b> ", out);
        html_esc(out, p, e ? (size_t)(e - p) : strlen(p));
        fputs("</p>\n", out);
        p = e ? e + 1 : p + strlen(p);
    }
    fputs("</header>\n", out);
}

void doc_deal(FILE *out, const ast_deal *d, const doc_options *o)
{
    docctx c = { .out = out, .d = d };
    html_ids_deal(&c.ids, d);
    /* the sections of the priority of payments, each once, in order */
    const char **secs = malloc(sizeof *secs * ((size_t)d->waterfalls.n + 1));
    int nsec = 0;
    for (int i = 0; i < d->waterfalls.n; i++) {
        const ast_waterfall *w = d->waterfalls.v[i];
        int seen = 0;
        for (int k = 0; k < nsec && !seen; k++) seen = strcmp(secs[k], w->section) == 0;
        if (!seen) secs[nsec++] = w->section;
    }
    qsort(secs, (size_t)nsec, sizeof *secs, str_cmp_label);
    for (int i = 0; i < nsec; i++) html_id(&c.ids, HK_SECTION, secs[i]);
    for (int i = 0; i < d->allocs.n; i++) {
        char key[300];
        snprintf(key, sizeof key, "%s losses", ((const ast_alloc *)d->allocs.v[i])->section);
        html_id(&c.ids, HK_SECTION, key);
    }
    const char *parts[] = { "parties", "classes", "terms", "other", "statement" };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) html_id(&c.ids, HK_ITEM, parts[i]);
    c.terms = malloc(sizeof *c.terms * ((size_t)d->decls.n + 1));
    for (int i = 0; i < d->decls.n; i++) {
        const ast_decl *x = d->decls.v[i];
        if (x->kind != DK_GROUP && x->kind != DK_PARTY && x->kind != DK_RESIDUAL && x->kind != DK_INSURER)
            c.terms[c.nterms++] = x->name;
    }
    qsort(c.terms, (size_t)c.nterms, sizeof *c.terms, by_length);

    html_begin(out, d->name);
    header(&c, o);
    fputs("<nav><h2>Contents</h2><ol>", out);
    fprintf(out, "<li><a href=\"#%s\">Parties and groups</a></li>", html_id_find(&c.ids, HK_ITEM, "parties"));
    fprintf(out, "<li><a href=\"#%s\">Classes</a></li>", html_id_find(&c.ids, HK_ITEM, "classes"));
    fprintf(out, "<li><a href=\"#%s\">Defined terms</a></li>", html_id_find(&c.ids, HK_ITEM, "terms"));
    for (int i = 0; i < nsec; i++) {
        fprintf(out, "<li><a href=\"#%s\">Section ", html_id_find(&c.ids, HK_SECTION, secs[i]));
        html_escs(out, secs[i]);
        fputs("</a></li>", out);
    }
    if (d->sections.n) fprintf(out, "<li><a href=\"#%s\">Other provisions</a></li>", html_id_find(&c.ids, HK_ITEM, "other"));
    if (d->lines.n) fprintf(out, "<li><a href=\"#%s\">Statement to holders</a></li>", html_id_find(&c.ids, HK_ITEM, "statement"));
    fputs("</ol></nav>\n", out);

    /* parties and groups */
    fprintf(out, "<h2 id=\"%s\">Parties and groups</h2>\n<ul>\n", html_id_find(&c.ids, HK_ITEM, "parties"));
    for (int i = 0; i < d->decls.n; i++) {
        const ast_decl *x = d->decls.v[i];
        if (x->kind != DK_GROUP && x->kind != DK_PARTY && x->kind != DK_RESIDUAL && x->kind != DK_INSURER) continue;
        fprintf(out, "<li id=\"%s\">&ldquo;", html_id_find(&c.ids, x->kind == DK_GROUP ? HK_GROUP : HK_PARTY, x->name));
        html_escs(out, x->name);
        fprintf(out, "&rdquo;: %s</li>\n", x->kind == DK_GROUP ? "a group of the mortgage loans, its figures reported "
                "by the servicer each period" : x->kind == DK_RESIDUAL ? "the residual holder, paid what is left"
                : x->kind == DK_INSURER ? "the insurer: drawn on when cash falls short, reimbursed later"
                : "a party paid under the priority of payments");
    }
    fputs("</ul>\n", out);

    /* classes */
    fprintf(out, "<h2 id=\"%s\">Classes</h2>\n<table><tr><th>Class</th><th>Original balance</th><th>Coupon</th>"
            "<th>Day count</th></tr>\n", html_id_find(&c.ids, HK_ITEM, "classes"));
    for (int i = 0; i < d->classes.n; i++) {
        const ast_class *k = d->classes.v[i];
        fprintf(out, "<tr id=\"%s\"><td>", html_id_find(&c.ids, HK_CLASS, k->name));
        html_escs(out, k->name);
        if (k->reconstructed) fputs(" <span class=\"badge recon\">reconstructed</span>", out);
        fputs("</td><td class=\"num\">", out);
        if (k->has_original) {
            fmt_refs none = { 0 };
            char *t = fmt_class_line(k, &none);
            const char *e = strchr(t + 9, ' ');
            html_esc(out, t + 9, e ? (size_t)(e - t - 9) : strlen(t + 9));
            free(t);
            fmt_refs_free(&none);
        }
        fputs("</td><td>", out);
        if (k->coupon) {
            fmt_refs refs = { 0 };
            char *t = fmt_expr_line(k->coupon, &refs);
            fputs("<code>", out);
            html_linked(out, t, &refs, &c.ids);
            fputs("</code>", out);
            free(t);
            fmt_refs_free(&refs);
        }
        if (k->notional) {
            const char *id = html_id_find(&c.ids, HK_TERM, k->notional);
            fputs(" on the notional amount ", out);
            if (id) fprintf(out, "<a href=\"#%s\">", id);
            fputs("&ldquo;", out);
            html_escs(out, k->notional);
            fputs("&rdquo;", out);
            if (id) fputs("</a>", out);
        }
        fprintf(out, "</td><td>%s</td></tr>\n", k->accrual == RT_DC_ACT_360 ? "actual/360" : "30/360");
        if (k->text) {
            fputs("<tr><td></td><td colspan=\"3\"><p class=\"words\">", out);
            words(&c, k->text, NULL);
            fputs("</p></td></tr>\n", out);
        }
    }
    fputs("</table>\n", out);

    /* defined terms, as Article I sets them: alphabetically */
    fprintf(out, "<h2 id=\"%s\">Defined terms</h2>\n", html_id_find(&c.ids, HK_ITEM, "terms"));
    const ast_decl **terms = malloc(sizeof *terms * ((size_t)d->decls.n + 1));
    int nt = 0;
    for (int i = 0; i < d->decls.n; i++) {
        const ast_decl *x = d->decls.v[i];
        if (x->kind != DK_GROUP && x->kind != DK_PARTY && x->kind != DK_RESIDUAL && x->kind != DK_INSURER) terms[nt++] = x;
    }
    qsort(terms, (size_t)nt, sizeof *terms, decl_cmp);
    static const char *const units[] = { "an amount", "a rate", "a number", "a count", "a date", "a condition" };
    for (int i = 0; i < nt; i++) {
        const ast_decl *x = terms[i];
        fprintf(out, "<section id=\"%s\"><h3>&ldquo;", html_id_find(&c.ids, HK_TERM, x->name));
        html_escs(out, x->name);
        fputs("&rdquo;", out);
        if (x->kind == DK_FUND) fputs(" <small>(a fund: the cash a priority of payments pays from)</small>", out);
        if (x->kind == DK_SCHEDULE) fputs(" <small>(a schedule by distribution number)</small>", out);
        if (x->kind == DK_ACCOUNT) fputs(" <small>(an account: its balance carries from one payment date to the next)</small>", out);
        if (x->kind == DK_TRIGGER) fputs(" <small>(a trigger)</small>", out);
        if (x->kind == DK_DATE) fputs(" <small>(a date)</small>", out);
        if (x->kind == DK_INPUT)
            fprintf(out, " <small>(%s the servicer reports each period)</small>", units[x->unit]);
        if (x->amended_by) fputs(" <span class=\"badge amended\">amended</span>", out);
        if (x->reconstructed) fputs(" <span class=\"badge recon\">reconstructed</span>", out);
        fputs("</h3>\n", out);
        if (x->text) {
            fputs("<p class=\"words\">", out);
            words(&c, x->text, x->name);
            fputs("</p>\n", out);
        }
        if (x->kind != DK_INPUT) {
            fmt_refs refs = { 0 };
            formula_box(&c, fmt_decl_line(x, &refs), &refs);
        }
        marks(&c, x->amended_by, x->effective, x->reconstructed);
        fputs("</section>\n", out);
    }
    free(terms);

    /* each section of the priority of payments, its clauses together */
    int total = 0;
    for (int i = 0; i < d->waterfalls.n; i++) total += ((const ast_waterfall *)d->waterfalls.v[i])->clauses.n;
    wclause *wc = malloc(sizeof *wc * ((size_t)total + 1));
    for (int s = 0; s < nsec; s++) {
        int n = 0, blocks = 0;
        const char *fund = NULL;
        const ast_expr *guard = NULL;
        int one_fund = 1;
        for (int i = 0; i < d->waterfalls.n; i++) {
            const ast_waterfall *w = d->waterfalls.v[i];
            if (strcmp(w->section, secs[s]) != 0) continue;
            blocks++;
            if (fund && strcmp(fund, w->fund) != 0) one_fund = 0;
            fund = w->fund;
            if (w->guard) guard = w->guard;
            for (int j = 0; j < w->clauses.n; j++) wc[n++] = (wclause){ w, w->clauses.v[j], blocks };
        }
        qsort(wc, (size_t)n, sizeof *wc, wclause_cmp);
        fprintf(out, "<h2 id=\"%s\">Section ", html_id_find(&c.ids, HK_SECTION, secs[s]));
        html_escs(out, secs[s]);
        fputs("</h2>\n", out);
        if (fund && one_fund) {
            const char *id = html_id_find(&c.ids, HK_TERM, fund);
            fputs("<p class=\"meta\">Paid from ", out);
            if (id) fprintf(out, "<a href=\"#%s\">", id);
            fputs("&ldquo;", out);
            html_escs(out, fund);
            fputs("&rdquo;", out);
            if (id) fputs("</a>", out);
            if (guard) {
                fmt_refs refs = { 0 };
                char *t = fmt_expr_line(guard, &refs);
                fputs(", on the payment dates when <code>", out);
                html_linked(out, t, &refs, &c.ids);
                fputs("</code>", out);
                free(t);
                fmt_refs_free(&refs);
            }
            fputs(".", out);
        } else {
            fputs("<p class=\"meta\">", out);
        }
        if (blocks > 1) {
            /* the order the trustee runs them in, where it is not the
             * order of the labels */
            fprintf(out, " The trustee runs it in %d blocks, interleaved with the other sections' clauses:", blocks);
            for (int i = 0; i < d->waterfalls.n; i++) {
                const ast_waterfall *w = d->waterfalls.v[i];
                if (strcmp(w->section, secs[s]) != 0 || !w->clauses.n) continue;
                const ast_clause *a = w->clauses.v[0], *b = w->clauses.v[w->clauses.n - 1];
                fputc(' ', out);
                html_escs(out, a->label);
                if (a != b) { fputs("&ndash;", out); html_escs(out, b->label); }
                fputs(--blocks ? ";" : ".", out);
            }
        }
        fputs("</p>\n<table>\n", out);
        for (int i = 0; i < n; i++) {
            const ast_clause *k = wc[i].c;
            char full[256];
            snprintf(full, sizeof full, "%s%s", secs[s], k->label);
            fprintf(out, "<tr id=\"%s\"><td>", html_id_find(&c.ids, HK_SECTION, full));
            html_escs(out, k->label);
            fputs("</td><td>", out);
            if (k->amended_by) fputs("<span class=\"badge amended\">amended</span> ", out);
            if (k->reconstructed) fputs("<span class=\"badge recon\">reconstructed</span>", out);
            if (k->text) {
                fputs("<p class=\"words\">", out);
                words(&c, k->text, NULL);
                fputs("</p>\n", out);
            }
            fmt_refs refs = { 0 };
            char *pay = fmt_pay_line(k, &refs);
            if (!one_fund) {
                size_t l = strlen(pay);
                pay = realloc(pay, l + strlen(wc[i].w->fund) + 16);
                sprintf(pay + l, ", from \"%s\"", wc[i].w->fund);
            }
            formula_box(&c, pay, &refs);
            marks(&c, k->amended_by, k->effective, k->reconstructed && k->reconstructed[0] ? k->reconstructed : NULL);
            fputs("</td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }
    free(wc);

    /* the allocation of realized losses */
    for (int i = 0; i < d->allocs.n; i++) {
        const ast_alloc *al = d->allocs.v[i];
        char key[300];
        snprintf(key, sizeof key, "%s losses", al->section);
        fprintf(out, "<h2 id=\"%s\">Section ", html_id_find(&c.ids, HK_SECTION, key));
        html_escs(out, al->section);
        fputs(": allocation of realized losses</h2>\n<p class=\"meta\">The classes' balances after payments in "
              "excess of <code>", out);
        fmt_refs refs = { 0 };
        char *t = fmt_expr_line(al->against, &refs);
        html_linked(out, t, &refs, &c.ids);
        free(t);
        fmt_refs_free(&refs);
        fputs("</code> are written down in this order.</p>\n<table>\n", out);
        for (int j = 0; j < al->steps.n; j++) {
            const ast_alloc_step *st = al->steps.v[j];
            fputs("<tr><td>", out);
            html_escs(out, st->label);
            fputs("</td><td>", out);
            if (st->text) {
                fputs("<p class=\"words\">", out);
                words(&c, st->text, NULL);
                fputs("</p>\n", out);
            }
            fputs("<div class=\"formula\"><span class=\"k\">Writes down</span>", out);
            for (int k = 0; k < st->payees.n; k++) {
                const ast_classref *r = st->payees.v[k];
                const char *ids[2] = { html_id_find(&c.ids, HK_CLASS, r->first), r->last ? html_id_find(&c.ids, HK_CLASS, r->last) : NULL };
                const char *names[2] = { r->first, r->last };
                if (k) fputs(", ", out);
                for (int e = 0; e < (r->last ? 2 : 1); e++) {
                    if (e) fputs(" .. ", out);
                    if (ids[e]) fprintf(out, "<a href=\"#%s\">", ids[e]);
                    fputs("&quot;", out);
                    html_escs(out, names[e]);
                    fputs("&quot;", out);
                    if (ids[e]) fputs("</a>", out);
                }
            }
            fputs(st->order == ORDER_PRO_RATA ? " pro rata" : st->order == ORDER_SEQUENTIAL ? " sequentially" : "", out);
            fputs("</div></td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }

    /* the provisions that move no cash */
    if (d->sections.n) {
        fprintf(out, "<h2 id=\"%s\">Other provisions</h2>\n", html_id_find(&c.ids, HK_ITEM, "other"));
        const ast_section **ss = malloc(sizeof *ss * (size_t)d->sections.n);
        for (int i = 0; i < d->sections.n; i++) ss[i] = d->sections.v[i];
        qsort(ss, (size_t)d->sections.n, sizeof *ss, section_cmp);
        for (int i = 0; i < d->sections.n; i++) {
            const ast_section *x = ss[i];
            fprintf(out, "<section id=\"%s\"><h3>Section ", html_id_find(&c.ids, HK_SECTION, x->label));
            html_escs(out, x->label);
            if (x->amended_by) fputs(" <span class=\"badge amended\">amended</span>", out);
            if (x->reconstructed) fputs(" <span class=\"badge recon\">reconstructed</span>", out);
            fputs("</h3>\n<p class=\"words\">", out);
            words(&c, x->text, NULL);
            fputs("</p>\n", out);
            marks(&c, x->amended_by, x->effective, x->reconstructed);
            fputs("</section>\n", out);
        }
        free(ss);
    }

    if (d->lines.n) {
        fprintf(out, "<h2 id=\"%s\">Statement to holders</h2>\n<table><tr><th>Line</th><th>Figure</th></tr>\n",
                html_id_find(&c.ids, HK_ITEM, "statement"));
        for (int i = 0; i < d->lines.n; i++) {
            const ast_line *l = d->lines.v[i];
            if (!l->label) {
                fprintf(out, "<tr><td colspan=\"2\"><i>the class table: each <a href=\"#%s\">class</a>'s "
                        "balances, factor, principal, interest and coupon</i></td></tr>\n",
                        html_id_find(&c.ids, HK_ITEM, "classes"));
                continue;
            }
            fprintf(out, "<tr id=\"%s\"><td>", html_id_find(&c.ids, HK_LINE, l->label));
            html_escs(out, l->label);
            fputs("</td><td><code>", out);
            fmt_refs refs = { 0 };
            char *t = fmt_expr_line(l->expr, &refs);
            html_linked(out, t, &refs, &c.ids);
            free(t);
            fmt_refs_free(&refs);
            fputs("</code></td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }
    html_end(out);
    free(secs);
    free(c.terms);
    html_ids_free(&c.ids);
}
