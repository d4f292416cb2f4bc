/* diff.c — see diff.h. Items are small, so the word diff is a plain
 * longest-common-subsequence table. */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include "fmt.h"

typedef struct entry {
    const char *kind;     /* "definition", "clause", ... */
    char *name;           /* the name or label, as shown */
    char *key;            /* kind + name */
    char *text;           /* canonical text (for a clause: without its label) */
    const char *ref;      /* the name other items use to refer to it, or NULL */
    int matched;
} entry;

typedef struct list { entry *v; int n, cap; } list;

static void add(list *l, const char *kind, const char *name, char *text, const char *ref)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, sizeof *l->v * (size_t)l->cap);
    }
    entry *e = &l->v[l->n++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->name = strdup(name);
    size_t n = strlen(kind) + strlen(name) + 2;
    e->key = malloc(n);
    snprintf(e->key, n, "%s %s", kind, name);
    e->text = text;
    e->ref = ref;
}

static void free_list(list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].key);
        free(l->v[i].text);
    }
    free(l->v);
}

static void collect(const ast_deal *d, list *l)
{
    static const char *const dk[] = { "group", "input", "party", "residual", "definition", "fund", "schedule",
                                       "account", "insurer", "trigger", "date" };
    char buf[64];
    snprintf(buf, sizeof buf, "%d %d %d %d", d->closing, d->first_payment, d->payment_day, (int)d->bdc);
    add(l, "header", "dates", strdup(buf), NULL);
    for (int i = 0; i < d->decls.n; i++) {
        const ast_decl *x = d->decls.v[i];
        add(l, dk[x->kind], x->name, fmt_decl_text(x), x->name);
    }
    for (int i = 0; i < d->classes.n; i++) {
        const ast_class *c = d->classes.v[i];
        add(l, "class", c->name, fmt_class_text(c), NULL);
    }
    for (int i = 0; i < d->collateral.n; i++) {
        const ast_collateral *c = d->collateral.v[i];
        for (int j = 0; j < c->lines.n; j++) {
            const ast_cline *cl = c->lines.v[j];
            size_t n = strlen(c->group) + strlen(cl->name) + 8;
            char *name = malloc(n);
            snprintf(name, n, "%s / %s", c->group, cl->name);
            add(l, "collateral line", name, fmt_cline_text(cl), NULL);
            free(name);
        }
    }
    for (int i = 0; i < d->waterfalls.n; i++) {
        const ast_waterfall *w = d->waterfalls.v[i];
        for (int j = 0; j < w->clauses.n; j++) {
            const ast_clause *c = w->clauses.v[j];
            size_t n = strlen(w->section) + strlen(c->label) + 1;
            char *label = malloc(n);
            snprintf(label, n, "%s%s", w->section, c->label);
            char *t = fmt_clause_text(c);
            /* the clause's words without its own label */
            char *body = strdup(t + strlen(c->label) + 1);
            free(t);
            /* where it draws from, and on which dates, are part of its words */
            char *guard = w->guard ? fmt_expr_text(w->guard) : NULL;
            char *withfund = malloc(strlen(body) + strlen(w->fund) + (guard ? strlen(guard) : 0) + 24);
            sprintf(withfund, "%s [from \"%s\"%s%s]", body, w->fund, guard ? " when " : "", guard ? guard : "");
            free(guard);
            free(body);
            add(l, "clause", label, withfund, NULL);
            free(label);
        }
    }
    for (int i = 0; i < d->lines.n; i++) {
        const ast_line *ln = d->lines.v[i];
        if (!ln->label) continue;
        add(l, "statement line", ln->label, fmt_line_text(ln), NULL);
    }
    for (int i = 0; i < d->allocs.n; i++) {
        const ast_alloc *al = d->allocs.v[i];
        add(l, "loss allocation", al->section, fmt_alloc_text(al), NULL);
    }
    if (d->retired_zero) add(l, "header", "retired classes", strdup("retired classes show coupon 0.00%;"), NULL);
}

static entry *find(list *l, const char *key)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->v[i].key, key) == 0) return &l->v[i];
    return NULL;
}

/* ---- words ---- */

typedef struct words { char **w; int n; } words;

/* The agreement's words after `text` are compared word by word, as a
 * redline would; the quotes around them are words of their own, which the
 * printer joins without spaces. */
static const char *split_legal(words *r, const char *p)
{
    r->w[r->n++] = strdup("\"");
    const char *q = p + 1;
    for (;;) {
        while (*q == ' ') q++;
        if (!*q) return q;
        if (*q == '"') { r->w[r->n++] = strdup("\""); return q + 1; }
        const char *w = q;
        while (*q && *q != ' ' && *q != '"') { if (*q == '\\' && q[1]) q++; q++; }
        r->w[r->n++] = strndup(w, (size_t)(q - w));
    }
}

static words split(const char *s)
{
    words r = { malloc(sizeof(char *) * (strlen(s) + 1)), 0 };
    const char *p = s;
    while (*p) {
        if (*p == ' ') { p++; continue; }
        const char *q = p;
        if (*p == '"' && r.n && strcmp(r.w[r.n - 1], "text") == 0) {
            p = split_legal(&r, p);
            continue;
        }
        if (*p == '"') {                    /* a quoted name is one word */
            q++;
            while (*q && *q != '"') { if (*q == '\\' && q[1]) q++; q++; }
            if (*q) q++;
        } else if (strchr("(),;", *p)) {
            q++;
        } else {
            while (*q && *q != ' ' && !strchr("(),;\"", *q)) q++;
        }
        r.w[r.n] = strndup(p, (size_t)(q - p));
        r.n++;
        p = q;
    }
    return r;
}

static void free_words(words *w)
{
    for (int i = 0; i < w->n; i++) free(w->w[i]);
    free(w->w);
}

typedef struct op { char kind; const char *w; } op; /* '=', '-', '+' */

static op *word_diff(const words *a, const words *b, int *nops)
{
    int n = a->n, m = b->n;
    int *t = calloc((size_t)(n + 1) * (size_t)(m + 1), sizeof(int));
#define T(i, j) t[(size_t)(i) * (size_t)(m + 1) + (size_t)(j)]
    for (int i = n - 1; i >= 0; i--)
        for (int j = m - 1; j >= 0; j--)
            T(i, j) = strcmp(a->w[i], b->w[j]) == 0 ? T(i + 1, j + 1) + 1
                    : (T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1));
    op *ops = malloc(sizeof *ops * (size_t)(n + m + 1));
    int k = 0, i = 0, j = 0;
    while (i < n || j < m) {
        /* a word that also matches later is matched as late as it can be,
         * so that an inserted phrase stays one run ("{+for the first two
         * ... thereafter+} the lesser", not "{+for+} the {+first ...") */
        if (i < n && j < m && strcmp(a->w[i], b->w[j]) == 0 && T(i, j + 1) == T(i, j)) ops[k++] = (op){ '+', b->w[j++] };
        else if (i < n && j < m && strcmp(a->w[i], b->w[j]) == 0 && T(i + 1, j) == T(i, j)) ops[k++] = (op){ '-', a->w[i++] };
        else if (i < n && j < m && strcmp(a->w[i], b->w[j]) == 0) { ops[k++] = (op){ '=', a->w[i] }; i++; j++; }
        else if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1))) ops[k++] = (op){ '-', a->w[i++] };
        else ops[k++] = (op){ '+', b->w[j++] };
    }
#undef T
    free(t);
    *nops = k;
    return ops;
}

/* ---- dependents ---- */

typedef struct user { const char *what; char *name; const char *via; } user;
typedef struct users { user *v; int n, cap; } users;

static int expr_uses(const ast_expr *e, const char *name)
{
    if (!e) return 0;
    if (e->kind == EX_NAME && strcmp(e->name, name) == 0) return 1;
    /* an account is read through its balance */
    if (e->kind == EX_HOLDER && strcmp(e->name, name) == 0) return 1;
    if (e->kind == EX_CLASSQ && e->classes.n == 1 && !((const ast_classref *)e->classes.v[0])->last &&
        strcmp(((const ast_classref *)e->classes.v[0])->first, name) == 0)
        return 1;
    if (expr_uses(e->a, name) || expr_uses(e->b, name) || expr_uses(e->c, name)) return 1;
    for (int i = 0; i < e->args.n; i++)
        if (expr_uses(e->args.v[i], name)) return 1;
    return 0;
}

static int seen_user(const users *u, const char *what, const char *name)
{
    for (int i = 0; i < u->n; i++)
        if (u->v[i].what == what && strcmp(u->v[i].name, name) == 0) return 1;
    return 0;
}

static void add_user(users *u, const char *what, const char *name, const char *via)
{
    if (seen_user(u, what, name)) return;
    if (u->n == u->cap) {
        u->cap = u->cap ? u->cap * 2 : 16;
        u->v = realloc(u->v, sizeof *u->v * (size_t)u->cap);
    }
    u->v[u->n++] = (user){ what, strdup(name), via };
}

/* everything in d that uses name, directly or through the definitions,
 * funds and schedules that use it */
static users dependents(const ast_deal *d, const char *name)
{
    users u = { 0 };
    const char *queue[4096];
    int qh = 0, qt = 0;
    queue[qt++] = name;
    while (qh < qt) {
        const char *n = queue[qh++];
        const char *via = n == name ? NULL : n;
        for (int i = 0; i < d->decls.n; i++) {
            const ast_decl *x = d->decls.v[i];
            int uses = expr_uses(x->expr, n) || expr_uses(x->interest, n);
            for (int k = 0; k < x->entries.n && !uses; k++)
                uses = expr_uses(((const ast_sched_entry *)x->entries.v[k])->value, n);
            const char *what = x->kind == DK_FUND ? "fund" : x->kind == DK_SCHEDULE ? "schedule"
                             : x->kind == DK_ACCOUNT ? "account" : x->kind == DK_TRIGGER ? "trigger"
                             : x->kind == DK_DATE ? "date" : "definition";
            if (uses && !seen_user(&u, what, x->name)) {
                add_user(&u, what, x->name, via);
                if (qt < 4096) queue[qt++] = x->name;
            }
        }
        for (int i = 0; i < d->classes.n; i++) {
            const ast_class *c = d->classes.v[i];
            if (expr_uses(c->coupon, n) || expr_uses(c->cap, n)) add_user(&u, "coupon of class", c->name, via);
        }
        for (int i = 0; i < d->waterfalls.n; i++) {
            const ast_waterfall *w = d->waterfalls.v[i];
            for (int j = 0; j < w->clauses.n; j++) {
                const ast_clause *c = w->clauses.v[j];
                if (expr_uses(c->amount, n) || expr_uses(c->upto, n) || expr_uses(w->guard, n) || strcmp(w->fund, n) == 0 ||
                    (c->source && strcmp(c->source, n) == 0)) {
                    char label[256];
                    snprintf(label, sizeof label, "%s%s", w->section, c->label);
                    add_user(&u, "clause", label, via);
                }
            }
        }
        for (int i = 0; i < d->lines.n; i++) {
            const ast_line *l = d->lines.v[i];
            if (l->label && expr_uses(l->expr, n)) add_user(&u, "statement line", l->label, via);
        }
        for (int i = 0; i < d->allocs.n; i++) {
            const ast_alloc *al = d->allocs.v[i];
            if (expr_uses(al->against, n)) add_user(&u, "loss allocation", al->section, via);
        }
    }
    return u;
}

static void free_users(users *u)
{
    for (int i = 0; i < u->n; i++) free(u->v[i].name);
    free(u->v);
}

/* ---- output ---- */

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static void html_str(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

typedef struct change {
    const char *change;      /* "added", "removed", "changed", "moved" */
    const entry *old, *new_;
    users deps;
} change;

static void put_words(FILE *out, const change *c, diff_format f, int color, int side)
{
    words a = split(c->old->text), b = split(c->new_->text);
    int n;
    op *ops = word_diff(&a, &b, &n);
    const char *prev = NULL;
    int quoted = 0, after_open = 0;   /* inside the agreement's words; just after their quote */
    for (int i = 0; i < n; i++) {
        if (f == DIFF_HTML && ((side == 0 && ops[i].kind == '+') || (side == 1 && ops[i].kind == '-'))) continue;
        /* words are joined as the canonical text joins them: no space
         * before , ; ) or after (, nor between min or max and its (, nor
         * inside the quotes around the agreement's words */
        int quote = strcmp(ops[i].w, "\"") == 0;
        if (prev && f != DIFF_JSON && !strchr(",;)]", ops[i].w[0]) && strcmp(prev, "(") != 0 &&
            !(ops[i].w[0] == '(' && (strcmp(prev, "min") == 0 || strcmp(prev, "max") == 0)) &&
            !(quote && quoted) && !after_open)
            fputc(' ', out);
        if (quote) quoted = !quoted;
        after_open = quote && quoted;
        prev = ops[i].w;
        if (f == DIFF_JSON) {
            fprintf(out, "%s{\"op\": \"%c\", \"word\": ", i ? " " : "", ops[i].kind);
            json_str(out, ops[i].w);
            fputs(i + 1 < n ? "}," : "}", out);
            continue;
        }
        /* a run of removed or added words is marked once, as a redline
         * strikes a phrase; the HTML sides see only their own runs */
        char k = ops[i].kind;
        int opens = i == 0 || ops[i - 1].kind != k, closes = i + 1 == n || ops[i + 1].kind != k;
        if (f == DIFF_HTML) {
            /* neighbours as this side shows them */
            char hidden = side == 0 ? '+' : '-', pk = 0, nk = 0;
            for (int j = i - 1; j >= 0 && !pk; j--) if (ops[j].kind != hidden) pk = ops[j].kind;
            for (int j = i + 1; j < n && !nk; j++) if (ops[j].kind != hidden) nk = ops[j].kind;
            opens = pk != k;
            closes = nk != k;
            if (k != '=' && opens) fputs(k == '-' ? "<del>" : "<ins>", out);
            html_str(out, ops[i].w);
            if (k != '=' && closes) fputs(k == '-' ? "</del>" : "</ins>", out);
        } else if (k == '=') {
            fputs(ops[i].w, out);
        } else if (color) {
            if (opens) fputs(k == '-' ? "\033[31;9m" : "\033[32m", out);
            fputs(ops[i].w, out);
            if (closes) fputs("\033[0m", out);
        } else {
            fprintf(out, "%s%s%s", opens ? (k == '-' ? "[-" : "{+") : "", ops[i].w, closes ? (k == '-' ? "-]" : "+}") : "");
        }
    }
    free(ops);
    free_words(&a);
    free_words(&b);
}

static void put_deps_text(FILE *out, const users *u)
{
    if (!u->n) return;
    fputs("    used by:\n", out);
    for (int i = 0; i < u->n; i++) {
        fprintf(out, "      %s \"%s\"", u->v[i].what, u->v[i].name);
        if (u->v[i].via) fprintf(out, " (through \"%s\")", u->v[i].via);
        fputc('\n', out);
    }
}

int diff_deals(FILE *out, const ast_deal *old, const ast_deal *new_, diff_format format, int color,
               const char *old_name, const char *new_name)
{
    list a = { 0 }, b = { 0 };
    collect(old, &a);
    collect(new_, &b);
    change *ch = calloc((size_t)(a.n + b.n + 1), sizeof *ch);
    int n = 0;
    /* 1: the same item, word for word */
    for (int i = 0; i < a.n; i++) {
        entry *e = find(&b, a.v[i].key);
        if (e && strcmp(a.v[i].text, e->text) == 0) a.v[i].matched = e->matched = 1;
    }
    /* 2: a clause that left its label and appears word for word under
     * another was renumbered: a move, not a removal and an addition */
    change *moves = calloc((size_t)(a.n + 1), sizeof *moves);
    int nmoves = 0;
    for (int i = 0; i < a.n; i++) {
        if (a.v[i].matched || strcmp(a.v[i].kind, "clause") != 0) continue;
        for (int j = 0; j < b.n; j++) {
            if (b.v[j].matched || strcmp(b.v[j].kind, "clause") != 0 || strcmp(a.v[i].text, b.v[j].text) != 0) continue;
            a.v[i].matched = b.v[j].matched = 1;
            moves[nmoves++] = (change){ "moved", &a.v[i], &b.v[j], { 0 } };
            break;
        }
    }
    /* 3: the same name or label, other words */
    for (int i = 0; i < a.n; i++) {
        if (a.v[i].matched) continue;
        entry *e = find(&b, a.v[i].key);
        if (!e || e->matched) continue;
        a.v[i].matched = e->matched = 1;
        ch[n++] = (change){ "changed", &a.v[i], e, { 0 } };
    }
    for (int i = 0; i < nmoves; i++) ch[n++] = moves[i];
    free(moves);
    for (int i = 0; i < a.n; i++)
        if (!a.v[i].matched) ch[n++] = (change){ "removed", &a.v[i], NULL, { 0 } };
    for (int j = 0; j < b.n; j++)
        if (!b.v[j].matched) ch[n++] = (change){ "added", NULL, &b.v[j], { 0 } };
    for (int i = 0; i < n; i++) {
        const entry *e = ch[i].new_ ? ch[i].new_ : ch[i].old;
        if (e->ref && strcmp(ch[i].change, "moved") != 0)
            ch[i].deps = dependents(ch[i].new_ ? new_ : old, e->ref);
    }

    if (format == DIFF_JSON) {
        fputs("{\"old\": ", out);
        json_str(out, old_name);
        fputs(", \"new\": ", out);
        json_str(out, new_name);
        fputs(", \"changes\": [", out);
        for (int i = 0; i < n; i++) {
            const change *c = &ch[i];
            const entry *e = c->new_ ? c->new_ : c->old;
            fprintf(out, "%s\n  {\"change\": \"%s\", \"kind\": \"%s\", \"name\": ", i ? "," : "", c->change, e->kind);
            json_str(out, c->old ? c->old->name : e->name);
            if (c->old && c->new_ && strcmp(c->change, "moved") == 0) { fputs(", \"to\": ", out); json_str(out, c->new_->name); }
            if (c->old) { fputs(", \"old\": ", out); json_str(out, c->old->text); }
            if (c->new_) { fputs(", \"new\": ", out); json_str(out, c->new_->text); }
            if (strcmp(c->change, "changed") == 0) { fputs(", \"words\": [", out); put_words(out, c, format, 0, 0); fputc(']', out); }
            fputs(", \"used_by\": [", out);
            for (int k = 0; k < c->deps.n; k++) {
                fprintf(out, "%s{\"kind\": \"%s\", \"name\": ", k ? ", " : "", c->deps.v[k].what);
                json_str(out, c->deps.v[k].name);
                if (c->deps.v[k].via) { fputs(", \"through\": ", out); json_str(out, c->deps.v[k].via); }
                fputc('}', out);
            }
            fputs("]}", out);
        }
        fputs(n ? "\n]}\n" : "]}\n", out);
    } else if (format == DIFF_HTML) {
        fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", out);
        html_str(out, old_name);
        fputs(" &rarr; ", out);
        html_str(out, new_name);
        fputs("</title>\n<style>body{font-family:Georgia,serif;margin:2em;color:#222}"
              "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.5em;vertical-align:top;"
              "font-family:Menlo,Consolas,monospace;font-size:90%}th{background:#f4f4f4}"
              "del{background:#fdd;color:#a00}ins{background:#dfd;color:#060;text-decoration:none}"
              ".deps{color:#555;font-size:85%}</style></head><body>\n<h1>", out);
        html_str(out, old_name);
        fputs(" &rarr; ", out);
        html_str(out, new_name);
        fprintf(out, "</h1>\n<p>%d change%s</p>\n<table><tr><th>What</th><th>Before</th><th>After</th></tr>\n", n, n == 1 ? "" : "s");
        for (int i = 0; i < n; i++) {
            const change *c = &ch[i];
            const entry *e = c->new_ ? c->new_ : c->old;
            fprintf(out, "<tr><td>%s %s<br>", c->change, e->kind);
            html_str(out, c->old ? c->old->name : e->name);
            if (strcmp(c->change, "moved") == 0) { fputs(" &rarr; ", out); html_str(out, c->new_->name); }
            fputs("</td><td>", out);
            if (strcmp(c->change, "changed") == 0) put_words(out, c, format, 0, 0);
            else if (c->old) { fputs(c->new_ ? "" : "<del>", out); html_str(out, c->old->text); fputs(c->new_ ? "" : "</del>", out); }
            fputs("</td><td>", out);
            if (strcmp(c->change, "changed") == 0) put_words(out, c, format, 0, 1);
            else if (c->new_) { fputs(c->old ? "" : "<ins>", out); html_str(out, c->new_->text); fputs(c->old ? "" : "</ins>", out); }
            if (c->deps.n) {
                fputs("<div class=\"deps\">used by: ", out);
                for (int k = 0; k < c->deps.n; k++) {
                    fprintf(out, "%s%s &ldquo;", k ? "; " : "", c->deps.v[k].what);
                    html_str(out, c->deps.v[k].name);
                    fputs("&rdquo;", out);
                }
                fputs("</div>", out);
            }
            fputs("</td></tr>\n", out);
        }
        fputs("</table>\n</body></html>\n", out);
    } else {
        for (int i = 0; i < n; i++) {
            const change *c = &ch[i];
            const entry *e = c->new_ ? c->new_ : c->old;
            if (strcmp(c->change, "moved") == 0) {
                fprintf(out, "moved %s %s -> %s\n    %s\n", e->kind, c->old->name, c->new_->name, c->new_->text);
                continue;
            }
            fprintf(out, "%s %s \"%s\"\n", c->change, e->kind, e->name);
            if (strcmp(c->change, "changed") == 0) {
                fputs("    ", out);
                put_words(out, c, format, color, 0);
                fputc('\n', out);
            } else {
                fprintf(out, "    %s%s\n", c->old ? "- " : "+ ", e->text);
            }
            put_deps_text(out, &c->deps);
        }
        fprintf(out, "%d change%s\n", n, n == 1 ? "" : "s");
    }
    for (int i = 0; i < n; i++) free_users(&ch[i].deps);
    free(ch);
    free_list(&a);
    free_list(&b);
    return n;
}
