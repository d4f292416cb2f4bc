/* diff.c — see diff.h.
 *
 * Each provision of both versions becomes an entry: its heading, the
 * agreement's words, its formula as one canonical line (with where each
 * name in it stands, for links), its marks. Entries are matched by kind and
 * name or label; a clause whose words and formula reappear under another
 * label was renumbered. The words of a change are aligned by a dynamic
 * program that finds the fewest changed words and, among alignments with as
 * few, the fewest separate runs of change, so an inserted phrase is marked
 * as one run ("any Distribution Date {+after the first two Distribution
 * Dates+},") rather than scattered among the words it repeats. Items are
 * small; the table is bounded (past the bound, the differing middle is
 * shown replaced as a whole). */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "html.h"
#include "lex.h"
#include "rt_internal.h"

#include <sys/ioctl.h>
#include <unistd.h>

/* ---- entries ---- */

typedef enum ekind {
    EK_HEADER, EK_GROUP, EK_INPUT, EK_PARTY, EK_RESIDUAL, EK_DEFINE, EK_FUND, EK_SCHEDULE,
    EK_CLASS, EK_COLLATERAL, EK_CLAUSE, EK_SECTION, EK_LINE,
    EK_ACCOUNT, EK_INSURER, EK_TRIGGER, EK_DATE, EK_ALLOC, EK__COUNT
} ekind;

/* JSON's "kind" (as before: tools read it) */
static const char *const kind_names[EK__COUNT] = {
    "header", "group", "input", "party", "residual", "definition", "fund", "schedule",
    "class", "collateral line", "clause", "section", "statement line",
    "account", "insurer", "trigger", "date", "loss allocation"
};

/* the order of the agreement: Article I's definitions, the parties and
 * classes, the sections by number, the statement */
static const int kind_rank[EK__COUNT] = { 0, 2, 1, 2, 2, 1, 1, 1, 3, 4, 5, 5, 6, 1, 2, 1, 1, 5 };

static const html_kind kind_anchor[EK__COUNT] = {
    HK_ITEM, HK_GROUP, HK_TERM, HK_PARTY, HK_PARTY, HK_TERM, HK_TERM, HK_TERM,
    HK_CLASS, HK_ITEM, HK_SECTION, HK_SECTION, HK_LINE,
    HK_TERM, HK_PARTY, HK_TERM, HK_TERM, HK_SECTION
};

/* the entry kind of each declaration kind */
static const ekind decl_kind[] = {
    [DK_GROUP] = EK_GROUP, [DK_INPUT] = EK_INPUT, [DK_PARTY] = EK_PARTY, [DK_RESIDUAL] = EK_RESIDUAL,
    [DK_DEFINE] = EK_DEFINE, [DK_FUND] = EK_FUND, [DK_SCHEDULE] = EK_SCHEDULE, [DK_ACCOUNT] = EK_ACCOUNT,
    [DK_INSURER] = EK_INSURER, [DK_TRIGGER] = EK_TRIGGER, [DK_DATE] = EK_DATE
};

typedef struct entry {
    ekind kind;
    char *name;            /* the name or full label */
    char *key;             /* kind and name */
    char *words;           /* the agreement's words, or NULL */
    char *formula;         /* one canonical line ("" when none) */
    fmt_refs refs;         /* the names in formula */
    const char *recon;     /* reconstructed: why (NULL: the document's) */
    const char *amended_by;
    int effective;
    const char *fund;      /* a clause's fund */
    int matched;
} entry;

typedef struct list { entry *v; int n, cap; } list;

static entry *add(list *l, ekind kind, const char *name)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, sizeof *l->v * (size_t)l->cap);
    }
    entry *e = &l->v[l->n++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->name = strdup(name);
    size_t n = strlen(name) + 24;
    e->key = malloc(n);
    snprintf(e->key, n, "%d %s", (int)kind, name);
    e->formula = strdup("");
    return e;
}

static void set_formula(entry *e, char *f)
{
    free(e->formula);
    e->formula = f;
}

static void free_list(list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].key);
        free(l->v[i].words);
        free(l->v[i].formula);
        fmt_refs_free(&l->v[i].refs);
    }
    free(l->v);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void collect(const ast_deal *d, list *l)
{
    char buf[96];
    snprintf(buf, sizeof buf, "closing %d, first payment %d, payment day %d (%d)", d->closing, d->first_payment,
             d->payment_day, (int)d->bdc);
    set_formula(add(l, EK_HEADER, "dates"), strdup(buf));
    for (int i = 0; i < d->decls.n; i++) {
        const ast_decl *x = d->decls.v[i];
        entry *e = add(l, decl_kind[x->kind], x->name);
        e->words = dup_or_null(x->text);
        set_formula(e, fmt_decl_line(x, &e->refs));
        e->recon = x->reconstructed;
        e->amended_by = x->amended_by;
        e->effective = x->effective;
    }
    for (int i = 0; i < d->classes.n; i++) {
        const ast_class *c = d->classes.v[i];
        entry *e = add(l, EK_CLASS, c->name);
        e->words = dup_or_null(c->text);
        set_formula(e, fmt_class_line(c, &e->refs));
        e->recon = c->reconstructed;
    }
    for (int i = 0; i < d->collateral.n; i++) {
        const ast_collateral *c = d->collateral.v[i];
        for (int j = 0; j < c->lines.n; j++) {
            const ast_cline *cl = c->lines.v[j];
            size_t n = strlen(c->group) + strlen(cl->name) + 8;
            char *name = malloc(n);
            snprintf(name, n, "%s / %s", c->group, cl->name);
            entry *e = add(l, EK_COLLATERAL, name);
            free(name);
            char *t = fmt_cline_text(cl);
            /* without "line "NAME"": the name is the heading */
            const char *body = strchr(t + 6, '"');
            set_formula(e, strdup(body && body[1] == ' ' ? body + 2 : t));
            free(t);
        }
    }
    for (int i = 0; i < d->waterfalls.n; i++) {
        const ast_waterfall *w = d->waterfalls.v[i];
        for (int j = 0; j < w->clauses.n; j++) {
            const ast_clause *c = w->clauses.v[j];
            size_t n = strlen(w->section) + strlen(c->label) + 1;
            char *label = malloc(n);
            snprintf(label, n, "%s%s", w->section, c->label);
            entry *e = add(l, EK_CLAUSE, label);
            free(label);
            e->words = dup_or_null(c->text);
            /* the formula, the fund it pays from and the dates it runs on
             * (a move to another fund or guard is a change) */
            char *pay = fmt_pay_line(c, &e->refs);
            fmt_refs grefs = { 0 };
            char *guard = w->guard ? fmt_expr_line(w->guard, &grefs) : NULL;
            size_t pl = strlen(pay), fl = strlen(w->fund);
            char *f = malloc(pl + fl + (guard ? strlen(guard) : 0) + 24);
            int at = sprintf(f, "%s, from ", pay);
            int end = at + sprintf(f + at, "\"%s\"", w->fund);
            e->refs.cap = e->refs.n + grefs.n + 1;
            e->refs.v = realloc(e->refs.v, sizeof *e->refs.v * (size_t)e->refs.cap);
            e->refs.v[e->refs.n++] = (fmt_ref){ at, end, FR_TERM, w->fund };
            if (guard) {
                int g0 = end + sprintf(f + end, " when ");
                strcpy(f + g0, guard);
                for (int k = 0; k < grefs.n; k++) {
                    fmt_ref r = grefs.v[k];
                    r.start += g0;
                    r.end += g0;
                    e->refs.v[e->refs.n++] = r;
                }
            }
            free(guard);
            fmt_refs_free(&grefs);
            free(pay);
            set_formula(e, f);
            e->recon = c->reconstructed;
            e->amended_by = c->amended_by;
            e->effective = c->effective;
            e->fund = w->fund;
        }
    }
    for (int i = 0; i < d->sections.n; i++) {
        const ast_section *s = d->sections.v[i];
        entry *e = add(l, EK_SECTION, s->label);
        e->words = dup_or_null(s->text);
        e->recon = s->reconstructed;
        e->amended_by = s->amended_by;
        e->effective = s->effective;
    }
    for (int i = 0; i < d->lines.n; i++) {
        const ast_line *ln = d->lines.v[i];
        if (!ln->label) continue;
        entry *e = add(l, EK_LINE, ln->label);
        set_formula(e, fmt_expr_line(ln->expr, &e->refs));
    }
    for (int i = 0; i < d->allocs.n; i++) {
        const ast_alloc *al = d->allocs.v[i];
        entry *e = add(l, EK_ALLOC, al->section);
        set_formula(e, fmt_alloc_text(al));
    }
    if (d->retired_zero) set_formula(add(l, EK_HEADER, "retired classes"), strdup("retired classes show coupon 0.00%"));
}

static entry *find(list *l, const char *key)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->v[i].key, key) == 0) return &l->v[i];
    return NULL;
}

static int same_str(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

/* the agreement is the same if its words and formula are: a provision the
 * encoder marks reconstructed, or no longer, has not changed */
static int same_entry(const entry *a, const entry *b)
{
    return same_str(a->words, b->words) && strcmp(a->formula, b->formula) == 0;
}

static int name_cmp(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = *a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : *a, y = *b >= 'A' && *b <= 'Z' ? *b - 'A' + 'a' : *b;
        if (x != y) return x - y;
    }
    return (*a != 0) - (*b != 0);
}

/* ---- words ---- */

typedef struct tok {
    char *w;
    int space;      /* a space before it, as its own text has it (the first
                       word of a text has one: it follows whatever precedes) */
    int at;         /* offset in its text (formulas: for links) */
} tok;
typedef struct toks { tok *v; int n; } toks;

static void push_tok(toks *t, const char *s, size_t n, int space, int at)
{
    t->v[t->n++] = (tok){ strndup(s, n), space, at };
}

/* The agreement's words: split at spaces, with punctuation after a word
 * (and quotes around it) tokens of their own, as a comparison program
 * treats them; "4.02(c)(xii)," is "4.02(c)(xii)" and ",". */
static toks prose_toks(const char *s)
{
    toks t = { calloc(strlen(s) * 2 + 2, sizeof(tok)), 0 };
    const char *p = s;
    int space = 0;
    while (*p) {
        if (*p == ' ' || *p == '\n' || *p == '\t') { space = 1; p++; continue; }
        const char *q = p;
        while (*q && *q != ' ' && *q != '\n' && *q != '\t') q++;
        const char *a = p, *b = q;
        int sp = t.n ? space : 1;
        while (a < b && (*a == '"' || *a == '\'')) { push_tok(&t, a, 1, sp, (int)(a - s)); sp = 0; a++; }
        const char *e = b;
        while (e > a && strchr(",;:.\"'", e[-1])) e--;
        if (e > a) { push_tok(&t, a, (size_t)(e - a), sp, (int)(a - s)); sp = 0; }
        for (const char *c = e; c < b; c++) { push_tok(&t, c, 1, sp, (int)(c - s)); sp = 0; }
        space = 0;
        p = q;
    }
    return t;
}

/* A formula: quoted names are one token, brackets and punctuation their
 * own, and an amount keeps its thousands separators ("$450,000,000.00"). */
static toks formula_toks(const char *s)
{
    toks t = { calloc(strlen(s) + 2, sizeof(tok)), 0 };
    const char *p = s;
    int space = 0;
    while (*p) {
        if (*p == ' ') { space = 1; p++; continue; }
        const char *q = p;
        if (*p == '"') {
            q++;
            while (*q && *q != '"') { if (*q == '\\' && q[1]) q++; q++; }
            if (*q) q++;
        } else if (strchr("(),;", *p)) {
            q++;
        } else {
            while (*q && *q != ' ' && !strchr("();\"", *q) &&
                   !(*q == ',' && !(q > p && q[-1] >= '0' && q[-1] <= '9' && q[1] >= '0' && q[1] <= '9')))
                q++;
        }
        push_tok(&t, p, (size_t)(q - p), t.n ? space : 1, (int)(p - s));
        space = 0;
        p = q;
    }
    return t;
}

static void free_toks(toks *t)
{
    for (int i = 0; i < t->n; i++) free(t->v[i].w);
    free(t->v);
}

typedef struct op { char kind; const tok *t; } op;   /* '=', '-', '+'; t from old for '-', new otherwise */

#define DP_MAX_CELLS 2000000

/* the fewest changed words, then the fewest runs of change; each run's
 * deletions before its insertions */
static op *word_diff(const toks *a, const toks *b, int *nops)
{
    int n = a->n, m = b->n;
    op *ops = malloc(sizeof *ops * (size_t)(n + m + 1));
    int k = 0;
    int pre = 0;
    while (pre < n && pre < m && strcmp(a->v[pre].w, b->v[pre].w) == 0) pre++;
    int suf = 0;
    while (suf < n - pre && suf < m - pre && strcmp(a->v[n - 1 - suf].w, b->v[m - 1 - suf].w) == 0) suf++;
    for (int i = 0; i < pre; i++) ops[k++] = (op){ '=', &b->v[i] };
    int n0 = n - pre - suf, m0 = m - pre - suf;
    const tok *A = a->v + pre, *Bv = b->v + pre;
    if ((int64_t)(n0 + 1) * (m0 + 1) > DP_MAX_CELLS) {
        for (int i = 0; i < n0; i++) ops[k++] = (op){ '-', &A[i] };
        for (int j = 0; j < m0; j++) ops[k++] = (op){ '+', &Bv[j] };
    } else {
        /* cost[s][i][j]: aligning A[i..] with B[j..] after a match (s = 0)
         * or inside a run of change (s = 1); edits weigh more than runs */
        size_t W = (size_t)m0 + 1, cells = (size_t)(n0 + 1) * W;
        int64_t *c0 = malloc(sizeof(int64_t) * cells), *c1 = malloc(sizeof(int64_t) * cells);
        int64_t BIG = (int64_t)n0 + m0 + 2;
#define C0(i, j) c0[(size_t)(i) * W + (size_t)(j)]
#define C1(i, j) c1[(size_t)(i) * W + (size_t)(j)]
        for (int i = n0; i >= 0; i--)
            for (int j = m0; j >= 0; j--) {
                if (i == n0 && j == m0) { C0(i, j) = C1(i, j) = 0; continue; }
                int64_t best0 = INT64_MAX, best1 = INT64_MAX;
                if (i < n0 && j < m0 && strcmp(A[i].w, Bv[j].w) == 0) best0 = best1 = C0(i + 1, j + 1);
                if (i < n0) {
                    int64_t d = C1(i + 1, j) + BIG;
                    if (d + 1 < best0) best0 = d + 1;
                    if (d < best1) best1 = d;
                }
                if (j < m0) {
                    int64_t d = C1(i, j + 1) + BIG;
                    if (d + 1 < best0) best0 = d + 1;
                    if (d < best1) best1 = d;
                }
                C0(i, j) = best0;
                C1(i, j) = best1;
            }
        /* walk the cheapest path: a match first, then a deletion, then an
         * insertion, at equal cost */
        int i = 0, j = 0, s = 0;
        int start = k;
        while (i < n0 || j < m0) {
            int64_t here = s ? C1(i, j) : C0(i, j);
            if (i < n0 && j < m0 && strcmp(A[i].w, Bv[j].w) == 0 && C0(i + 1, j + 1) == here) {
                ops[k++] = (op){ '=', &Bv[j] };
                i++; j++; s = 0;
            } else if (i < n0 && C1(i + 1, j) + BIG + (s ? 0 : 1) == here) {
                ops[k++] = (op){ '-', &A[i] };
                i++; s = 1;
            } else {
                ops[k++] = (op){ '+', &Bv[j] };
                j++; s = 1;
            }
        }
#undef C0
#undef C1
        free(c0);
        free(c1);
        /* each run: its deletions, then its insertions */
        for (int r = start; r < k;) {
            if (ops[r].kind == '=') { r++; continue; }
            int e = r;
            while (e < k && ops[e].kind != '=') e++;
            op *tmp = malloc(sizeof *tmp * (size_t)(e - r));
            int o = 0;
            for (int x = r; x < e; x++) if (ops[x].kind == '-') tmp[o++] = ops[x];
            for (int x = r; x < e; x++) if (ops[x].kind == '+') tmp[o++] = ops[x];
            memcpy(ops + r, tmp, sizeof *tmp * (size_t)(e - r));
            free(tmp);
            r = e;
        }
    }
    for (int i = suf; i > 0; i--) ops[k++] = (op){ '=', &b->v[m - i] };
    *nops = k;
    return ops;
}

/* ---- what reads a change ---- */

typedef struct user { ekind kind; char *name; char *via; } user;
typedef struct users { user *v; int n, cap; } users;

/* which figures make a provision's reader */
typedef struct reads {
    const char *name;           /* a term, by name */
    const char *const *labels;  /* available at any of these clauses */
    int nlabels;
    const char *cls;            /* any figure of this class */
    const char *const *payees;  /* figures after payments of these classes or parties */
    int npayees;
    unsigned payee_fields;      /* ... those of these class quantities (1 << CQ_*) */
    const ast_deal *d;
} reads;

static int class_pos(const ast_deal *d, const char *name)
{
    for (int i = 0; i < d->classes.n; i++)
        if (strcmp(((const ast_class *)d->classes.v[i])->name, name) == 0) return i;
    return -1;
}

static int list_has(const ast_deal *d, const ptrvec *refs, const char *name)
{
    int k = class_pos(d, name);
    for (int i = 0; i < refs->n; i++) {
        const ast_classref *r = refs->v[i];
        if (strcmp(r->first, name) == 0 || (r->last && strcmp(r->last, name) == 0)) return 1;
        if (r->last && k >= 0) {
            int a = class_pos(d, r->first), b = class_pos(d, r->last);
            if (a >= 0 && b >= 0 && a <= k && k <= b) return 1;
        }
    }
    return 0;
}

static int expr_reads(const ast_expr *e, const reads *r)
{
    if (!e) return 0;
    switch (e->kind) {
    case EX_NAME:
    case EX_HOLDER:     /* an account is read through its balance */
        if (r->name && strcmp(e->name, r->name) == 0) return 1;
        break;
    case EX_AVAIL:
        for (int i = 0; i < r->nlabels; i++)
            if (strcmp(e->name, r->labels[i]) == 0) return 1;
        break;
    case EX_CLASSQ:
        if (r->cls && list_has(r->d, &e->classes, r->cls)) return 1;
        if (r->payee_fields & (1u << e->field))
            for (int i = 0; i < r->npayees; i++)
                if (list_has(r->d, &e->classes, r->payees[i])) return 1;
        break;
    case EX_PARTYQ:
        for (int i = 0; i < r->npayees; i++)
            if (strcmp(e->name, r->payees[i]) == 0) return 1;
        break;
    default:
        break;
    }
    if (expr_reads(e->a, r) || expr_reads(e->b, r) || expr_reads(e->c, r)) return 1;
    for (int i = 0; i < e->args.n; i++)
        if (expr_reads(e->args.v[i], r)) return 1;
    return 0;
}

static int seen_user(const users *u, ekind kind, const char *name)
{
    for (int i = 0; i < u->n; i++)
        if (u->v[i].kind == kind && strcmp(u->v[i].name, name) == 0) return 1;
    return 0;
}

static void add_user(users *u, ekind kind, const char *name, const char *via)
{
    if (seen_user(u, kind, name)) return;
    if (u->n == u->cap) {
        u->cap = u->cap ? u->cap * 2 : 16;
        u->v = realloc(u->v, sizeof *u->v * (size_t)u->cap);
    }
    u->v[u->n++] = (user){ kind, strdup(name), via ? strdup(via) : NULL };
}

static void free_users(users *u)
{
    for (int i = 0; i < u->n; i++) {
        free(u->v[i].name);
        free(u->v[i].via);
    }
    free(u->v);
}

/* everything in d that reads what r describes, directly or through the
 * definitions, funds and schedules that do */
static users readers(const ast_deal *d, const reads *first, const char *self)
{
    users u = { 0 };
    const char **queue = malloc(sizeof *queue * ((size_t)d->decls.n + 1));
    int qh = 0, qt = 0;
    reads r = *first;
    for (int round = 0;; round++) {
        const char *via = round ? r.name : NULL;
        for (int i = 0; i < d->decls.n; i++) {
            const ast_decl *x = d->decls.v[i];
            if (self && x->name == self) continue;
            int uses = expr_reads(x->expr, &r) || expr_reads(x->interest, &r);
            for (int k = 0; k < x->entries.n && !uses; k++)
                uses = expr_reads(((const ast_sched_entry *)x->entries.v[k])->value, &r);
            ekind kind = decl_kind[x->kind];
            if (uses && !seen_user(&u, kind, x->name)) {
                add_user(&u, kind, x->name, via);
                queue[qt++] = x->name;
            }
        }
        for (int i = 0; i < d->classes.n; i++) {
            const ast_class *c = d->classes.v[i];
            if (expr_reads(c->coupon, &r) || expr_reads(c->cap, &r)) add_user(&u, EK_CLASS, c->name, via);
        }
        for (int i = 0; i < d->waterfalls.n; i++) {
            const ast_waterfall *w = d->waterfalls.v[i];
            for (int j = 0; j < w->clauses.n; j++) {
                const ast_clause *c = w->clauses.v[j];
                int pays = round == 0 && r.cls && c->kind != CL_PAY_PARTY && list_has(d, &c->payees, r.cls);
                if (expr_reads(c->amount, &r) || expr_reads(c->upto, &r) || expr_reads(w->guard, &r) ||
                    (r.name && (strcmp(w->fund, r.name) == 0 || (c->source && strcmp(c->source, r.name) == 0))) || pays) {
                    char label[256];
                    snprintf(label, sizeof label, "%s%s", w->section, c->label);
                    if (!self || strcmp(label, self) != 0) add_user(&u, EK_CLAUSE, label, via);
                }
            }
        }
        for (int i = 0; i < d->lines.n; i++) {
            const ast_line *l = d->lines.v[i];
            if (l->label && expr_reads(l->expr, &r)) add_user(&u, EK_LINE, l->label, via);
        }
        for (int i = 0; i < d->allocs.n; i++) {
            const ast_alloc *al = d->allocs.v[i];
            if (expr_reads(al->against, &r)) add_user(&u, EK_ALLOC, al->section, via);
        }
        if (qh == qt) break;
        r = (reads){ .name = queue[qh++], .d = d };
    }
    free(queue);
    return u;
}

/* what reads a changed entry in its deal */
static users entry_readers(const ast_deal *d, const entry *e)
{
    reads r = { .d = d };
    users none = { 0 };
    switch (e->kind) {
    case EK_INPUT: case EK_DEFINE: case EK_FUND: case EK_SCHEDULE: case EK_ACCOUNT: case EK_TRIGGER: case EK_DATE:
        r.name = e->name;
        for (int i = 0; i < d->decls.n; i++)
            if (strcmp(((const ast_decl *)d->decls.v[i])->name, e->name) == 0)
                return readers(d, &r, ((const ast_decl *)d->decls.v[i])->name);
        return readers(d, &r, NULL);
    case EK_CLASS:
        r.cls = e->name;
        return readers(d, &r, NULL);
    case EK_CLAUSE: {
        /* the cash it and the later clauses of its fund find, and the
         * figures after payments of those it pays */
        const char *labels[512];
        const char *payees[256];
        int nl = 0, np = 0, after = 0;
        for (int i = 0; i < d->waterfalls.n; i++) {
            const ast_waterfall *w = d->waterfalls.v[i];
            for (int j = 0; j < w->clauses.n; j++) {
                const ast_clause *c = w->clauses.v[j];
                char label[256];
                snprintf(label, sizeof label, "%s%s", w->section, c->label);
                int me = strcmp(label, e->name) == 0;
                if (me && !after) {
                    after = 1;
                    /* what a clause of its kind changes about its payees */
                    r.payee_fields = c->kind == CL_PAY_PRINCIPAL ? 1u << CQ_ENDING_BALANCE | 1u << CQ_PRINCIPAL_PAID
                                   : c->kind == CL_PAY_PARTY ? 0
                                   : 1u << CQ_INTEREST_PAID | 1u << CQ_SHORTFALL | 1u << CQ_ENDING_UNPAID;
                    for (int k = 0; k < c->payees.n && np < 255; k++) {
                        const ast_classref *cr = c->payees.v[k];
                        payees[np++] = cr->first;
                        if (cr->last) {
                            int a = class_pos(d, cr->first), b = class_pos(d, cr->last);
                            for (int x = a + 1; a >= 0 && x <= b && np < 255; x++)
                                payees[np++] = ((const ast_class *)d->classes.v[x])->name;
                        }
                    }
                }
                if (after && strcmp(w->fund, e->fund) == 0 && nl < 511)
                    labels[nl++] = me ? e->name : strdup(label);
            }
        }
        r.labels = labels;
        r.nlabels = nl;
        r.payees = payees;
        r.npayees = np;
        users u = readers(d, &r, e->name);
        for (int i = 0; i < nl; i++)
            if (labels[i] != e->name) free((char *)labels[i]);
        return u;
    }
    default:
        return none;
    }
}

/* ---- the changes ---- */

typedef struct change {
    const char *change;     /* "changed", "added", "removed", "moved" */
    const entry *old, *new_;
    users deps;
    const ast_deal *deps_in;
} change;

static const entry *main_entry(const change *c) { return c->new_ ? c->new_ : c->old; }

/* "Definition of "X"", "Section 4.02(d)(xiii)": as a lawyer names it */
static char *heading(ekind kind, const char *name)
{
    static const char *const fmt[EK__COUNT] = {
        "The header: %s", "Group \"%s\"", "Input \"%s\"", "Party \"%s\"", "Residual holder \"%s\"",
        "Definition of \"%s\"", "Fund \"%s\"", "Schedule \"%s\"", "Class \"%s\"", "Collateral line \"%s\"",
        "Section %s", "Section %s", "Statement line \"%s\"", "Account \"%s\"", "Insurer \"%s\"",
        "Trigger \"%s\"", "Date \"%s\"", "Section %s (allocation of realized losses)"
    };
    size_t n = strlen(name) + 64;
    char *r = malloc(n);
    snprintf(r, n, fmt[kind], name);
    return r;
}

static int change_cmp(const void *x, const void *y)
{
    const change *a = x, *b = y;
    const entry *ea = a->old ? a->old : a->new_, *eb = b->old ? b->old : b->new_;
    if (kind_rank[ea->kind] != kind_rank[eb->kind]) return kind_rank[ea->kind] - kind_rank[eb->kind];
    int c = kind_rank[ea->kind] == 5 ? fmt_label_cmp(ea->name, eb->name) : name_cmp(ea->name, eb->name);
    if (c) return c;
    return (int)ea->kind - (int)eb->kind;
}

static void put_date(FILE *out, int days)
{
    char b[11];
    fputs(rt_date_format(b, days), out);
}

char *diff_effect_notes(const ast_deal *d, const ast_amendment *const *ams, int n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int first = d->has_first_payment ? rt_adjust(d->first_payment, (int)d->bdc) : 0;
    for (int i = 0; i < n; i++) {
        const ast_amendment *a = ams[i];
        if (d->has_closing && a->effective < d->closing) {
            fprintf(m, "\"%s\" takes effect on ", a->title);
            put_date(m, a->effective);
            fputs(", before the agreement's closing date (", m);
            put_date(m, d->closing);
            fputs("): it governs the agreement from its start\n", m);
        } else if (first && a->effective <= first) {
            fprintf(m, "\"%s\" takes effect on ", a->title);
            put_date(m, a->effective);
            fputs(", on or before the first payment date (", m);
            put_date(m, first);
            fputs("): the agreement as it stood before governed no distribution, so what it changes was never "
                  "paid under the words it replaces\n", m);
        }
    }
    fclose(m);
    return buf;
}

/* ---- text ---- */

static int vis_width(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\033') { while (i < n && s[i] != 'm') i++; continue; }
        if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
    }
    return w;
}

/* s filled to the width, each line indented */
static void fill(FILE *out, const char *s, int indent, int width, int keep_quoted)
{
    int col = 0, quoted = 0;
    const char *p = s;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *q = p;
        /* a formula's quoted name is not broken across lines */
        while (*q && (*q != ' ' || (keep_quoted && quoted))) {
            if (*q == '"' && keep_quoted) quoted = !quoted;
            if (*q == '\\' && q[1]) q++;
            q++;
        }
        int w = vis_width(p, (size_t)(q - p));
        if (col && col + 1 + w > width) { fputc('\n', out); col = 0; }
        if (!col) { fprintf(out, "%*s", indent, ""); col = indent; }
        else { fputc(' ', out); col++; }
        fwrite(p, 1, (size_t)(q - p), out);
        col += w;
        p = q;
    }
    if (col) fputc('\n', out);
}

void diff_wrap(FILE *out, const char *s, int indent, int width) { fill(out, s, indent, width, 0); }

/* the words of a change, marked: [-old-] {+new+}, or coloured */
static char *marked_text(const op *ops, int n, int color)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    for (int i = 0; i < n; i++) {
        char k = ops[i].kind;
        int opens = i == 0 || ops[i - 1].kind != k, closes = i + 1 == n || ops[i + 1].kind != k;
        if (i && ops[i].t->space) fputc(' ', m);
        if (k != '=' && opens) fputs(color ? (k == '-' ? "\033[31;9m" : "\033[32;4m") : (k == '-' ? "[-" : "{+"), m);
        fputs(ops[i].t->w, m);
        if (k != '=' && closes) fputs(color ? "\033[0m" : (k == '-' ? "-]" : "+}"), m);
    }
    fclose(m);
    return buf;
}

static char *plain_text(const char *s, int color, char k)
{
    size_t n = strlen(s) + 16;
    char *r = malloc(n);
    if (k == '=') snprintf(r, n, "%s", s);
    else if (color) snprintf(r, n, "%s%s\033[0m", k == '-' ? "\033[31;9m" : "\033[32;4m", s);
    else snprintf(r, n, "%s%s%s", k == '-' ? "[-" : "{+", s, k == '-' ? "-]" : "+}");
    return r;
}

static int text_width(const diff_options *o)
{
    if (o->width > 0) return o->width;
    struct winsize ws;
    if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) return ws.ws_col < 100 ? ws.ws_col : 100;
    return 100;
}

/* one side or both, redlined, as the text format prints it */
static char *redline_text(const char *old, const char *new_, int prose, int color)
{
    if (!old && !new_) return NULL;
    if (!old || !new_) return plain_text(old ? old : new_, color, old ? '-' : '+');
    toks a = prose ? prose_toks(old) : formula_toks(old), b = prose ? prose_toks(new_) : formula_toks(new_);
    int n;
    op *ops = word_diff(&a, &b, &n);
    char *r = marked_text(ops, n, color);
    free(ops);
    free_toks(&a);
    free_toks(&b);
    return r;
}

static void put_users_text(FILE *out, const users *u, int width)
{
    if (!u->n) return;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    fputs("Used by:", m);
    for (int i = 0; i < u->n; i++) {
        char *h = heading(u->v[i].kind, u->v[i].name);
        fprintf(m, " %s", h);
        if (u->v[i].kind == EK_CLASS) fputs(" (its coupon)", m);
        if (u->v[i].via) fprintf(m, " (through \"%s\")", u->v[i].via);
        fputc(i + 1 < u->n ? ';' : '.', m);
        free(h);
    }
    fclose(m);
    diff_wrap(out, buf, 2, width);
    free(buf);
}

static void amendment_header_text(FILE *out, const diff_options *o, int width)
{
    char *buf = NULL;
    size_t len = 0;
    if (!o->namendments) {
        FILE *m = open_memstream(&buf, &len);
        fprintf(m, "%s compared with %s", o->new_name, o->old_name);
        fclose(m);
        diff_wrap(out, buf, 0, width);
        free(buf);
        return;
    }
    for (int i = 0; i < o->namendments; i++) {
        const ast_amendment *a = o->amendments[i];
        FILE *m = open_memstream(&buf, &len);
        fprintf(m, "%s to \"%s\"", a->title, a->agreement);
        fclose(m);
        diff_wrap(out, buf, 0, width);
        free(buf);
        m = open_memstream(&buf, &len);
        fputs("dated ", m);
        put_date(m, a->dated);
        fputs(", effective ", m);
        put_date(m, a->effective);
        if (a->under) fprintf(m, ", made under Section %s", a->under);
        fclose(m);
        diff_wrap(out, buf, 4, width);
        free(buf);
    }
    FILE *m = open_memstream(&buf, &len);
    fprintf(m, "compared with the agreement as it stood before (%s)", o->old_name);
    fclose(m);
    diff_wrap(out, buf, 0, width);
    free(buf);
}

static void status_line(FILE *out, const change *c, int width)
{
    const entry *e = c->new_;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (e && e->amended_by) {
        fprintf(m, "As amended by \"%s\", effective ", e->amended_by);
        put_date(m, e->effective);
        fputs(".", m);
    }
    if (c->old && c->old->recon)
        fprintf(m, "%sThe words before are reconstructed%s%s.", ftell(m) ? " " : "", *c->old->recon ? ": " : "",
                c->old->recon);
    if (c->new_ && c->new_->recon)
        fprintf(m, "%sThe words now are reconstructed%s%s.", ftell(m) ? " " : "", *c->new_->recon ? ": " : "",
                c->new_->recon);
    fclose(m);
    if (len) diff_wrap(out, buf, 4, width);
    free(buf);
}

/* "Section 1(b), now 1(c) (moved)" */
static char *change_title(const change *c)
{
    const entry *e = main_entry(c);
    char *h = heading(e->kind, c->old ? c->old->name : e->name);
    size_t n = strlen(h) + (c->new_ ? strlen(c->new_->name) : 0) + 32;
    char *r = malloc(n);
    if (!strcmp(c->change, "moved")) snprintf(r, n, "%s, now %s (%s)", h, c->new_->name, c->change);
    else snprintf(r, n, "%s (%s)", h, c->change);
    free(h);
    return r;
}

static void put_text_format(FILE *out, change *ch, int n, const diff_options *o, const char *notes)
{
    int width = text_width(o);
    amendment_header_text(out, o, width);
    for (const char *p = notes; *p;) {
        const char *e = strchr(p, '\n');
        char *line = malloc(strlen(p) + 8);
        sprintf(line, "Note: %.*s", e ? (int)(e - p) : (int)strlen(p), p);
        diff_wrap(out, line, 0, width);
        free(line);
        p = e ? e + 1 : p + strlen(p);
    }
    fprintf(out, "\n%d change%s\n", n, n == 1 ? "" : "s");
    for (int i = 0; i < n; i++) {
        char *h = change_title(&ch[i]);
        diff_wrap(out, h, 2, width);
        free(h);
    }
    for (int i = 0; i < n; i++) {
        const change *c = &ch[i];
        const entry *e = main_entry(c);
        char *h = change_title(c);
        fputc('\n', out);
        diff_wrap(out, h, 0, width);
        free(h);
        status_line(out, c, width);
        int moved = !strcmp(c->change, "moved");
        char *w = redline_text(moved ? NULL : c->old ? c->old->words : NULL, c->new_ ? c->new_->words : NULL, 1,
                               o->color);
        if (moved && c->new_->words) { free(w); w = strdup(c->new_->words); }
        if (w) {
            /* a definition reads as Article I sets it: "Term": words */
            if (e->kind == EK_DEFINE || e->kind == EK_FUND) {
                char *t = malloc(strlen(w) + strlen(e->name) + 8);
                sprintf(t, "\"%s\": %s", e->name, w);
                free(w);
                w = t;
            }
            diff_wrap(out, w, 4, width);
            free(w);
        }
        char *f = moved ? strdup(c->new_->formula)
                        : redline_text(c->old ? c->old->formula : NULL, c->new_ ? c->new_->formula : NULL, 0, o->color);
        /* a section moves no cash: it has words, no formula */
        if (e->kind != EK_SECTION && f && *f && strcmp(f, "{+-}") != 0) {
            fputs("  Formula:\n", out);
            fill(out, f, 4, width, 1);
        }
        free(f);
        put_users_text(out, &c->deps, width);
    }
}

/* ---- json ---- */

/* a string by the runtime's JSON rule (buf.c); null for none */
static void json_str(FILE *out, const char *s)
{
    if (!s) { fputs("null", out); return; }
    rt_json_string_fput(out, s);
}

static void json_date(FILE *out, int days)
{
    fputc('"', out);
    put_date(out, days);
    fputc('"', out);
}

static void json_words(FILE *out, const char *key, const char *old, const char *new_, int prose)
{
    if (!old && !new_) return;
    fprintf(out, ", \"%s\": {\"old\": ", key);
    json_str(out, old);
    fputs(", \"new\": ", out);
    json_str(out, new_);
    if (old && new_ && strcmp(old, new_) != 0) {
        toks a = prose ? prose_toks(old) : formula_toks(old), b = prose ? prose_toks(new_) : formula_toks(new_);
        int n;
        op *ops = word_diff(&a, &b, &n);
        fputs(", \"words\": [", out);
        for (int i = 0; i < n; i++) {
            fprintf(out, "%s{\"op\": \"%c\", \"word\": ", i ? ", " : "", ops[i].kind);
            json_str(out, ops[i].t->w);
            fputc('}', out);
        }
        fputc(']', out);
        free(ops);
        free_toks(&a);
        free_toks(&b);
    }
    fputc('}', out);
}

static void put_json_format(FILE *out, change *ch, int n, const diff_options *o, const char *notes, html_ids *ids)
{
    fputs("{\"old\": ", out);
    json_str(out, o->old_name);
    fputs(", \"new\": ", out);
    json_str(out, o->new_name);
    fputs(", \"amendments\": [", out);
    for (int i = 0; i < o->namendments; i++) {
        const ast_amendment *a = o->amendments[i];
        fputs(i ? ", {\"title\": " : "{\"title\": ", out);
        json_str(out, a->title);
        fputs(", \"agreement\": ", out);
        json_str(out, a->agreement);
        fputs(", \"dated\": ", out);
        json_date(out, a->dated);
        fputs(", \"effective\": ", out);
        json_date(out, a->effective);
        fputs(", \"under\": ", out);
        json_str(out, a->under);
        fputc('}', out);
    }
    fputs("], \"notes\": [", out);
    int k = 0;
    for (const char *p = notes; *p;) {
        const char *e = strchr(p, '\n');
        char *line = strndup(p, e ? (size_t)(e - p) : strlen(p));
        fputs(k++ ? ", " : "", out);
        json_str(out, line);
        free(line);
        p = e ? e + 1 : p + strlen(p);
    }
    fputs("], \"changes\": [", out);
    for (int i = 0; i < n; i++) {
        const change *c = &ch[i];
        const entry *e = main_entry(c);
        fprintf(out, "%s\n  {\"change\": \"%s\", \"kind\": \"%s\", \"name\": ", i ? "," : "", c->change, kind_names[e->kind]);
        json_str(out, c->old ? c->old->name : e->name);
        if (!strcmp(c->change, "moved")) { fputs(", \"to\": ", out); json_str(out, c->new_->name); }
        char *h = heading(e->kind, c->old ? c->old->name : e->name);
        fputs(", \"heading\": ", out);
        json_str(out, h);
        free(h);
        fputs(", \"anchor\": ", out);
        json_str(out, html_id(ids, kind_anchor[e->kind], e->name));
        if (c->new_ && c->new_->amended_by) {
            fputs(", \"amended_by\": {\"title\": ", out);
            json_str(out, c->new_->amended_by);
            fputs(", \"effective\": ", out);
            json_date(out, c->new_->effective);
            fputc('}', out);
        }
        if ((c->old && c->old->recon) || (c->new_ && c->new_->recon)) {
            fputs(", \"reconstructed\": {\"old\": ", out);
            json_str(out, c->old ? c->old->recon : NULL);
            fputs(", \"new\": ", out);
            json_str(out, c->new_ ? c->new_->recon : NULL);
            fputc('}', out);
        }
        json_words(out, "text", c->old ? c->old->words : NULL, c->new_ ? c->new_->words : NULL, 1);
        json_words(out, "formula", c->old && *c->old->formula ? c->old->formula : NULL,
                   c->new_ && *c->new_->formula ? c->new_->formula : NULL, 0);
        fputs(", \"used_by\": [", out);
        for (int j = 0; j < c->deps.n; j++) {
            fprintf(out, "%s{\"kind\": \"%s\", \"name\": ", j ? ", " : "",
                    c->deps.v[j].kind == EK_CLASS ? "coupon of class" : kind_names[c->deps.v[j].kind]);
            json_str(out, c->deps.v[j].name);
            if (c->deps.v[j].via) { fputs(", \"through\": ", out); json_str(out, c->deps.v[j].via); }
            fputc('}', out);
        }
        fputs("]}", out);
    }
    fputs(n ? "\n]" : "]", out);
    if (!o->keep_open) fputs("}\n", out);
}

/* ---- html ---- */

/* a token of a formula that is a name with an anchor on this page: its id */
static const char *tok_link(const tok *t, const fmt_refs *refs, const html_ids *page)
{
    for (int i = 0; refs && i < refs->n; i++)
        if (refs->v[i].start == t->at && (size_t)(refs->v[i].end - refs->v[i].start) == strlen(t->w))
            return html_id_find(page, html_kind_of_ref(refs->v[i].kind), refs->v[i].name);
    return NULL;
}

static void html_tok(FILE *out, const tok *t, const fmt_refs *refs, const html_ids *page)
{
    const char *id = refs ? tok_link(t, refs, page) : NULL;
    if (id) fprintf(out, "<a href=\"#%s\">", id);
    html_escs(out, t->w);
    if (id) fputs("</a>", out);
}

static void html_redline(FILE *out, const char *old, const char *new_, const fmt_refs *orefs, const fmt_refs *nrefs,
                         int prose, const html_ids *page)
{
    if (!old || !new_) {
        const char *s = old ? old : new_;
        toks t = prose ? prose_toks(s) : formula_toks(s);
        fputs(old ? "<del>" : "<ins>", out);
        for (int i = 0; i < t.n; i++) {
            if (i && t.v[i].space) fputc(' ', out);
            html_tok(out, &t.v[i], old ? orefs : nrefs, page);
        }
        fputs(old ? "</del>" : "</ins>", out);
        free_toks(&t);
        return;
    }
    toks a = prose ? prose_toks(old) : formula_toks(old), b = prose ? prose_toks(new_) : formula_toks(new_);
    int n;
    op *ops = word_diff(&a, &b, &n);
    for (int i = 0; i < n; i++) {
        char k = ops[i].kind;
        int opens = i == 0 || ops[i - 1].kind != k, closes = i + 1 == n || ops[i + 1].kind != k;
        if (i && ops[i].t->space) fputc(' ', out);
        if (k != '=' && opens) fputs(k == '-' ? "<del>" : "<ins>", out);
        html_tok(out, ops[i].t, k == '-' ? orefs : nrefs, page);
        if (k != '=' && closes) fputs(k == '-' ? "</del>" : "</ins>", out);
    }
    free(ops);
    free_toks(&a);
    free_toks(&b);
}

static void html_users(FILE *out, const users *u, const html_ids *page)
{
    if (!u->n) return;
    fputs("<p class=\"note\">Used by: ", out);
    for (int i = 0; i < u->n; i++) {
        char *h = heading(u->v[i].kind, u->v[i].name);
        const char *id = html_id_find(page, kind_anchor[u->v[i].kind], u->v[i].name);
        if (i) fputs("; ", out);
        if (id) fprintf(out, "<a href=\"#%s\">", id);
        html_escs(out, h);
        if (id) fputs("</a>", out);
        if (u->v[i].kind == EK_CLASS) fputs(" (its coupon)", out);
        if (u->v[i].via) {
            fputs(" (through &ldquo;", out);
            html_escs(out, u->v[i].via);
            fputs("&rdquo;)", out);
        }
        free(h);
    }
    fputs(".</p>\n", out);
}

static void html_date(FILE *out, int days)
{
    char b[RT_DATEBUF_LONG];
    fputs(rt_date_format_long(b, days), out);
}

/* one provision on the page: its heading, words, formula, marks */
static void html_provision(FILE *out, const change *c, const entry *only, const html_ids *page)
{
    const entry *e = only ? only : main_entry(c);
    const char *id = html_id_find(page, kind_anchor[e->kind], e->name);
    char *h = heading(e->kind, c && c->old ? c->old->name : e->name);
    fprintf(out, "<section id=\"%s\"><h3>", id ? id : "");
    html_escs(out, h);
    free(h);
    if (c && !strcmp(c->change, "moved")) { fputs(", now ", out); html_escs(out, c->new_->name); }
    if (c) fprintf(out, " <span class=\"badge %s\">%s</span>",
                   !strcmp(c->change, "removed") ? "removed" : !strcmp(c->change, "added") ? "added" : "amended",
                   c->change);
    fputs("</h3>\n", out);
    const entry *nw = c ? c->new_ : e, *ol = c ? c->old : NULL;
    if (nw && nw->amended_by) {
        fputs("<p class=\"note\">As amended by ", out);
        html_escs(out, nw->amended_by);
        fputs(", effective ", out);
        html_date(out, nw->effective);
        fputs(".</p>\n", out);
    }
    if (ol && ol->recon) {
        fputs("<p class=\"note\"><span class=\"badge recon\">reconstructed</span> The words before are "
              "reconstructed", out);
        if (*ol->recon) { fputs(": ", out); html_escs(out, ol->recon); }
        fputs(".</p>\n", out);
    }
    if (nw && nw->recon) {
        fputs("<p class=\"note\"><span class=\"badge recon\">reconstructed</span> The words ", out);
        fputs(c ? "now are reconstructed" : "are reconstructed", out);
        if (*nw->recon) { fputs(": ", out); html_escs(out, nw->recon); }
        fputs(".</p>\n", out);
    }
    int moved = c && !strcmp(c->change, "moved");
    const char *ow = ol && !moved ? ol->words : NULL, *nwords = nw ? nw->words : NULL;
    if (moved) ow = NULL;
    if (ow || nwords) {
        fputs("<p class=\"words\">", out);
        if (e->kind == EK_DEFINE || e->kind == EK_FUND) {
            fputs("&ldquo;<b>", out);
            html_escs(out, e->name);
            fputs("</b>&rdquo;: ", out);
        }
        if (moved || !c) {
            fputs("", out);
            toks t = prose_toks(nwords);
            for (int i = 0; i < t.n; i++) { if (i && t.v[i].space) fputc(' ', out); html_escs(out, t.v[i].w); }
            free_toks(&t);
        } else {
            html_redline(out, ow, nwords, NULL, NULL, 1, page);
        }
        fputs("</p>\n", out);
    }
    const char *of = ol && !moved && *ol->formula ? ol->formula : NULL, *nf = nw && *nw->formula ? nw->formula : NULL;
    if (of || nf) {
        fputs("<div class=\"formula\"><span class=\"k\">Formula</span>", out);
        if (moved || !c) {
            toks t = formula_toks(nf);
            for (int i = 0; i < t.n; i++) {
                if (i && t.v[i].space) fputc(' ', out);
                html_tok(out, &t.v[i], &nw->refs, page);
            }
            free_toks(&t);
        } else {
            html_redline(out, of, nf, ol ? &ol->refs : NULL, nw ? &nw->refs : NULL, 0, page);
        }
        fputs("</div>\n", out);
    }
    if (c) html_users(out, &c->deps, page);
    fputs("</section>\n", out);
}

static void put_html_format(FILE *out, change *ch, int n, const diff_options *o, const char *notes, list *b,
                            html_ids *page)
{
    char title[512];
    if (o->namendments == 1)
        snprintf(title, sizeof title, "%s to %s: comparison", o->amendments[0]->title, o->amendments[0]->agreement);
    else if (o->namendments)
        snprintf(title, sizeof title, "%d amendments to %s: comparison", o->namendments, o->amendments[0]->agreement);
    else
        snprintf(title, sizeof title, "%s compared with %s", o->new_name, o->old_name);
    html_begin(out, title);
    if (o->namendments) {
        fputs("<header>\n", out);
        for (int i = 0; i < o->namendments; i++) {
            const ast_amendment *a = o->amendments[i];
            fputs("<h1>", out);
            html_escs(out, a->title);
            fputs("</h1>\n<p class=\"meta\">to the ", out);
            html_escs(out, a->agreement);
            fputs("; dated ", out);
            html_date(out, a->dated);
            fputs("; effective ", out);
            html_date(out, a->effective);
            if (a->under) { fputs("; made under Section ", out); html_escs(out, a->under); }
            fputs("</p>\n", out);
        }
        fputs("<p class=\"meta\">The agreement as it stood before, redlined: deletions struck through, insertions "
              "underlined; each provision's formula beneath its words.</p>\n</header>\n", out);
    } else {
        fputs("<header><h1>", out);
        html_escs(out, o->new_name);
        fputs("</h1>\n<p class=\"meta\">compared with ", out);
        html_escs(out, o->old_name);
        fputs(": deletions struck through, insertions underlined.</p></header>\n", out);
    }
    for (const char *p = notes; *p;) {
        const char *e = strchr(p, '\n');
        fputs("<p class=\"note\"><b>Note.</b> ", out);
        html_esc(out, p, e ? (size_t)(e - p) : strlen(p));
        fputs("</p>\n", out);
        p = e ? e + 1 : p + strlen(p);
    }
    fprintf(out, "<nav><h2>Summary of changes</h2>\n<p>%d change%s.</p>\n<ol>\n", n, n == 1 ? "" : "s");
    for (int i = 0; i < n; i++) {
        const entry *e = main_entry(&ch[i]);
        char *h = heading(e->kind, ch[i].old ? ch[i].old->name : e->name);
        fprintf(out, "<li><a href=\"#%s\">", html_id_find(page, kind_anchor[e->kind], e->name));
        html_escs(out, h);
        fprintf(out, "</a> &mdash; %s</li>\n", ch[i].change);
        free(h);
    }
    fputs("</ol></nav>\n<h2>The changes</h2>\n", out);
    for (int i = 0; i < n; i++) html_provision(out, &ch[i], NULL, page);
    /* what the changes reach, in their words, so every "used by" resolves */
    int any = 0;
    for (int i = 0; i < b->n; i++) {
        const entry *e = &b->v[i];
        int dep = 0, changed = 0;
        for (int j = 0; j < n && !changed; j++) changed = ch[j].new_ == e;
        for (int j = 0; j < n && !dep && !changed; j++)
            for (int k = 0; k < ch[j].deps.n && !dep; k++)
                dep = ch[j].deps.v[k].kind == e->kind && !strcmp(ch[j].deps.v[k].name, e->name);
        if (!dep) continue;
        if (!any++) fputs("<h2>Provisions that read the changes</h2>\n<p class=\"meta\">Unchanged in their words; "
                          "what they compute changes with what they read.</p>\n", out);
        html_provision(out, NULL, e, page);
    }
    if (!o->keep_open) html_end(out);
}

/* ---- the driver ---- */

int diff_deals(FILE *out, const ast_deal *old, const ast_deal *new_, const diff_options *o)
{
    list a = { 0 }, b = { 0 };
    collect(old, &a);
    collect(new_, &b);
    change *ch = calloc((size_t)(a.n + b.n + 1), sizeof *ch);
    int n = 0;
    /* 1: the same provision, word for word */
    for (int i = 0; i < a.n; i++) {
        entry *e = find(&b, a.v[i].key);
        if (e && same_entry(&a.v[i], e)) a.v[i].matched = e->matched = 1;
    }
    /* 2: a clause that left its label and appears word for word under
     * another was renumbered: a move, not a removal and an addition */
    for (int i = 0; i < a.n; i++) {
        if (a.v[i].matched || a.v[i].kind != EK_CLAUSE) continue;
        for (int j = 0; j < b.n; j++) {
            if (b.v[j].matched || b.v[j].kind != EK_CLAUSE || !same_entry(&a.v[i], &b.v[j])) continue;
            a.v[i].matched = b.v[j].matched = 1;
            ch[n++] = (change){ "moved", &a.v[i], &b.v[j], { 0 }, NULL };
            break;
        }
    }
    /* 3: the same name or label, other words */
    for (int i = 0; i < a.n; i++) {
        if (a.v[i].matched) continue;
        entry *e = find(&b, a.v[i].key);
        if (!e || e->matched) continue;
        a.v[i].matched = e->matched = 1;
        ch[n++] = (change){ "changed", &a.v[i], e, { 0 }, NULL };
    }
    for (int i = 0; i < a.n; i++)
        if (!a.v[i].matched) ch[n++] = (change){ "removed", &a.v[i], NULL, { 0 }, NULL };
    for (int j = 0; j < b.n; j++)
        if (!b.v[j].matched) ch[n++] = (change){ "added", NULL, &b.v[j], { 0 }, NULL };
    qsort(ch, (size_t)n, sizeof *ch, change_cmp);
    for (int i = 0; i < n; i++) {
        if (!strcmp(ch[i].change, "moved")) continue;
        ch[i].deps_in = ch[i].new_ ? new_ : old;
        ch[i].deps = entry_readers(ch[i].deps_in, main_entry(&ch[i]));
    }
    /* the anchors on the page: the changes, then what reads them */
    html_ids page = { 0 };
    for (int i = 0; i < n; i++) {
        const entry *e = main_entry(&ch[i]);
        html_id(&page, kind_anchor[e->kind], e->name);
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < ch[i].deps.n; k++)
            if (ch[i].deps_in == new_) {
                const user *u = &ch[i].deps.v[k];
                char key[600];
                snprintf(key, sizeof key, "%d %s", (int)u->kind, u->name);
                if (find(&b, key)) html_id(&page, kind_anchor[u->kind], u->name);
            }
    char *notes = diff_effect_notes(old, o->amendments, o->namendments);
    if (o->format == DIFF_JSON) put_json_format(out, ch, n, o, notes, &page);
    else if (o->format == DIFF_HTML) put_html_format(out, ch, n, o, notes, &b, &page);
    else put_text_format(out, ch, n, o, notes);
    free(notes);
    html_ids_free(&page);
    for (int i = 0; i < n; i++) free_users(&ch[i].deps);
    free(ch);
    free_list(&a);
    free_list(&b);
    return n;
}
