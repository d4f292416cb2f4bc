/* sema.c — see sema.h. Walks declarations once; each expression is checked
 * exactly once (definitions on first use, through a visiting state that is
 * also how cycles are found), so checking is linear in the size of the deal. */
#include "sema.h"
#include "fmt.h"
#include "lex.h"
#include "rt_internal.h" /* the runtime's calendar: the payment date of distribution n */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- a pointer-keyed table (names are interned) ---- */
typedef struct symtab { const char **keys; void **vals; int cap, n; } symtab;

static void *sym_get(const symtab *t, const char *k)
{
    if (!t->cap) return NULL;
    uintptr_t h = ((uintptr_t)k >> 4) * 2654435761u;
    for (int i = (int)(h & (uintptr_t)(t->cap - 1));; i = (i + 1) & (t->cap - 1)) {
        if (!t->keys[i]) return NULL;
        if (t->keys[i] == k) return t->vals[i];
    }
}

static void sym_put(arena *a, symtab *t, const char *k, void *v)
{
    if ((t->n + 1) * 2 > t->cap) {
        symtab nt = { 0 };
        nt.cap = t->cap ? t->cap * 2 : 64;
        nt.keys = arena_alloc(a, sizeof(char *) * (size_t)nt.cap);
        nt.vals = arena_alloc(a, sizeof(void *) * (size_t)nt.cap);
        for (int i = 0; i < t->cap; i++)
            if (t->keys[i]) sym_put(a, &nt, t->keys[i], t->vals[i]);
        *t = nt;
    }
    uintptr_t h = ((uintptr_t)k >> 4) * 2654435761u;
    int i = (int)(h & (uintptr_t)(t->cap - 1));
    while (t->keys[i] && t->keys[i] != k) i = (i + 1) & (t->cap - 1);
    if (!t->keys[i]) t->n++;
    t->keys[i] = k;
    t->vals[i] = v;
}

/* How deep one definition may rest on others. Checking and code generation
 * walk such chains recursively; the bound keeps that far from the C stack
 * (real agreements nest a few dozen deep). */
#define SEMA_MAX_NESTING 1000

#define PMAX(a, b) ((a) > (b) ? (a) : (b))

typedef struct sema {
    arena *a;
    diag_ctx *dg;
    ast_deal *d;
    sema_deal *out;
    symtab terms;       /* input, define, fund, schedule */
    symtab classes;
    symtab parties;
    symtab groups;
    symtab labels;      /* clause full labels */
    symtab lines;       /* statement line labels */
    int depth;          /* definitions being visited, nested */
    ptrvec stack_names;
    ast_decl *cur_date; /* the date declaration being checked: where
                           'first distribution on which' may stand */
    ast_expr *firstwhen_ok[2]; /* ... and the places in it where it may */
    int firstwhen_seen;
} sema;

const char *sema_unit_name(int u)
{
    switch (u) {
    case RT_UNIT_MONEY: return "an amount of money";
    case RT_UNIT_RATE: return "a rate";
    case RT_UNIT_NUMBER: return "a number";
    case RT_UNIT_COUNT: return "a count";
    case RT_UNIT_DATE: return "a date";
    case RT_UNIT_BOOL: return "a condition";
    default: return "an unknown quantity";
    }
}

static const char *kind_name(ast_decl_kind k)
{
    switch (k) {
    case DK_GROUP: return "group";
    case DK_INPUT: return "input";
    case DK_PARTY: return "party";
    case DK_RESIDUAL: return "residual";
    case DK_DEFINE: return "definition";
    case DK_FUND: return "fund";
    case DK_SCHEDULE: return "schedule";
    case DK_ACCOUNT: return "account";
    case DK_INSURER: return "insurer";
    case DK_TRIGGER: return "trigger";
    case DK_DATE: return "date";
    }
    return "name";
}

/* the nearest name in a table, for "did you mean" */
static const char *nearest(const symtab *t, const char *name)
{
    const char *best = NULL;
    int bestd = 1 << 30;
    size_t len = strlen(name);
    int limit = len < 6 ? 2 : (int)len / 3;
    for (int i = 0; i < t->cap; i++) {
        if (!t->keys[i]) continue;
        int d = lex_edit_distance(name, t->keys[i]);
        if (d < bestd || (d == bestd && best && strcmp(t->keys[i], best) < 0)) { bestd = d; best = t->keys[i]; }
    }
    return bestd <= limit ? best : NULL;
}

static void unknown(sema *s, src_loc loc, const char *what, const char *name, const symtab *t)
{
    /* the search is linear in the names: skip it once errors stop showing */
    const char *near = s->dg->nerrors < s->dg->max_errors ? nearest(t, name) : NULL;
    if (near)
        diag_error(s->dg, loc, "unknown %s \"%s\"; did you mean \"%s\"?", what, name, near);
    else
        diag_error(s->dg, loc, "unknown %s \"%s\"", what, name);
}

/* ---- declarations ---- */

static void declare(sema *s, symtab *t, const char *name, src_loc loc, void *node, const char *what)
{
    void *prev = sym_get(t, name);
    if (prev) {
        diag *g = diag_error(s->dg, loc, "%s \"%s\" is declared twice", what, name);
        src_loc pl;
        if (t == &s->classes) pl = ((ast_class *)prev)->name_loc;
        else pl = ((ast_decl *)prev)->name_loc;
        diag_note(s->dg, g, pl, "first declared here");
        return;
    }
    sym_put(s->a, t, name, node);
}

/* ---- expressions ---- */

static int check_expr(sema *s, ast_expr *e);
static int check_decl(sema *s, ast_decl *x, src_loc use);
static int check_coupon(sema *s, ast_class *c, src_loc use);

static int dimensionless(int u) { return u == RT_UNIT_RATE || u == RT_UNIT_NUMBER || u == RT_UNIT_COUNT; }
static int numeric(int u) { return u == RT_UNIT_MONEY || dimensionless(u); }

/* the wider of two dimensionless units: rate > number > count */
static int widen(int a, int b)
{
    if (a == RT_UNIT_RATE || b == RT_UNIT_RATE) return RT_UNIT_RATE;
    if (a == RT_UNIT_NUMBER || b == RT_UNIT_NUMBER) return RT_UNIT_NUMBER;
    return RT_UNIT_COUNT;
}

/* same kind of quantity, for +, -, comparisons, min/max and if branches */
static int compatible(int a, int b)
{
    if (a == b) return a;
    if (dimensionless(a) && dimensionless(b)) return widen(a, b);
    return UNIT_ERR;
}

static int resolve_classes(sema *s, ptrvec *refs, int **out, int *nout)
{
    int n = 0, cap = 8;
    int *idx = arena_alloc(s->a, sizeof(int) * (size_t)cap);
    char *seen = arena_alloc(s->a, (size_t)s->out->classes.n + 1);
    int ok = 1;
    for (int i = 0; i < refs->n; i++) {
        ast_classref *r = refs->v[i];
        ast_class *f = sym_get(&s->classes, r->first);
        ast_class *l = r->last ? sym_get(&s->classes, r->last) : f;
        if (!f) { unknown(s, r->loc, "class", r->first, &s->classes); ok = 0; continue; }
        if (r->last && !l) { unknown(s, r->last_loc, "class", r->last, &s->classes); ok = 0; continue; }
        if (l->index < f->index) {
            diag_error(s->dg, r->loc, "the range \"%s\" .. \"%s\" runs backwards: \"%s\" is declared before \"%s\"",
                       r->first, r->last, r->last, r->first);
            ok = 0;
            continue;
        }
        for (int c = f->index; c <= l->index; c++) {
            if (seen[c]) {
                diag_error(s->dg, r->loc, "class \"%s\" is named twice in this list",
                           ((ast_class *)s->out->classes.v[c])->name);
                ok = 0;
                continue;
            }
            seen[c] = 1;
            if (n == cap) {
                int *nidx = arena_alloc(s->a, sizeof(int) * (size_t)cap * 2);
                memcpy(nidx, idx, sizeof(int) * (size_t)n);
                idx = nidx;
                cap *= 2;
            }
            idx[n++] = c;
        }
    }
    *out = idx;
    *nout = n;
    return ok;
}

static int resolve_group(sema *s, ast_expr *e)
{
    if (e->name) {
        ast_decl *g = sym_get(&s->groups, e->name);
        if (!g) { unknown(s, e->name_loc, "group", e->name, &s->groups); return -1; }
        return g->index;
    }
    if (s->out->groups.n == 1) return 0;
    if (s->out->groups.n == 0) return -1; /* reported once, at the deal */
    diag_error(s->dg, e->loc, "this deal has %d groups: say which, as in 'for \"%s\"'",
               s->out->groups.n, ((ast_decl *)s->out->groups.v[0])->name);
    return -1;
}

static int unit_error(sema *s, ast_expr *e, const char *fmt, int ua, int ub)
{
    diag_error(s->dg, e->loc, fmt, sema_unit_name(ua), sema_unit_name(ub));
    return UNIT_ERR;
}

static int check_bin(sema *s, ast_expr *e)
{
    int ua = check_expr(s, e->a), ub = check_expr(s, e->b);
    e->after = PMAX(e->a->after, e->b->after);
    if (ua == UNIT_ERR || ub == UNIT_ERR) return UNIT_ERR;
    switch (e->op) {
    case OP_ADD:
    case OP_SUB: {
        int u = compatible(ua, ub);
        if (u != UNIT_ERR && u != RT_UNIT_BOOL && u != RT_UNIT_DATE) return u;
        if (ua == RT_UNIT_DATE && ub == RT_UNIT_DATE && e->op == OP_SUB) return RT_UNIT_COUNT;
        if (ua == RT_UNIT_DATE && (ub == RT_UNIT_COUNT || ub == RT_UNIT_NUMBER)) return RT_UNIT_DATE;
        return unit_error(s, e, e->op == OP_ADD ? "cannot add %s and %s" : "cannot subtract %s and %s", ua, ub);
    }
    case OP_MUL:
        if (ua == RT_UNIT_MONEY && ub == RT_UNIT_MONEY)
            return unit_error(s, e, "cannot multiply %s by %s (did you mean a rate \"of\" an amount?)", ua, ub);
        if (ua == RT_UNIT_MONEY && dimensionless(ub)) return RT_UNIT_MONEY;
        if (ub == RT_UNIT_MONEY && dimensionless(ua)) return RT_UNIT_MONEY;
        if (dimensionless(ua) && dimensionless(ub)) return widen(ua, ub);
        return unit_error(s, e, "cannot multiply %s by %s", ua, ub);
    case OP_DIV:
        if (ua == RT_UNIT_MONEY && ub == RT_UNIT_MONEY) return RT_UNIT_NUMBER;
        if (ua == RT_UNIT_MONEY && dimensionless(ub)) return RT_UNIT_MONEY;
        if (dimensionless(ua) && dimensionless(ub)) return ua == RT_UNIT_COUNT && ub == RT_UNIT_COUNT ? RT_UNIT_NUMBER : widen(ua, ub);
        return unit_error(s, e, "cannot divide %s by %s", ua, ub);
    case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE: {
        int u = compatible(ua, ub);
        if (u == UNIT_ERR || (u == RT_UNIT_BOOL && e->op != OP_EQ && e->op != OP_NE))
            return unit_error(s, e, "cannot compare %s with %s", ua, ub);
        return RT_UNIT_BOOL;
    }
    case OP_AND:
    case OP_OR:
        if (ua != RT_UNIT_BOOL || ub != RT_UNIT_BOOL)
            return unit_error(s, e, "'and' and 'or' join conditions, not %s and %s", ua, ub);
        return RT_UNIT_BOOL;
    default:
        return UNIT_ERR;
    }
}

static int check_expr_inner(sema *s, ast_expr *e)
{
    switch (e->kind) {
    case EX_BAD:
        return UNIT_ERR;
    case EX_NUM:
        /* a whole number written plainly counts things: count + 1 stays a count */
        if (e->lit_unit == RT_UNIT_NUMBER && e->num % RT_SCALE == 0) return RT_UNIT_COUNT;
        return (int)e->lit_unit;
    case EX_NAME: {
        ast_decl *x = sym_get(&s->terms, e->name);
        if (!x) {
            if (sym_get(&s->classes, e->name))
                diag_error(s->dg, e->loc, "\"%s\" is a class; say which figure, as in 'balance of \"%s\"'", e->name, e->name);
            else if (sym_get(&s->parties, e->name))
                diag_error(s->dg, e->loc, "\"%s\" is a party; write 'paid to \"%s\"' for what it was paid", e->name, e->name);
            else if (sym_get(&s->groups, e->name))
                diag_error(s->dg, e->loc, "\"%s\" is a group; say which figure, as in 'pool balance for \"%s\"'", e->name, e->name);
            else
                unknown(s, e->loc, "name", e->name, &s->terms);
            return UNIT_ERR;
        }
        if (x->kind == DK_ACCOUNT) {
            diag_error(s->dg, e->loc, "\"%s\" is an account; say which figure, as in 'balance of \"%s\"'", e->name,
                       e->name);
            return UNIT_ERR;
        }
        int u = check_decl(s, x, e->loc);
        e->after = x->after;
        e->decl = x;
        return u;
    }
    case EX_HOLDER:
        return RT_UNIT_MONEY; /* made by sema itself, already resolved */
    case EX_DISTDATE: {
        /* the payment date of distribution n, by the deal's own calendar */
        if (e->num % RT_SCALE != 0 || e->num < RT_SCALE || e->num > 1200 * RT_SCALE) {
            diag_error(s->dg, e->loc, "'distribution N' needs a whole distribution number from 1 to 1200");
            return UNIT_ERR;
        }
        ast_deal *d = s->d;
        if (!d->has_first_payment || !d->has_payment_day) return UNIT_ERR; /* reported at the deal */
        int32_t n = (int32_t)(e->num / RT_SCALE);
        e->field = rt_adjust(rt_nominal_payment_date(d->first_payment, d->payment_day, n), (int)d->bdc);
        return RT_UNIT_DATE;
    }
    case EX_FIRSTWHEN: {
        int ok = s->cur_date && (e == s->firstwhen_ok[0] || e == s->firstwhen_ok[1]);
        if (!ok)
            diag_error(s->dg, e->loc,
                       "'first distribution on which' gives a date that is remembered: it stands in a 'date' "
                       "declaration, alone or in 'later of (...)' / 'earlier of (...)'");
        else if (s->firstwhen_seen++)
            diag_error(s->dg, e->loc, "a date remembers one condition: use one 'first distribution on which' here");
        int u = check_expr(s, e->a);
        e->after = e->a->after;
        if (u != UNIT_ERR && u != RT_UNIT_BOOL) {
            diag_error(s->dg, e->a->loc, "'first distribution on which' needs a condition, not %s", sema_unit_name(u));
            return UNIT_ERR;
        }
        if (!ok || u == UNIT_ERR) return UNIT_ERR;
        e->ref = s->cur_date->index;
        return RT_UNIT_DATE;
    }
    case EX_POOL:
        e->ref = resolve_group(s, e);
        if (e->ref < 0) return UNIT_ERR;
        return e->field == RT_GR_ACTIVE_LOAN_COUNT ? RT_UNIT_COUNT : RT_UNIT_MONEY;
    case EX_CLASSQ: {
        if (e->classes.n == 1 && !((ast_classref *)e->classes.v[0])->last &&
            !sym_get(&s->classes, ((ast_classref *)e->classes.v[0])->first)) {
            ast_classref *r = e->classes.v[0];
            ast_decl *x = sym_get(&s->terms, r->first);
            if (x && x->kind == DK_ACCOUNT) {
                /* the balance of an account, before this date or after it */
                if (e->field != CQ_BALANCE && e->field != CQ_ENDING_BALANCE) {
                    diag_error(s->dg, e->loc, "\"%s\" is an account: it has a 'balance of' and an 'ending balance of'",
                               r->first);
                    return UNIT_ERR;
                }
                e->kind = EX_HOLDER;
                e->name = r->first;
                e->name_loc = r->loc;
                e->after = e->field == CQ_ENDING_BALANCE ? PHASE_AFTER : 0;
                e->field = e->field == CQ_ENDING_BALANCE ? RT_F_REMAINING : RT_F_BEGIN;
                e->ref = x->index;
                return RT_UNIT_MONEY;
            }
        }
        if (!resolve_classes(s, &e->classes, &e->class_idx, &e->nclass_idx)) return UNIT_ERR;
        e->after = ast_classq_after[e->field] ? PHASE_AFTER : 0;
        if (e->field == CQ_COUPON || e->field == CQ_INTEREST_DUE) {
            for (int i = 0; i < e->nclass_idx; i++)
                if (check_coupon(s, s->out->classes.v[e->class_idx[i]], e->loc) == UNIT_ERR) return UNIT_ERR;
        }
        if (e->field == CQ_COUPON) {
            if (e->nclass_idx != 1) {
                diag_error(s->dg, e->loc, "'coupon of' takes one class: coupons do not add up");
                return UNIT_ERR;
            }
            return RT_UNIT_RATE;
        }
        return RT_UNIT_MONEY;
    }
    case EX_PARTYQ: {
        ast_decl *p = sym_get(&s->parties, e->name);
        if (!p) { unknown(s, e->name_loc, "party", e->name, &s->parties); return UNIT_ERR; }
        e->ref = p->index;
        if (e->field != RT_P_PAID && p->kind != DK_INSURER) {
            diag_error(s->dg, e->name_loc, "\"%s\" is a %s, not an insurer: nothing is drawn on it", e->name,
                       kind_name(p->kind));
            return UNIT_ERR;
        }
        /* what was drawn on or paid to a party is known once the clauses
         * have run; the draws carried in are known from the start */
        e->after = e->field == RT_P_UNREIMB_BEGIN ? 0 : PHASE_AFTER;
        return RT_UNIT_MONEY;
    }
    case EX_AVAIL: {
        ast_clause *c = sym_get(&s->labels, e->name);
        if (!c) {
            const char *near = s->dg->nerrors < s->dg->max_errors ? nearest(&s->labels, e->name) : NULL;
            if (near) diag_error(s->dg, e->name_loc, "no clause %s; did you mean %s?", e->name, near);
            else diag_error(s->dg, e->name_loc, "no clause %s", e->name);
            return UNIT_ERR;
        }
        /* the cash a clause finds is its fund's balance once the clause
         * before it in the same fund has run: clauses of other funds in
         * between do not change it (a two-group agreement reads the other
         * group's cash at a clause that runs after its own) */
        e->ref = c->index;
        e->after = c->avail_after;
        return RT_UNIT_MONEY;
    }
    case EX_GLOBAL:
        return e->field == RT_G_PAYMENT_DATE || e->field == RT_G_PREV_PAYMENT_DATE ? RT_UNIT_DATE : RT_UNIT_COUNT;
    case EX_NEG: {
        int u = check_expr(s, e->a);
        e->after = e->a->after;
        if (u == UNIT_ERR) return u;
        if (!numeric(u)) { diag_error(s->dg, e->loc, "cannot negate %s", sema_unit_name(u)); return UNIT_ERR; }
        return u;
    }
    case EX_NOT: {
        int u = check_expr(s, e->a);
        e->after = e->a->after;
        if (u == UNIT_ERR) return u;
        if (u != RT_UNIT_BOOL) { diag_error(s->dg, e->loc, "'not' takes a condition, not %s", sema_unit_name(u)); return UNIT_ERR; }
        return u;
    }
    case EX_BIN:
        return check_bin(s, e);
    case EX_OF:
    case EX_PER_ANNUM: {
        int ua = check_expr(s, e->a), ub = check_expr(s, e->b);
        e->after = PMAX(e->a->after, e->b->after);
        if (ua == UNIT_ERR || ub == UNIT_ERR) return UNIT_ERR;
        if (ua != RT_UNIT_RATE && ua != RT_UNIT_NUMBER) {
            diag_error(s->dg, e->a->loc, "'%s' needs a rate on its left, not %s",
                       e->kind == EX_OF ? "of" : "per annum of", sema_unit_name(ua));
            return UNIT_ERR;
        }
        if (e->kind == EX_PER_ANNUM) {
            if (ub != RT_UNIT_MONEY) {
                diag_error(s->dg, e->b->loc, "'per annum of' needs an amount of money on its right, not %s", sema_unit_name(ub));
                return UNIT_ERR;
            }
            return RT_UNIT_MONEY;
        }
        if (!numeric(ub)) {
            diag_error(s->dg, e->b->loc, "'of' needs an amount or a number on its right, not %s", sema_unit_name(ub));
            return UNIT_ERR;
        }
        return ub == RT_UNIT_MONEY ? RT_UNIT_MONEY : widen(ua, ub);
    }
    case EX_IF: {
        int uc = check_expr(s, e->a), ut = check_expr(s, e->b), uf = check_expr(s, e->c);
        e->after = PMAX(e->a->after, PMAX(e->b->after, e->c->after));
        if (uc != UNIT_ERR && uc != RT_UNIT_BOOL) {
            diag_error(s->dg, e->a->loc, "'if' needs a condition, not %s", sema_unit_name(uc));
            return UNIT_ERR;
        }
        if (uc == UNIT_ERR || ut == UNIT_ERR || uf == UNIT_ERR) return UNIT_ERR;
        int u = compatible(ut, uf);
        if (u == UNIT_ERR && e->amends) {
            /* an amendment's new formula must be what the old one was */
            diag *g = diag_error(s->dg, e->b->loc, "the amended \"%s\" is %s, but the definition it replaces is %s",
                                 e->amends, sema_unit_name(ut), sema_unit_name(uf));
            diag_note(s->dg, g, e->c->loc, "the definition it replaces");
        } else if (u == UNIT_ERR) {
            diag *g = diag_error(s->dg, e->c->loc, "the 'else' branch is %s but the 'then' branch is %s",
                                 sema_unit_name(uf), sema_unit_name(ut));
            diag_note(s->dg, g, e->b->loc, "the 'then' branch");
        }
        return u;
    }
    case EX_MIN:
    case EX_MAX: {
        int u = -2;
        for (int i = 0; i < e->args.n; i++) {
            ast_expr *x = e->args.v[i];
            int ux = check_expr(s, x);
            e->after = PMAX(e->after, x->after);
            if (ux == UNIT_ERR || u == UNIT_ERR) { u = UNIT_ERR; continue; }
            if (u == -2) { u = ux; continue; }
            int w = compatible(u, ux);
            if (w == UNIT_ERR || w == RT_UNIT_BOOL) {
                diag_error(s->dg, x->loc, "'%s' compares like with like: this is %s, the first is %s",
                           e->kind == EX_MIN ? "min" : "max", sema_unit_name(ux), sema_unit_name(u));
                u = UNIT_ERR;
                continue;
            }
            u = w;
        }
        return u == -2 ? UNIT_ERR : u;
    }
    default:
        return UNIT_ERR;
    }
}

static int check_expr(sema *s, ast_expr *e)
{
    int u = check_expr_inner(s, e);
    e->unit = (rt_unit)(u == UNIT_ERR ? RT_UNIT_NUMBER : u);
    return u;
}

/* the first thing in e whose phase is past limit (for messages), followed
 * through definitions to the figure itself */
static const ast_expr *phase_leaf(const ast_expr *e, int limit)
{
    if (!e || e->after <= limit) return NULL;
    if (e->kind == EX_NAME && e->decl && e->decl->expr &&
        (e->decl->kind == DK_DEFINE || e->decl->kind == DK_TRIGGER || e->decl->kind == DK_DATE)) {
        const ast_expr *r = phase_leaf(e->decl->expr, limit);
        return r ? r : e;
    }
    if (e->kind == EX_CLASSQ || e->kind == EX_PARTYQ || e->kind == EX_NAME || e->kind == EX_AVAIL ||
        e->kind == EX_HOLDER)
        return e;
    const ast_expr *k[3] = { e->a, e->b, e->c };
    for (int i = 0; i < 3; i++) {
        const ast_expr *r = phase_leaf(k[i], limit);
        if (r) return r;
    }
    for (int i = 0; i < e->args.n; i++) {
        const ast_expr *r = phase_leaf(e->args.v[i], limit);
        if (r) return r;
    }
    return e;
}

/* An expression used at a point of the priority of payments (limit: the
 * phase known there; 0 before any clause) must not need what comes later. */
static void require_phase(sema *s, ast_expr *e, int limit, const char *what)
{
    const ast_expr *leaf = phase_leaf(e, limit);
    if (!leaf) return;
    if (leaf->after == PHASE_AFTER) {
        diag *g = diag_error(s->dg, e->loc, "%s cannot use figures known only after the priority of payments has run", what);
        diag_note(s->dg, g, leaf->loc, "this is known only after payments");
        return;
    }
    ast_clause *c = sym_get(&s->labels, leaf->name);
    diag *g = diag_error(s->dg, e->loc, "%s uses the cash available at clause %s, which has not yet run", what,
                         leaf->name);
    diag_note(s->dg, g, leaf->loc, "the cash available at %s", leaf->name);
    if (c) diag_note(s->dg, g, c->label_loc, "clause %s runs here", leaf->name);
}

static void require_before(sema *s, ast_expr *e, const char *what) { require_phase(s, e, 0, what); }

static void print_cycle(sema *s, src_loc use, const char *name)
{
    char buf[900];
    size_t o = 0;
    int start = 0;
    for (int i = s->stack_names.n - 1; i >= 0; i--)
        if (s->stack_names.v[i] == name) { start = i; break; }
    for (int i = start; i < s->stack_names.n && o < sizeof buf - 200; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "\"%s\" -> ", (const char *)s->stack_names.v[i]);
    snprintf(buf + o, sizeof buf - o, "\"%s\"", name);
    diag_error(s->dg, use, "circular definition: %s", buf);
}

static void push(sema *s, const char *name)
{
    ptrvec_push(s->a, &s->stack_names, (void *)name);
    s->depth++;
}

static void pop(sema *s)
{
    s->stack_names.n--;
    s->depth--;
}

/* thereafter entries (to < 0) sort last; ties by source order */
static int sched_cmp(const void *a, const void *b)
{
    const ast_sched_entry *x = *(ast_sched_entry *const *)a, *y = *(ast_sched_entry *const *)b;
    int kx = x->to < 0 ? 1 << 30 : x->from, ky = y->to < 0 ? 1 << 30 : y->from;
    if (kx != ky) return kx < ky ? -1 : 1;
    return x->loc.start < y->loc.start ? -1 : x->loc.start > y->loc.start;
}

static int check_schedule(sema *s, ast_decl *x)
{
    int u = -2;
    for (int i = 0; i < x->entries.n; i++) {
        ast_sched_entry *en = x->entries.v[i];
        int ue = check_expr(s, en->value);
        require_before(s, en->value, "a schedule");
        if (ue == UNIT_ERR) { u = UNIT_ERR; continue; }
        if (u == -2) u = ue;
        else if (u != UNIT_ERR && compatible(u, ue) == UNIT_ERR) {
            diag_error(s->dg, en->value->loc, "schedule entries must all be alike: this is %s, the first is %s",
                       sema_unit_name(ue), sema_unit_name(u));
            u = UNIT_ERR;
        }
    }
    /* overlaps: sort a copy by first distribution and compare neighbours
     * (n log n, so a schedule of any length checks quickly) */
    int n = x->entries.n;
    ast_sched_entry **v = arena_alloc(s->a, sizeof *v * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) v[i] = x->entries.v[i];
    qsort(v, (size_t)n, sizeof *v, sched_cmp);
    for (int i = 1; i < n; i++) {
        ast_sched_entry *p = v[i - 1], *en = v[i];
        int overlap = (en->to < 0 && p->to < 0) || (en->to >= 0 && p->to >= 0 && en->from <= p->to);
        if (overlap) {
            if (en->loc.start < p->loc.start) { ast_sched_entry *t = p; p = en; en = t; }
            diag *g = diag_error(s->dg, en->loc, "this entry overlaps an earlier one of schedule \"%s\"", x->name);
            diag_note(s->dg, g, p->loc, "the earlier entry");
        }
    }
    return u == -2 ? UNIT_ERR : u;
}

/* Check a term on first use; the visiting state finds cycles. */
static int check_decl(sema *s, ast_decl *x, src_loc use)
{
    if (x->state == 2) return x->unit == (rt_unit)UNIT_ERR ? UNIT_ERR : (int)x->unit;
    if (x->state == 1) {
        print_cycle(s, use, x->name);
        return UNIT_ERR;
    }
    if (s->depth >= SEMA_MAX_NESTING) {
        diag_error(s->dg, use, "definitions depend on one another more than %d deep here; "
                   "is the chain through \"%s\" meant to be this long?", SEMA_MAX_NESTING, x->name);
        x->state = 2;
        x->unit = (rt_unit)UNIT_ERR;
        return UNIT_ERR;
    }
    x->state = 1;
    push(s, x->name);
    int u = UNIT_ERR;
    switch (x->kind) {
    case DK_INPUT:
        u = (int)x->unit;
        break;
    case DK_DEFINE:
        u = check_expr(s, x->expr);
        x->after = x->expr->after;
        break;
    case DK_FUND:
        u = check_expr(s, x->expr);
        require_before(s, x->expr, "a fund");
        if (u != UNIT_ERR && u != RT_UNIT_MONEY) {
            diag_error(s->dg, x->expr->loc, "fund \"%s\" must be an amount of money, not %s", x->name, sema_unit_name(u));
            u = UNIT_ERR;
        }
        break;
    case DK_SCHEDULE:
        u = check_schedule(s, x);
        break;
    case DK_ACCOUNT:
        u = RT_UNIT_MONEY;
        if (x->interest) {
            int ui = check_expr(s, x->interest);
            require_before(s, x->interest, arena_printf(s->a, "the interest earned on account \"%s\"", x->name));
            if (ui != UNIT_ERR && ui != RT_UNIT_MONEY)
                diag_error(s->dg, x->interest->loc, "the interest earned on account \"%s\" must be an amount of money, not %s",
                           x->name, sema_unit_name(ui));
        }
        if (x->has_initial && x->initial < 0)
            diag_error(s->dg, x->initial_loc, "an account cannot open below zero");
        break;
    case DK_TRIGGER:
        u = check_expr(s, x->expr);
        x->after = x->expr->after;
        if (u != UNIT_ERR && u != RT_UNIT_BOOL) {
            diag_error(s->dg, x->expr->loc, "trigger \"%s\" must be a condition, not %s", x->name, sema_unit_name(u));
            u = UNIT_ERR;
        }
        break;
    case DK_DATE: {
        /* 'first distribution on which' may stand alone or in later/earlier of */
        ast_decl *saved = s->cur_date;
        int saved_seen = s->firstwhen_seen;
        ast_expr *saved_ok[2] = { s->firstwhen_ok[0], s->firstwhen_ok[1] };
        s->cur_date = x;
        s->firstwhen_seen = 0;
        s->firstwhen_ok[0] = s->firstwhen_ok[1] = NULL;
        ast_expr *e = x->expr;
        if (e->kind == EX_FIRSTWHEN) s->firstwhen_ok[0] = e;
        else if ((e->kind == EX_MAX || e->kind == EX_MIN) && e->args.n == 2) {
            s->firstwhen_ok[0] = e->args.v[0];
            s->firstwhen_ok[1] = e->args.v[1];
        }
        u = check_expr(s, e);
        x->after = e->after;
        s->cur_date = saved;
        s->firstwhen_seen = saved_seen;
        s->firstwhen_ok[0] = saved_ok[0];
        s->firstwhen_ok[1] = saved_ok[1];
        if (u != UNIT_ERR && u != RT_UNIT_DATE) {
            diag_error(s->dg, e->loc, "date \"%s\" must be a date, not %s", x->name, sema_unit_name(u));
            u = UNIT_ERR;
            break;
        }
        /* a fixed date before the first distribution could never govern one */
        const ast_expr *fixed[2] = { e, NULL };
        if (e->kind == EX_MAX || e->kind == EX_MIN) { fixed[0] = e->args.v[0]; fixed[1] = e->args.n > 1 ? e->args.v[1] : NULL; }
        for (int i = 0; i < 2 && s->d->has_first_payment; i++) {
            const ast_expr *f = fixed[i];
            rt_dec day = !f ? 0 : f->kind == EX_DISTDATE ? (rt_dec)f->field * RT_SCALE
                       : f->kind == EX_NUM && f->lit_unit == RT_UNIT_DATE ? f->num : 0;
            if (!day || day >= (rt_dec)s->d->first_payment * RT_SCALE)
                continue;
            diag *g = diag_error(s->dg, f->loc, "date \"%s\" falls before the first payment date: it can govern no "
                                 "distribution", x->name);
            diag_note(s->dg, g, s->d->first_payment_loc, "the first payment date");
        }
        break;
    }
    default:
        break;
    }
    pop(s);
    x->state = 2;
    x->unit = (rt_unit)u;
    return u;
}

static int check_coupon(sema *s, ast_class *c, src_loc use)
{
    if (!c->coupon) return RT_UNIT_RATE; /* reported at the class */
    if (c->coupon_state == 2) return RT_UNIT_RATE;
    if (c->coupon_state == 3) return UNIT_ERR;
    if (c->coupon_state == 1) {
        print_cycle(s, use, c->name);
        return UNIT_ERR;
    }
    c->coupon_state = 1;
    push(s, c->name);
    int u = check_expr(s, c->coupon);
    pop(s);
    if (u != UNIT_ERR && u != RT_UNIT_RATE) {
        diag_error(s->dg, c->coupon->loc, "the coupon of class \"%s\" must be a rate, not %s", c->name, sema_unit_name(u));
        u = UNIT_ERR;
    }
    require_before(s, c->coupon, "a coupon");
    if (c->cap) {
        push(s, c->name);
        int uc = check_expr(s, c->cap);
        pop(s);
        if (uc != UNIT_ERR && uc != RT_UNIT_RATE) {
            diag_error(s->dg, c->cap->loc, "the coupon cap of class \"%s\" must be a rate, not %s", c->name,
                       sema_unit_name(uc));
            u = UNIT_ERR;
        } else if (uc == UNIT_ERR) {
            u = UNIT_ERR;
        }
        require_before(s, c->cap, "a coupon cap");
    }
    c->coupon_state = u == UNIT_ERR ? 3 : 2;
    return u;
}

/* ---- the deal ---- */

static void check_header(sema *s, int after_syntax_errors)
{
    ast_deal *d = s->d;
    /* after a syntax error the missing item may just have been skipped by
     * recovery: saying it is missing would only add noise */
    if (after_syntax_errors) return;
    if (!d->has_closing) diag_error(s->dg, d->name_loc, "the deal needs a closing date ('closing date 2003-03-26;')");
    if (!d->has_first_payment) diag_error(s->dg, d->name_loc, "the deal needs a first payment date ('first payment date 2003-04-25;')");
    if (!d->has_payment_day) diag_error(s->dg, d->name_loc, "the deal needs a payment day ('payment day 25, following business day;')");
    if (d->has_closing && d->has_first_payment && d->first_payment <= d->closing) {
        diag *g = diag_error(s->dg, d->first_payment_loc, "the first payment date must come after the closing date");
        diag_note(s->dg, g, d->closing_loc, "the closing date");
    }
    if (s->out->groups.n == 0) diag_error(s->dg, d->name_loc, "the deal needs at least one collateral group ('group \"Group 1\";')");
    if (s->out->classes.n == 0) diag_error(s->dg, d->name_loc, "the deal needs at least one class of notes or certificates");
}

/* The highest value a rate expression can take, when it can be bounded
 * from its parts: a literal, a rate input (reported or assumed, so within
 * RT_RATE_MIN..RT_RATE_MAX, as the runtime checks), sums and differences,
 * min, max, if and the definitions these use. 0 when it cannot be bounded
 * (a product, a quotient, a figure of the pool or the classes). */
static int rate_bounds(const ast_expr *e, rt_dec *lo, rt_dec *hi, int depth)
{
    rt_dec a0, a1, b0, b1;
    if (!e || depth > 64) return 0;
    switch (e->kind) {
    case EX_NUM:
        *lo = *hi = e->num;
        return 1;
    case EX_NAME:
        if (!e->decl) return 0;
        if (e->decl->kind == DK_INPUT && e->decl->unit == RT_UNIT_RATE) {
            *lo = RT_RATE_MIN;
            *hi = RT_RATE_MAX;
            return 1;
        }
        return e->decl->kind == DK_DEFINE && rate_bounds(e->decl->expr, lo, hi, depth + 1);
    case EX_NEG:
        if (!rate_bounds(e->a, &a0, &a1, depth + 1)) return 0;
        *lo = -a1;
        *hi = -a0;
        return 1;
    case EX_BIN:
        if ((e->op != OP_ADD && e->op != OP_SUB) || !rate_bounds(e->a, &a0, &a1, depth + 1) ||
            !rate_bounds(e->b, &b0, &b1, depth + 1))
            return 0;
        *lo = e->op == OP_ADD ? a0 + b0 : a0 - b1;
        *hi = e->op == OP_ADD ? a1 + b1 : a1 - b0;
        return 1;
    case EX_IF:
        if (!rate_bounds(e->b, &a0, &a1, depth + 1) || !rate_bounds(e->c, &b0, &b1, depth + 1)) return 0;
        *lo = a0 < b0 ? a0 : b0;
        *hi = a1 > b1 ? a1 : b1;
        return 1;
    case EX_MIN:
    case EX_MAX:
        for (int i = 0; i < e->args.n; i++) {
            if (!rate_bounds(e->args.v[i], &a0, &a1, depth + 1)) return 0;
            if (i == 0 || (e->kind == EX_MIN ? a0 < *lo : a0 > *lo)) *lo = a0;
            if (i == 0 || (e->kind == EX_MIN ? a1 < *hi : a1 > *hi)) *hi = a1;
        }
        return e->args.n > 0;
    default:
        return 0;
    }
}

/* a rate as an agreement writes it (-3.14%), through the formatter */
static void fmt_rate(char *buf, size_t n, rt_dec v)
{
    ast_expr lit = { .kind = EX_NUM, .num = v, .lit_unit = RT_UNIT_RATE };
    FILE *f = fmemopen(buf, n, "w");
    if (!f) { snprintf(buf, n, "?"); return; }
    fmt_expr(f, &lit);
    fclose(f);
    buf[n - 1] = '\0';
}

static void check_class(sema *s, ast_class *c)
{
    if (!c->has_original)
        diag_error(s->dg, c->name_loc, "class \"%s\" needs its original balance ('original $100,000,000.00')", c->name);
    else if (c->original <= 0 && !c->has_maximum)
        /* every factor and percentage of the class divides by it, and a
         * balance above it is refused: a class is issued with something
         * (only one that may grow, a variable pay note, may start empty) */
        diag_error(s->dg, c->original_loc, "the original balance of class \"%s\" must be more than $0.00", c->name);
    if (!c->coupon)
        diag_error(s->dg, c->name_loc, "class \"%s\" needs a coupon ('coupon 4.50%%')", c->name);
    if (!c->has_accrual)
        diag_error(s->dg, c->name_loc, "class \"%s\" needs a day count ('accrual 30/360' or 'accrual actual/360')", c->name);
    if (c->has_delay && (c->delay % RT_SCALE != 0 || c->delay < 0 || c->delay > 365 * RT_SCALE))
        diag_error(s->dg, c->delay_loc, "a payment delay is a whole number of days from 0 to 365");
    rt_dec lo, hi;
    if (c->coupon && check_coupon(s, c, c->coupon->loc) == RT_UNIT_RATE && rate_bounds(c->coupon, &lo, &hi, 0) &&
        hi < 0) {
        char num[64];
        fmt_rate(num, sizeof num, hi);
        if (lo == hi)
            diag_error(s->dg, c->coupon->loc, "the coupon of class \"%s\" is negative (%s): interest is never due below 0%%",
                       c->name, num);
        else
            diag_error(s->dg, c->coupon->loc,
                       "the coupon of class \"%s\" is negative whatever its rate inputs (each from -100%% to 1,000%%): at most %s",
                       c->name, num);
    }
    if (c->has_maximum) {
        if (c->notional)
            diag_error(s->dg, c->maximum_loc, "class \"%s\" is interest-only: it has no balance to draw", c->name);
        else if (c->maximum <= 0 || (c->has_original && c->maximum < c->original))
            diag_error(s->dg, c->maximum_loc, "the maximum of class \"%s\" must be above zero and at least its original balance",
                       c->name);
    }
    if (c->notional) {
        ast_decl *x = sym_get(&s->terms, c->notional);
        if (!x || x->kind != DK_SCHEDULE) {
            if (x) diag_error(s->dg, c->notional_loc, "\"%s\" is a %s; 'notional' names a schedule", c->notional, kind_name(x->kind));
            else unknown(s, c->notional_loc, "schedule", c->notional, &s->terms);
        } else {
            int u = check_decl(s, x, c->notional_loc);
            if (u != UNIT_ERR && u != RT_UNIT_MONEY)
                diag_error(s->dg, c->notional_loc, "notional schedule \"%s\" must give amounts of money, not %s", x->name, sema_unit_name(u));
            c->notional_sched = x;
        }
    }
}

/* One party, fund or account named by a clause's payee list; NULL after
 * reporting. */
static const ast_classref *single_payee(sema *s, ast_clause *c, const char *advice)
{
    ast_classref *r = c->payees.v[0];
    if (c->payees.n != 1 || r->last) {
        diag_error(s->dg, c->payee_loc, "%s", advice);
        return NULL;
    }
    return r;
}

static void check_money(sema *s, ast_clause *c, ast_expr *e, const char *what, const char *noun)
{
    int u = check_expr(s, e);
    if (u != UNIT_ERR && u != RT_UNIT_MONEY)
        diag_error(s->dg, e->loc, "clause %s %s %s: %s must be an amount of money", c->full_label, what,
                   sema_unit_name(u), noun);
    require_phase(s, e, c->index + 1, arena_printf(s->a, "clause %s", c->full_label));
    /* a payment is never below zero: a literal that says otherwise is a slip */
    if (e->kind == EX_NEG && e->a->kind == EX_NUM && e->a->num != 0)
        diag_error(s->dg, e->loc, "clause %s: a payment is never below zero", c->full_label);
    else if (e->kind == EX_NUM && e->num < 0)
        diag_error(s->dg, e->loc, "clause %s: a payment is never below zero", c->full_label);
}

static void check_clause(sema *s, ast_waterfall *w, ast_clause *c)
{
    c->flow = RT_FLOW_CLASSES;
    c->target = -1;
    if (c->amount)
        check_money(s, c, c->amount, c->kind == CL_DRAW ? "draws" : "pays", c->kind == CL_DRAW ? "a draw" : "a payment");
    if (c->upto)
        check_money(s, c, c->upto, "is limited 'up to'", "the limit");
    switch (c->kind) {
    case CL_PAY_PARTY: {
        const ast_classref *r = single_payee(s, c, "'pay ... to' names one party, fund or account; to pay classes write "
                                                   "'as principal to' or 'pay interest to'");
        if (!r) return;
        ast_decl *p = sym_get(&s->parties, r->first);
        ast_decl *h = p ? NULL : sym_get(&s->terms, r->first);
        if (p) {
            c->party = p->index;
            c->flow = RT_FLOW_PARTY;
            c->target = p->index;
            if (c->upto)
                diag_error(s->dg, c->upto->loc, "'up to' is an account's target; a party is paid the amount itself");
            return;
        }
        if (h && (h->kind == DK_FUND || h->kind == DK_ACCOUNT)) {
            /* cash moved to another fund, or deposited in an account */
            if (h->index == w->fund_idx) {
                diag_error(s->dg, r->loc, "clause %s pays \"%s\" into itself", c->full_label, r->first);
                return;
            }
            if (c->upto && h->kind != DK_ACCOUNT)
                diag_error(s->dg, c->upto->loc, "'up to' is an account's target; a fund holds one date's cash");
            c->flow = RT_FLOW_HOLDER;
            c->target = h->index;
            return;
        }
        if (sym_get(&s->classes, r->first))
            diag_error(s->dg, r->loc, "\"%s\" is a class: write 'pay ... as principal to \"%s\"' or 'pay interest to \"%s\"'",
                       r->first, r->first, r->first);
        else
            unknown(s, r->loc, "party", r->first, &s->parties);
        return;
    }
    case CL_REIMBURSE: {
        const ast_classref *r = single_payee(s, c, "'pay reimbursement to' names one insurer");
        if (!r) return;
        ast_decl *p = sym_get(&s->parties, r->first);
        if (!p) { unknown(s, r->loc, "insurer", r->first, &s->parties); return; }
        if (p->kind != DK_INSURER) {
            diag_error(s->dg, r->loc, "\"%s\" is a %s, not an insurer: only an insurer is drawn on and reimbursed",
                       r->first, kind_name(p->kind));
            return;
        }
        c->party = p->index;
        c->flow = RT_FLOW_REIMBURSE;
        c->target = p->index;
        return;
    }
    case CL_DRAW: {
        ast_decl *p = sym_get(&s->parties, c->source);
        ast_decl *h = p ? NULL : sym_get(&s->terms, c->source);
        ast_class *k = p || h ? NULL : sym_get(&s->classes, c->source);
        if (p && p->kind == DK_INSURER) {
            c->flow = RT_FLOW_DRAW_PARTY;
            c->target = p->index;
        } else if (h && h->kind == DK_ACCOUNT) {
            if (h->index == w->fund_idx)
                diag_error(s->dg, c->source_loc, "clause %s draws on \"%s\", the account it pays from", c->full_label,
                           c->source);
            c->flow = RT_FLOW_DRAW_HOLDER;
            c->target = h->index;
        } else if (k) {
            if (!k->has_maximum) {
                diag_error(s->dg, c->source_loc, "class \"%s\" cannot be drawn: only a class with a 'maximum' (a "
                           "variable pay note) grows", c->source);
                return;
            }
            c->flow = RT_FLOW_DRAW_CLASS;
            c->target = k->index;
        } else if (p || h) {
            diag_error(s->dg, c->source_loc, "\"%s\" is a %s: a draw is on an account, an insurer or a variable pay note",
                       c->source, kind_name(p ? p->kind : h->kind));
        } else {
            unknown(s, c->source_loc, "account, insurer or class", c->source, &s->terms);
        }
        return;
    }
    case CL_PURCHASE: {
        ast_decl *g = sym_get(&s->groups, c->source);
        if (!g) { unknown(s, c->source_loc, "group", c->source, &s->groups); return; }
        c->flow = RT_FLOW_PURCHASE;
        c->target = g->index;
        return;
    }
    default:
        break;
    }
    for (int i = 0; i < c->payees.n; i++) {
        ast_classref *r = c->payees.v[i];
        if (!sym_get(&s->classes, r->first) && sym_get(&s->parties, r->first)) {
            diag_error(s->dg, r->loc, "\"%s\" is a party, not a class: write 'pay ... to \"%s\"'", r->first, r->first);
            return;
        }
    }
    if (!resolve_classes(s, &c->payees, &c->class_idx, &c->nclass_idx)) return;
    if (c->nclass_idx > 1 && c->order == ORDER_NONE)
        diag_error(s->dg, c->payee_loc, "clause %s pays %d classes: say 'sequentially' or 'pro rata'", c->full_label, c->nclass_idx);
    for (int i = 0; i < c->nclass_idx; i++) {
        ast_class *k = s->out->classes.v[c->class_idx[i]];
        if (c->kind == CL_PAY_PRINCIPAL && k->notional)
            diag_error(s->dg, c->payee_loc, "class \"%s\" is interest-only (notional): it is paid no principal", k->name);
        if (c->kind == CL_PAY_BASIS && !k->cap)
            diag_error(s->dg, c->payee_loc, "class \"%s\" has no coupon cap: it has no basis risk shortfall to be paid",
                       k->name);
        if (c->kind == CL_PAY_LOSSES && k->notional)
            diag_error(s->dg, c->payee_loc, "class \"%s\" is interest-only (notional): it is never written down", k->name);
    }
}

static void check_waterfalls(sema *s)
{
    for (int i = 0; i < s->d->waterfalls.n; i++) {
        ast_waterfall *w = s->d->waterfalls.v[i];
        ast_decl *f = sym_get(&s->terms, w->fund);
        if (!f || (f->kind != DK_FUND && f->kind != DK_ACCOUNT)) {
            const char *what = f ? kind_name(f->kind) : sym_get(&s->groups, w->fund) ? "group"
                             : sym_get(&s->classes, w->fund) ? "class" : sym_get(&s->parties, w->fund) ? "party" : NULL;
            if (what) diag_error(s->dg, w->fund_loc, "\"%s\" is a %s; a priority of payments draws 'from' a fund or an account", w->fund, what);
            else unknown(s, w->fund_loc, "fund", w->fund, &s->terms);
        } else {
            w->fund_idx = f->index;
            check_decl(s, f, w->fund_loc);
        }
        if (w->guard) {
            int u = check_expr(s, w->guard);
            if (u != UNIT_ERR && u != RT_UNIT_BOOL)
                diag_error(s->dg, w->guard->loc, "'when' needs a condition, not %s", sema_unit_name(u));
            require_before(s, w->guard, arena_printf(s->a, "the condition of priority of payments \"%s\"", w->section));
        }
        /* after a syntax error the clauses may just have been dropped */
        if (w->clauses.n == 0 && s->dg->nerrors == 0)
            diag_warning(s->dg, w->section_loc, "priority of payments \"%s\" has no clauses", w->section);
        for (int j = 0; j < w->clauses.n; j++) {
            ast_clause *c = w->clauses.v[j];
            check_clause(s, w, c);
            ptrvec_push(s->a, &s->out->clauses, c);
            ptrvec_push(s->a, &s->out->clause_wf, w);
        }
    }
}

/* Loss allocations: each class written down by one allocation, once; the
 * collateral known before the write-downs; juniors before seniors. */
static void check_allocs(sema *s)
{
    int nclasses = s->out->classes.n;
    ast_alloc **owner = arena_alloc(s->a, sizeof *owner * (size_t)(nclasses + 1));
    for (int i = 0; i < s->d->allocs.n; i++) {
        ast_alloc *al = s->d->allocs.v[i];
        al->index = s->out->allocs.n;
        ptrvec_push(s->a, &s->out->allocs, al);
        int u = check_expr(s, al->against);
        if (u != UNIT_ERR && u != RT_UNIT_MONEY)
            diag_error(s->dg, al->against->loc, "loss allocation \"%s\" measures the classes against %s: it must be an "
                       "amount of money (the collateral)", al->section, sema_unit_name(u));
        /* the write-downs follow every payment: the collateral may read any
         * clause's cash, but not what is known only once they are done */
        require_phase(s, al->against, s->out->clauses.n + 1,
                      arena_printf(s->a, "the collateral of loss allocation \"%s\"", al->section));
        if (al->steps.n == 0 && s->dg->nerrors == 0)
            diag_warning(s->dg, al->section_loc, "loss allocation \"%s\" writes down no class", al->section);
        /* the most senior class (lowest declaration index) written down so
         * far: writing down a class declared after it, later, is writing a
         * senior class before its subordinate */
        int warned = 0, prev_min = 1 << 30;
        for (int j = 0; j < al->steps.n; j++) {
            ast_alloc_step *st = al->steps.v[j];
            if (!resolve_classes(s, &st->payees, &st->class_idx, &st->nclass_idx)) continue;
            if (st->nclass_idx > 1 && st->order == ORDER_NONE)
                diag_error(s->dg, st->payee_loc, "step %s writes down %d classes: say 'sequentially' or 'pro rata'",
                           st->label, st->nclass_idx);
            int step_min = prev_min;
            for (int k = 0; k < st->nclass_idx; k++) {
                int c = st->class_idx[k];
                ast_class *kl = s->out->classes.v[c];
                if (kl->notional) {
                    diag_error(s->dg, st->payee_loc, "class \"%s\" is interest-only (notional): it has no balance to "
                               "write down", kl->name);
                    continue;
                }
                if (owner[c]) {
                    diag *g = diag_error(s->dg, st->payee_loc, "class \"%s\" is written down twice", kl->name);
                    diag_note(s->dg, g, owner[c]->section_loc, "already by loss allocation \"%s\"", owner[c]->section);
                    continue;
                }
                owner[c] = al;
                /* a pro rata step writes its classes down together */
                int seen = st->order == ORDER_PRO_RATA ? prev_min : step_min;
                if (!warned && seen != 1 << 30 && c > seen) {
                    diag_warning(s->dg, st->payee_loc,
                                 "loss allocation \"%s\" writes down \"%s\" before \"%s\", which is declared after "
                                 "it: a senior class before its subordinate?",
                                 al->section, ((ast_class *)s->out->classes.v[seen])->name, kl->name);
                    warned = 1;
                }
                if (c < step_min) step_min = c;
            }
            prev_min = step_min;
        }
    }
}

/* Before anything is checked: every clause's full label and its place in
 * the order of payment (what "available at" refers to), and the labels
 * that appear twice. */
static void number_clauses(sema *s)
{
    int n = 0;
    symtab last_in_fund = { 0 };   /* fund name -> its latest clause so far */
    /* funds or accounts that clauses of other waterfalls pay into or draw
     * on: their balance may change between two of their own clauses */
    symtab touched = { 0 };
    for (int i = 0; i < s->d->waterfalls.n; i++) {
        ast_waterfall *w = s->d->waterfalls.v[i];
        for (int j = 0; j < w->clauses.n; j++) {
            ast_clause *c = w->clauses.v[j];
            if (c->kind == CL_DRAW && c->source && c->source != w->fund) sym_put(s->a, &touched, c->source, c);
            if (c->kind == CL_PAY_PARTY)
                for (int k = 0; k < c->payees.n; k++) {
                    const ast_classref *r = c->payees.v[k];
                    if (r->first != w->fund) sym_put(s->a, &touched, r->first, c);
                }
        }
    }
    for (int i = 0; i < s->d->waterfalls.n; i++) {
        ast_waterfall *w = s->d->waterfalls.v[i];
        for (int j = 0; j < w->clauses.n; j++) {
            ast_clause *c = w->clauses.v[j];
            const char *full = arena_printf(s->a, "%s%s", w->section, c->label);
            c->full_label = arena_intern(s->a, full, strlen(full));
            c->index = n++;
            /* known once the fund's previous clause has run, i.e. as the
             * clause after that one is about to run; a fund's first clause
             * finds its deposit, known before any clause runs */
            ast_clause *prev = sym_get(&last_in_fund, w->fund);
            c->avail_after = sym_get(&touched, w->fund) ? c->index + 1 : prev ? prev->index + 2 : 1;
            sym_put(s->a, &last_in_fund, w->fund, c);
            ast_clause *first = sym_get(&s->labels, c->full_label);
            /* versions of one clause under amendments are in force on
             * different dates: that is not a duplicate. The label names
             * the first version: the versions stand together in their
             * fund and only one pays on any date, so the cash the first
             * finds is the cash the one in force finds. */
            int disjoint = first && ((first->to && first->to <= c->from) || (c->to && c->to <= first->from));
            if (first && !disjoint) {
                diag *g = diag_error(s->dg, c->label_loc, "clause %s appears twice", c->full_label);
                diag_note(s->dg, g, first->label_loc, "first here");
            } else if (!first) {
                sym_put(s->a, &s->labels, c->full_label, c);
            }
        }
    }
}

static void check_lines(sema *s)
{
    int table = -1;
    for (int i = 0; i < s->d->lines.n; i++) {
        ast_line *l = s->d->lines.v[i];
        if (!l->label) {
            if (table >= 0) {
                diag *g = diag_error(s->dg, l->loc, "'classes;' appears twice in the statement");
                diag_note(s->dg, g, ((ast_line *)s->d->lines.v[table])->loc, "first here");
            }
            table = i;
            continue;
        }
        if (!*l->label) diag_error(s->dg, l->loc, "a statement line needs a label");
        ast_line *p = sym_get(&s->lines, l->label);
        if (p) {
            diag *g = diag_error(s->dg, l->loc, "statement line \"%s\" appears twice", l->label);
            diag_note(s->dg, g, p->loc, "first here");
        } else {
            sym_put(s->a, &s->lines, l->label, l);
        }
        check_expr(s, l->expr);
    }
}

/* ---- collateral ---- */

static int whole_months(sema *s, ast_cline *l, int field, const char *what, int lo, int hi)
{
    rt_dec v = l->field[field];
    if (v % RT_SCALE != 0 || v < (rt_dec)lo * RT_SCALE || v > (rt_dec)hi * RT_SCALE) {
        diag_error(s->dg, l->field_loc[field], "%s is a whole number of months from %d to %d", what, lo, hi);
        return 0;
    }
    return 1;
}

static void check_cline(sema *s, ast_cline *l)
{
    const char *n = l->name;
    if (!l->has[RT_L_BALANCE] || l->field[RT_L_BALANCE] <= 0)
        diag_error(s->dg, l->has[RT_L_BALANCE] ? l->field_loc[RT_L_BALANCE] : l->name_loc,
                   "collateral line \"%s\" needs a balance above zero ('balance $1,000,000.00')", n);
    if (!l->has[RT_L_GROSS_RATE]) {
        diag_error(s->dg, l->name_loc, "collateral line \"%s\" needs a gross rate ('gross rate 7.50%%')", n);
    } else if (l->has[CL_FEE]) {
        rt_dec net = l->field[RT_L_GROSS_RATE] - l->field[CL_FEE];
        if (l->has[RT_L_NET_RATE] && l->field[RT_L_NET_RATE] != net)
            diag_error(s->dg, l->field_loc[RT_L_NET_RATE], "the net rate must be the gross rate less the servicing fee");
        l->field[RT_L_NET_RATE] = net;
        l->has[RT_L_NET_RATE] = 1;
        l->field_loc[RT_L_NET_RATE] = l->field_loc[CL_FEE];
    } else if (!l->has[RT_L_NET_RATE]) {
        diag_error(s->dg, l->name_loc, "collateral line \"%s\" needs a net rate or a servicing fee ('net rate 7.00%%')", n);
    }
    if (l->has[RT_L_GROSS_RATE] && l->has[RT_L_NET_RATE] &&
        (l->field[RT_L_NET_RATE] < 0 || l->field[RT_L_NET_RATE] > l->field[RT_L_GROSS_RATE]))
        diag_error(s->dg, l->field_loc[RT_L_NET_RATE], "the net rate must lie between 0%% and the gross rate");
    int terms = 1;
    if (!l->has[RT_L_ORIGINAL_TERM]) {
        diag_error(s->dg, l->name_loc, "collateral line \"%s\" needs its original term ('original term 360')", n);
        terms = 0;
    } else terms &= whole_months(s, l, RT_L_ORIGINAL_TERM, "the original term", 1, 1200);
    if (!l->has[RT_L_REMAINING_TERM]) {
        diag_error(s->dg, l->name_loc, "collateral line \"%s\" needs its remaining term ('remaining term 358')", n);
        terms = 0;
    } else terms &= whole_months(s, l, RT_L_REMAINING_TERM, "the remaining term", 1, 1200);
    if (terms && l->field[RT_L_REMAINING_TERM] > l->field[RT_L_ORIGINAL_TERM])
        diag_error(s->dg, l->field_loc[RT_L_REMAINING_TERM], "the remaining term is longer than the original term");
    if (l->has[RT_L_AGE]) whole_months(s, l, RT_L_AGE, "the age", 0, 1200);
    else if (terms) {
        /* a line's age defaults to the months it has run */
        l->field[RT_L_AGE] = l->field[RT_L_ORIGINAL_TERM] - l->field[RT_L_REMAINING_TERM];
        l->has[RT_L_AGE] = 1;
    }
    if (l->has[RT_L_BALLOON] && whole_months(s, l, RT_L_BALLOON, "the balloon month", 1, 1200) && terms &&
        l->field[RT_L_BALLOON] > l->field[RT_L_ORIGINAL_TERM])
        diag_error(s->dg, l->field_loc[RT_L_BALLOON], "the balloon falls after the original term");
    if (l->has[RT_L_IO_MONTHS]) whole_months(s, l, RT_L_IO_MONTHS, "the interest-only period", 1, 1200);
    /* a revolving (HELOC) line: projections draw on what the limit leaves
     * undrawn, so a limit below the balance drawn today is a typo */
    if (l->has[RT_L_CREDIT_LIMIT]) {
        if (l->field[RT_L_CREDIT_LIMIT] <= 0)
            diag_error(s->dg, l->field_loc[RT_L_CREDIT_LIMIT],
                       "the credit limit of collateral line \"%s\" must be above zero ('credit limit $50,000.00'; "
                       "a closed-end line has none)", n);
        else if (l->has[RT_L_BALANCE] && l->field[RT_L_CREDIT_LIMIT] < l->field[RT_L_BALANCE])
            diag_error(s->dg, l->field_loc[RT_L_CREDIT_LIMIT],
                       "the credit limit of collateral line \"%s\" is below its balance: the limit is what the "
                       "borrowers may draw in all, the balance what they have drawn", n);
    }
    /* the draw period of a revolving line: it draws in the months of age
     * up to its draw term, then only repays */
    if (l->has[RT_L_DRAW_TERM]) {
        if (!l->has[RT_L_CREDIT_LIMIT])
            diag_error(s->dg, l->field_loc[RT_L_DRAW_TERM],
                       "only a revolving line has a draw term: give collateral line \"%s\" its 'credit limit'", n);
        else if (whole_months(s, l, RT_L_DRAW_TERM, "the draw term", 1, 1200) && terms &&
                 l->field[RT_L_DRAW_TERM] > l->field[RT_L_ORIGINAL_TERM])
            diag_error(s->dg, l->field_loc[RT_L_DRAW_TERM], "the draw term is longer than the original term");
    }
    static const int arm_fields[] = { RT_L_MARGIN, RT_L_FIRST_RESET, RT_L_RESET_EVERY, RT_L_PERIODIC_CAP,
                                      RT_L_LIFE_CAP, RT_L_LIFE_FLOOR };
    if (!l->index) {
        for (size_t i = 0; i < sizeof arm_fields / sizeof arm_fields[0]; i++)
            if (l->has[arm_fields[i]]) {
                diag_error(s->dg, l->field_loc[arm_fields[i]],
                           "only an adjustable line has this: give the line its 'index'");
                break;
            }
        return;
    }
    ast_decl *x = sym_get(&s->terms, l->index);
    if (!x || x->kind != DK_INPUT) {
        if (x) diag_error(s->dg, l->index_loc, "\"%s\" is a %s; an index is an input rate ('input \"%s\" rate;')",
                          l->index, kind_name(x->kind), l->index);
        else unknown(s, l->index_loc, "input", l->index, &s->terms);
    } else if (x->unit != RT_UNIT_RATE) {
        diag_error(s->dg, l->index_loc, "index \"%s\" must be an input rate, not %s", l->index, sema_unit_name(x->unit));
    } else {
        l->field[RT_L_INDEX] = (rt_dec)x->index * RT_SCALE;
        l->has[RT_L_INDEX] = 1;
    }
    if (!l->has[RT_L_MARGIN]) diag_error(s->dg, l->index_loc, "adjustable line \"%s\" needs a margin ('margin 3.00%%')", n);
    if (!l->has[RT_L_FIRST_RESET]) diag_error(s->dg, l->index_loc, "adjustable line \"%s\" needs its first reset ('first reset 24')", n);
    else whole_months(s, l, RT_L_FIRST_RESET, "the first reset", 1, 1200);
    if (!l->has[RT_L_RESET_EVERY]) diag_error(s->dg, l->index_loc, "adjustable line \"%s\" needs its reset frequency ('reset every 6')", n);
    else whole_months(s, l, RT_L_RESET_EVERY, "the reset frequency", 1, 120);
    if (l->has[RT_L_LIFE_CAP] && l->has[RT_L_LIFE_FLOOR] && l->field[RT_L_LIFE_CAP] < l->field[RT_L_LIFE_FLOOR])
        diag_error(s->dg, l->field_loc[RT_L_LIFE_CAP], "the life cap is below the life floor");
}

static void check_collateral(sema *s)
{
    ast_deal *d = s->d;
    symtab seen = { 0 };
    for (int i = 0; i < d->collateral.n; i++) {
        ast_collateral *c = d->collateral.v[i];
        ast_decl *g = sym_get(&s->groups, c->group);
        if (!g) unknown(s, c->group_loc, "group", c->group, &s->groups);
        else {
            ast_collateral *p = sym_get(&seen, c->group);
            if (p) {
                diag *e = diag_error(s->dg, c->group_loc, "the collateral of group \"%s\" is declared twice", c->group);
                diag_note(s->dg, e, p->group_loc, "first declared here");
            } else sym_put(s->a, &seen, c->group, c);
            c->group_idx = g->index;
        }
        if (c->lines.n == 0) diag_error(s->dg, c->group_loc, "the collateral of group \"%s\" has no lines", c->group);
        symtab names = { 0 };
        for (int j = 0; j < c->lines.n; j++) {
            ast_cline *l = c->lines.v[j];
            ast_cline *p = sym_get(&names, l->name);
            if (p) {
                diag *e = diag_error(s->dg, l->name_loc, "collateral line \"%s\" appears twice in this group", l->name);
                diag_note(s->dg, e, p->name_loc, "first here");
            } else sym_put(s->a, &names, l->name, l);
            check_cline(s, l);
        }
    }
    if (d->has_cutoff && d->has_closing && d->cutoff > d->closing) {
        diag *e = diag_error(s->dg, d->cutoff_loc, "the cut-off date comes after the closing date");
        diag_note(s->dg, e, d->closing_loc, "the closing date");
    }
}

int sema_check(ast_deal *d, diag_ctx *dg, arena *a, sema_deal *out)
{
    sema s = { .a = a, .dg = dg, .d = d, .out = out };
    memset(out, 0, sizeof *out);
    out->ast = d;
    int errors_before = dg->nerrors;
    int nresidual = 0;
    ast_decl *first_residual = NULL;

    /* declare everything first: a definition may use a name declared later */
    for (int i = 0; i < d->decls.n; i++) {
        ast_decl *x = d->decls.v[i];
        if (!*x->name) { diag_error(dg, x->name_loc, "a %s needs a name", kind_name(x->kind)); continue; }
        switch (x->kind) {
        case DK_GROUP:
            x->index = out->groups.n;
            if (!sym_get(&s.groups, x->name)) ptrvec_push(a, &out->groups, x);
            declare(&s, &s.groups, x->name, x->name_loc, x, "group");
            break;
        case DK_PARTY:
        case DK_INSURER:
        case DK_RESIDUAL:
            if (x->kind == DK_RESIDUAL) {
                if (nresidual++) {
                    diag *g = diag_error(dg, x->name_loc, "the deal has one residual holder");
                    diag_note(dg, g, first_residual->name_loc, "first declared here");
                    break;
                }
                first_residual = x;
            }
            x->index = out->parties.n;
            if (!sym_get(&s.parties, x->name)) ptrvec_push(a, &out->parties, x);
            declare(&s, &s.parties, x->name, x->name_loc, x, "party");
            break;
        default: {
            ptrvec *list = x->kind == DK_INPUT ? &out->inputs : x->kind == DK_DEFINE ? &out->defines
                         : x->kind == DK_FUND || x->kind == DK_ACCOUNT ? &out->funds
                         : x->kind == DK_TRIGGER || x->kind == DK_DATE ? &out->memory : &out->schedules;
            if (sym_get(&s.terms, x->name)) {
                ast_decl *p = sym_get(&s.terms, x->name);
                diag *g = diag_error(dg, x->name_loc, "\"%s\" is declared twice", x->name);
                diag_note(dg, g, p->name_loc, "first declared here as a %s", kind_name(p->kind));
                break;
            }
            x->index = list->n;
            ptrvec_push(a, list, x);
            sym_put(a, &s.terms, x->name, x);
        }
        }
    }
    for (int i = 0; i < d->classes.n; i++) {
        ast_class *c = d->classes.v[i];
        if (sym_get(&s.classes, c->name)) {
            declare(&s, &s.classes, c->name, c->name_loc, c, "class");
            continue;
        }
        if (!*c->name) { diag_error(dg, c->name_loc, "a class needs a name"); continue; }
        c->index = out->classes.n;
        ptrvec_push(a, &out->classes, c);
        sym_put(a, &s.classes, c->name, c);
    }
    check_header(&s, errors_before > 0);
    number_clauses(&s);
    /* provisions that move no cash: only their labels need checking */
    symtab sections = { 0 };
    for (int i = 0; i < d->sections.n; i++) {
        ast_section *x = d->sections.v[i];
        ast_section *first = sym_get(&sections, x->label);
        if (first) {
            diag *g = diag_error(dg, x->label_loc, "section \"%s\" appears twice", x->label);
            diag_note(dg, g, first->label_loc, "first here");
        } else if (!*x->label) {
            diag_error(dg, x->label_loc, "a section needs its label, as the agreement numbers it");
        } else {
            sym_put(a, &sections, x->label, x);
        }
    }
    for (int i = 0; i < out->classes.n; i++) check_class(&s, out->classes.v[i]);
    for (int i = 0; i < d->decls.n; i++) {
        ast_decl *x = d->decls.v[i];
        if (x->index >= 0 && (x->kind == DK_DEFINE || x->kind == DK_FUND || x->kind == DK_SCHEDULE ||
                              x->kind == DK_ACCOUNT || x->kind == DK_TRIGGER || x->kind == DK_DATE))
            check_decl(&s, x, x->name_loc);
        if (x->kind == DK_INPUT && x->index >= 0) x->state = 2;
    }
    check_waterfalls(&s);
    check_allocs(&s);
    check_lines(&s);
    check_collateral(&s);
    return dg->nerrors == errors_before;
}
