/* ast.c — AST constructors, the builder behind the grammar actions, and the
 * --emit=ast dump. */
#include "ast.h"
#include "build.h"
#include "lex.h"

#include <string.h>

#define NAME_ENTRY(n, s) s,
const char *const ast_expr_kind_names[] = { AST_EXPR_KINDS(NAME_ENTRY) };
const char *const ast_op_names[] = { AST_OPS(NAME_ENTRY) };
#undef NAME_ENTRY
#define CQ_NAME(n, s, f, p) s,
#define CQ_FIELD(n, s, f, p) f,
#define CQ_AFTER(n, s, f, p) p,
const char *const ast_classq_names[] = { AST_CLASSQ(CQ_NAME) };
const int ast_classq_field[] = { AST_CLASSQ(CQ_FIELD) };
const int ast_classq_after[] = { AST_CLASSQ(CQ_AFTER) };
#undef CQ_NAME
#undef CQ_FIELD
#undef CQ_AFTER

src_loc ast_span(src_loc a, src_loc b)
{
    src_loc r = a;
    if (b.end > r.end) r.end = b.end;
    return r;
}

static ast_expr *expr_new(ast_builder *b, ast_expr_kind k, src_loc loc)
{
    ast_expr *e = arena_alloc(b->arena, sizeof *e);
    e->kind = k;
    e->loc = loc;
    e->ref = -1;
    e->site = -1;
    e->depth = 1;
    return e;
}

/* Give e its depth from its operands; past the limit, report once and
 * replace the whole expression by an error node (which is depth 1). */
static ast_expr *deepen(ast_builder *b, ast_expr *e)
{
    int d = 0;
    ast_expr *k[3] = { e->a, e->b, e->c };
    for (int i = 0; i < 3; i++) {
        if (k[i] && k[i]->depth < 0) return k[i]; /* already reported: absorb */
        if (k[i] && k[i]->depth > d) d = k[i]->depth;
    }
    for (int i = 0; i < e->args.n; i++) {
        ast_expr *x = e->args.v[i];
        if (x->depth < 0) return x;
        if (x->depth > d) d = x->depth;
    }
    e->depth = d + 1;
    if (e->depth > AST_MAX_DEPTH) {
        diag_error(b->diag, e->loc, "expression is nested more than %d levels deep; split it into defined terms",
                   AST_MAX_DEPTH);
        ast_expr *bad = expr_new(b, EX_BAD, e->loc);
        bad->depth = -1; /* marks it: enclosing expressions collapse into it */
        return bad;
    }
    return e;
}

ast_expr *ast_num(ast_builder *b, src_loc loc, rt_dec v, rt_unit unit)
{
    ast_expr *e = expr_new(b, EX_NUM, loc);
    e->num = v;
    e->lit_unit = unit;
    return e;
}

ast_expr *ast_name(ast_builder *b, src_loc loc, const char *name)
{
    ast_expr *e = expr_new(b, EX_NAME, loc);
    e->name = name;
    e->name_loc = loc;
    return e;
}

ast_expr *ast_pool(ast_builder *b, src_loc loc, int field, const char *group, src_loc gloc)
{
    ast_expr *e = expr_new(b, EX_POOL, loc);
    e->field = field;
    e->name = group;
    e->name_loc = gloc;
    return e;
}

ast_expr *ast_classq(ast_builder *b, src_loc loc, int which, ptrvec classes)
{
    ast_expr *e = expr_new(b, EX_CLASSQ, loc);
    e->field = which;
    e->classes = classes;
    return e;
}

ast_expr *ast_partyq(ast_builder *b, src_loc loc, int field, const char *party, src_loc ploc)
{
    ast_expr *e = expr_new(b, EX_PARTYQ, loc);
    e->field = field;
    e->name = party;
    e->name_loc = ploc;
    return e;
}

ast_expr *ast_later(ast_builder *b, src_loc loc, int later, ptrvec args)
{
    ast_expr *e = ast_minmax(b, loc, later ? EX_MAX : EX_MIN, args);
    if (e->kind == EX_MAX || e->kind == EX_MIN) e->field = 1; /* written "later of" / "earlier of" */
    return e;
}

ast_expr *ast_distdate(ast_builder *b, src_loc loc, rt_dec n)
{
    ast_expr *e = expr_new(b, EX_DISTDATE, loc);
    e->num = n;
    return e;
}

ast_expr *ast_firstwhen(ast_builder *b, src_loc loc, ast_expr *cond)
{
    ast_expr *e = expr_new(b, EX_FIRSTWHEN, loc);
    e->a = cond;
    return deepen(b, e);
}

ast_expr *ast_avail(ast_builder *b, src_loc loc, const char *clause, src_loc cloc)
{
    ast_expr *e = expr_new(b, EX_AVAIL, loc);
    e->name = clause;
    e->name_loc = cloc;
    return e;
}

ast_expr *ast_global(ast_builder *b, src_loc loc, int field)
{
    ast_expr *e = expr_new(b, EX_GLOBAL, loc);
    e->field = field;
    return e;
}

ast_expr *ast_unary(ast_builder *b, src_loc loc, ast_expr_kind k, ast_expr *a)
{
    ast_expr *e = expr_new(b, k, loc);
    e->a = a;
    return deepen(b, e);
}

ast_expr *ast_binary(ast_builder *b, src_loc loc, ast_op op, ast_expr *x, ast_expr *y)
{
    ast_expr *e = expr_new(b, EX_BIN, loc);
    e->op = op;
    e->a = x;
    e->b = y;
    return deepen(b, e);
}

ast_expr *ast_of(ast_builder *b, src_loc loc, ast_expr_kind k, ast_expr *x, ast_expr *y)
{
    ast_expr *e = expr_new(b, k, loc);
    e->a = x;
    e->b = y;
    return deepen(b, e);
}

ast_expr *ast_if(ast_builder *b, src_loc loc, ast_expr *c, ast_expr *t, ast_expr *f)
{
    ast_expr *e = expr_new(b, EX_IF, loc);
    e->a = c;
    e->b = t;
    e->c = f;
    return deepen(b, e);
}

ast_expr *ast_minmax(ast_builder *b, src_loc loc, ast_expr_kind k, ptrvec args)
{
    ast_expr *e = expr_new(b, k, loc);
    e->args = args;
    return deepen(b, e);
}

ast_expr *ast_bad(ast_builder *b, src_loc loc) { return expr_new(b, EX_BAD, loc); }

ast_expr *ast_label_expr(ast_builder *b, src_loc loc, const char *label)
{
    /* "(12)" lexes as a clause label; inside an expression it is a number */
    rt_dec v;
    int n = (int)strlen(label);
    if (lex_decimal(label + 1, n - 2, &v, NULL))
        return ast_num(b, loc, v, RT_UNIT_NUMBER);
    diag_error(b->diag, loc, "clause label %s cannot stand in an expression; names go in double quotes", label);
    return ast_bad(b, loc);
}

ast_classref *ast_classref_new(ast_builder *b, const char *first, src_loc floc,
                               const char *last, src_loc lloc)
{
    ast_classref *r = arena_alloc(b->arena, sizeof *r);
    r->first = first;
    r->last = last;
    r->loc = ast_span(floc, lloc);
    r->last_loc = lloc;
    if (!last) r->loc = floc;
    return r;
}

/* ---- the builder ---- */

void build_deal_begin(ast_builder *B, src_loc loc, const char *name, src_loc nloc)
{
    ast_deal *d = arena_alloc(B->arena, sizeof *d);
    d->name = name;
    d->loc = loc;
    d->name_loc = nloc;
    d->bdc = RT_BDC_NONE;
    B->deal = d;
    if (!*name) diag_error(B->diag, nloc, "the deal needs a name");
}

void build_deal_end(ast_builder *B, src_loc loc)
{
    if (B->deal) B->deal->loc = loc;
}

static ast_item *push_item(ast_builder *B, ast_item_kind kind, src_loc loc, void *ptr)
{
    ast_item *it = arena_alloc(B->arena, sizeof *it);
    it->kind = kind;
    it->loc = loc;
    it->ptr = ptr;
    ptrvec_push(B->arena, &B->deal->items, it);
    return it;
}

void build_item_end(ast_builder *B, src_loc loc)
{
    ast_deal *d = B->deal;
    B->pending_recon = NULL;   /* a mark left by an item dropped by error recovery */
    if (!d || d->items.n == B->items_seen) return; /* an item dropped by error recovery */
    ast_item *it = d->items.v[d->items.n - 1];
    it->loc = loc;
    if (it->kind == IT_STATEMENT) it->last = d->lines.n;
    B->items_seen = d->items.n;
}

void build_class_block(ast_builder *B, src_loc loc, ast_item_kind kind)
{
    ast_item *it = push_item(B, kind, loc, NULL);
    it->first = B->class_mark;
    it->last = B->deal->classes.n;
    B->class_mark = B->deal->classes.n;
}

static void twice(ast_builder *B, src_loc loc, src_loc first, const char *what)
{
    diag *g = diag_error(B->diag, loc, "%s is given twice", what);
    diag_note(B->diag, g, first, "first given here");
}

void build_closing(ast_builder *B, src_loc loc, int days)
{
    ast_deal *d = B->deal;
    if (d->has_closing) { twice(B, loc, d->closing_loc, "the closing date"); return; }
    d->has_closing = 1;
    d->closing = days;
    d->closing_loc = loc;
    push_item(B, IT_CLOSING, loc, NULL);
}

void build_first_payment(ast_builder *B, src_loc loc, int days)
{
    ast_deal *d = B->deal;
    if (d->has_first_payment) { twice(B, loc, d->first_payment_loc, "the first payment date"); return; }
    d->has_first_payment = 1;
    d->first_payment = days;
    d->first_payment_loc = loc;
    push_item(B, IT_FIRST_PAYMENT, loc, NULL);
}

void build_payment_day(ast_builder *B, src_loc loc, rt_dec day, int bdc)
{
    ast_deal *d = B->deal;
    if (d->has_payment_day) { twice(B, loc, d->payment_day_loc, "the payment day"); return; }
    if (day % RT_SCALE != 0 || day < RT_SCALE || day > 31 * RT_SCALE) {
        diag_error(B->diag, loc, "the payment day is a day of the month, a whole number from 1 to 31");
        return;
    }
    d->has_payment_day = 1;
    d->payment_day = (int)(day / RT_SCALE);
    d->payment_day_loc = loc;
    d->bdc = (rt_bdc)bdc;
    push_item(B, IT_PAYMENT_DAY, loc, NULL);
}

void build_decl(ast_builder *B, ast_decl_kind kind, src_loc loc, const char *name, src_loc nloc,
                int unit, ast_expr *expr, const char *text)
{
    ast_decl *x = arena_alloc(B->arena, sizeof *x);
    x->kind = kind;
    x->name = name;
    x->loc = loc;
    x->name_loc = nloc;
    x->unit = (rt_unit)unit;
    x->expr = expr;
    x->text = text;
    x->index = -1;
    x->reconstructed = B->pending_recon;
    B->pending_recon = NULL;
    ptrvec_push(B->arena, &B->deal->decls, x);
    push_item(B, IT_DECL, loc, x);
}

void build_schedule(ast_builder *B, src_loc loc, const char *name, src_loc nloc, ptrvec entries)
{
    build_decl(B, DK_SCHEDULE, loc, name, nloc, 0, NULL, NULL);
    ast_decl *x = B->deal->decls.v[B->deal->decls.n - 1];
    for (int i = 0; i < entries.n; i++)
        if (entries.v[i]) ptrvec_push(B->arena, &x->entries, entries.v[i]);
    if (x->entries.n == 0) diag_error(B->diag, nloc, "schedule \"%s\" has no entries", name);
}

void build_waterfall_begin(ast_builder *B, src_loc loc, const char *section, src_loc sloc,
                           const char *fund, src_loc floc, ast_expr *guard)
{
    ast_waterfall *w = arena_alloc(B->arena, sizeof *w);
    w->guard = guard;
    w->section = section;
    w->loc = loc;
    w->section_loc = sloc;
    w->fund = fund;
    w->fund_loc = floc;
    w->fund_idx = -1;
    B->cur_wf = w;
    ptrvec_push(B->arena, &B->deal->waterfalls, w);
    push_item(B, IT_WATERFALL, loc, w);
}

void build_statement_begin(ast_builder *B, src_loc loc)
{
    ast_deal *d = B->deal;
    if (d->has_statement) {
        twice(B, loc, d->statement_loc, "the statement");
        return;
    }
    d->has_statement = 1;
    d->statement_loc = loc;
    ast_item *it = push_item(B, IT_STATEMENT, loc, NULL);
    it->first = d->lines.n;
}

ast_class *build_class_new(ast_builder *B)
{
    ast_class *c = arena_alloc(B->arena, sizeof *c);
    c->index = -1;
    return c;
}

ast_class *build_class_original(ast_builder *B, ast_class *c, src_loc loc, rt_dec v)
{
    if (c->has_original) twice(B, loc, c->original_loc, "'original'");
    c->has_original = 1;
    c->original = v;
    c->original_loc = loc;
    return c;
}

ast_class *build_class_coupon(ast_builder *B, ast_class *c, src_loc loc, ast_expr *e)
{
    if (c->coupon) twice(B, loc, c->coupon->loc, "'coupon'");
    c->coupon = e;
    return c;
}

ast_class *build_class_maximum(ast_builder *B, ast_class *c, src_loc loc, rt_dec v)
{
    if (c->has_maximum) twice(B, loc, c->maximum_loc, "'maximum'");
    c->has_maximum = 1;
    c->maximum = v;
    c->maximum_loc = loc;
    return c;
}

ast_class *build_class_cap(ast_builder *B, ast_class *c, src_loc loc, ast_expr *e)
{
    if (c->cap) twice(B, loc, c->cap->loc, "'cap'");
    c->cap = e;
    return c;
}

ast_class *build_class_accrual(ast_builder *B, ast_class *c, src_loc loc, int dc)
{
    if (c->has_accrual) twice(B, loc, c->accrual_loc, "'accrual'");
    c->has_accrual = 1;
    c->accrual = (rt_daycount)dc;
    c->accrual_loc = loc;
    return c;
}

ast_class *build_class_delay(ast_builder *B, ast_class *c, src_loc loc, rt_dec days)
{
    if (c->has_delay) twice(B, loc, c->delay_loc, "'delay'");
    c->has_delay = 1;
    c->delay = days;
    c->delay_loc = loc;
    return c;
}

ast_class *build_class_notional(ast_builder *B, ast_class *c, src_loc loc, const char *sched)
{
    if (c->notional) twice(B, loc, c->notional_loc, "'notional'");
    c->notional = sched;
    c->notional_loc = loc;
    return c;
}

ast_class *build_class_text(ast_builder *B, ast_class *c, const char *text)
{
    (void)B;
    c->text = text;
    return c;
}

void build_class(ast_builder *B, src_loc loc, const char *name, src_loc nloc, ast_class *c)
{
    c->name = name;
    c->loc = loc;
    c->name_loc = nloc;
    ptrvec_push(B->arena, &B->deal->classes, c);
}

ptrvec build_push(ast_builder *B, ptrvec v, void *item)
{
    ptrvec_push(B->arena, &v, item);
    return v;
}

static int whole_distribution(ast_builder *B, rt_dec v, src_loc loc)
{
    if (v % RT_SCALE != 0 || v < RT_SCALE || v > 100000 * RT_SCALE) {
        diag_error(B->diag, loc, "a schedule is keyed by distribution number: a whole number from 1 to 100000");
        return 1;
    }
    return (int)(v / RT_SCALE);
}

ast_sched_entry *build_sched_entry(ast_builder *B, src_loc loc, rt_dec from, src_loc floc,
                                   rt_dec to, src_loc tloc, ast_expr *value)
{
    ast_sched_entry *s = arena_alloc(B->arena, sizeof *s);
    s->loc = loc;
    s->from = whole_distribution(B, from, floc);
    s->to = whole_distribution(B, to, tloc);
    if (s->to < s->from) {
        diag_error(B->diag, tloc, "the range ends before it starts (%d to %d)", s->from, s->to);
        s->to = s->from;
    }
    s->value = value;
    return s;
}

ast_sched_entry *build_sched_thereafter(ast_builder *B, src_loc loc, ast_expr *value)
{
    ast_sched_entry *s = arena_alloc(B->arena, sizeof *s);
    s->loc = loc;
    s->from = 0;
    s->to = -1;
    s->value = value;
    return s;
}

static ast_clause *clause_new(ast_builder *B, src_loc loc, ast_clause_kind k)
{
    ast_clause *c = arena_alloc(B->arena, sizeof *c);
    c->kind = k;
    c->loc = loc;
    c->party = -1;
    c->index = -1;
    return c;
}

ast_clause *build_pay_party(ast_builder *B, src_loc loc, ast_expr *amount, ptrvec payees, src_loc ploc,
                            ast_expr *upto)
{
    ast_clause *c = clause_new(B, loc, CL_PAY_PARTY);
    c->amount = amount;
    c->remainder = amount == NULL;
    c->payees = payees;
    c->payee_loc = ploc;
    c->upto = upto;
    return c;
}

ast_clause *build_reimburse(ast_builder *B, src_loc loc, ptrvec payees, src_loc ploc)
{
    ast_clause *c = clause_new(B, loc, CL_REIMBURSE);
    c->payees = payees;
    c->payee_loc = ploc;
    return c;
}

ast_clause *build_draw(ast_builder *B, src_loc loc, ast_expr *amount, const char *source, src_loc sloc)
{
    ast_clause *c = clause_new(B, loc, CL_DRAW);
    c->amount = amount;
    c->source = source;
    c->source_loc = sloc;
    return c;
}

ast_clause *build_purchase(ast_builder *B, src_loc loc, const char *group, src_loc gloc, ast_expr *upto)
{
    ast_clause *c = clause_new(B, loc, CL_PURCHASE);
    c->source = group;
    c->source_loc = gloc;
    c->upto = upto;
    return c;
}

ast_clause *build_pay_claims(ast_builder *B, src_loc loc, int kind, ptrvec payees, src_loc ploc,
                             int order, src_loc oloc)
{
    ast_clause *c = clause_new(B, loc, (ast_clause_kind)kind);
    c->payees = payees;
    c->payee_loc = ploc;
    c->order = (ast_order)order;
    c->order_loc = oloc;
    return c;
}

ast_clause *build_pay_principal(ast_builder *B, src_loc loc, ast_expr *amount, ptrvec payees,
                                src_loc ploc, int order, src_loc oloc)
{
    ast_clause *c = clause_new(B, loc, CL_PAY_PRINCIPAL);
    c->amount = amount;
    c->remainder = amount == NULL;
    c->payees = payees;
    c->payee_loc = ploc;
    c->order = (ast_order)order;
    c->order_loc = oloc;
    return c;
}

ast_clause *build_clause(ast_builder *B, src_loc loc, const char *label, src_loc lloc,
                         ast_clause *body, const char *text)
{
    (void)B;
    body->loc = loc;
    body->label = label;
    body->label_loc = lloc;
    body->text = text;
    body->reconstructed = B->pending_recon;
    B->pending_recon = NULL;
    return body;
}

void build_clause_add(ast_builder *B, ast_clause *c)
{
    B->pending_recon = NULL;
    if (c && B->cur_wf) ptrvec_push(B->arena, &B->cur_wf->clauses, c);
}

void build_line(ast_builder *B, src_loc loc, const char *label, ast_expr *e)
{
    ast_line *l = arena_alloc(B->arena, sizeof *l);
    l->label = label;
    l->loc = loc;
    l->expr = e;
    ptrvec_push(B->arena, &B->deal->lines, l);
}

const char *build_reconstructed(ast_builder *B, src_loc loc, const char *text, const char *reason)
{
    (void)loc;
    B->pending_recon = reason ? reason : "";
    return text;
}

ast_class *build_class_reconstructed(ast_builder *B, ast_class *c, src_loc loc, const char *reason)
{
    if (c->reconstructed) {
        diag_error(B->diag, loc, "'reconstructed' is given twice");
        return c;
    }
    c->reconstructed = reason ? reason : "";
    return c;
}

void build_section(ast_builder *B, src_loc loc, const char *label, src_loc lloc, const char *text)
{
    const char *recon = B->pending_recon;
    B->pending_recon = NULL;
    if (!text) {
        diag_error(B->diag, loc, "section \"%s\" needs its words: section \"%s\" text \"...\";", label, label);
        return;
    }
    ast_section *s = arena_alloc(B->arena, sizeof *s);
    s->label = label;
    s->loc = loc;
    s->label_loc = lloc;
    s->text = text;
    s->reconstructed = recon;
    ptrvec_push(B->arena, &B->deal->sections, s);
    push_item(B, IT_SECTION, loc, s);
}

void build_amend_section(ast_builder *B, src_loc loc, ast_amend_kind kind, const char *label, src_loc lloc,
                         const char *text)
{
    if (kind == AM_INSERT_SECTION && !text) {
        diag_error(B->diag, loc, "an inserted section needs its words: insert section \"%s\" text \"...\";", label);
        return;
    }
    ast_amend_op *op = arena_alloc(B->arena, sizeof *op);
    op->kind = kind;
    op->loc = loc;
    op->target = label;
    op->target_loc = lloc;
    op->text = text;
    if (B->amendment) ptrvec_push(B->arena, &B->amendment->ops, op);
}

ast_decl *build_account_new(ast_builder *B)
{
    ast_decl *x = arena_alloc(B->arena, sizeof *x);
    x->kind = DK_ACCOUNT;
    x->index = -1;
    return x;
}

ast_decl *build_account_initial(ast_builder *B, ast_decl *x, src_loc loc, rt_dec v)
{
    if (x->has_initial) twice(B, loc, x->initial_loc, "'initial'");
    x->has_initial = 1;
    x->initial = v;
    x->initial_loc = loc;
    return x;
}

ast_decl *build_account_interest(ast_builder *B, ast_decl *x, src_loc loc, ast_expr *e)
{
    if (x->interest) twice(B, loc, x->interest->loc, "'interest'");
    x->interest = e;
    return x;
}

void build_account(ast_builder *B, src_loc loc, const char *name, src_loc nloc, ast_decl *x, const char *text)
{
    x->name = name;
    x->loc = loc;
    x->name_loc = nloc;
    x->unit = RT_UNIT_MONEY;
    x->text = text;
    x->reconstructed = B->pending_recon;
    B->pending_recon = NULL;
    ptrvec_push(B->arena, &B->deal->decls, x);
    push_item(B, IT_DECL, loc, x);
}

void build_trigger(ast_builder *B, src_loc loc, const char *name, src_loc nloc, ast_expr *cond, int sticky,
                   const char *text)
{
    build_decl(B, DK_TRIGGER, loc, name, nloc, RT_UNIT_BOOL, cond, text);
    ((ast_decl *)B->deal->decls.v[B->deal->decls.n - 1])->sticky = sticky;
}

void build_alloc_begin(ast_builder *B, src_loc loc, const char *section, src_loc sloc, ast_expr *against)
{
    ast_alloc *a = arena_alloc(B->arena, sizeof *a);
    a->section = section;
    a->loc = loc;
    a->section_loc = sloc;
    a->against = against;
    a->index = -1;
    B->cur_alloc = a;
    ptrvec_push(B->arena, &B->deal->allocs, a);
    push_item(B, IT_ALLOCATION, loc, a);
}

void build_alloc_step(ast_builder *B, src_loc loc, const char *label, src_loc lloc, ptrvec payees, src_loc ploc,
                      int order, src_loc oloc, const char *text)
{
    ast_alloc_step *st = arena_alloc(B->arena, sizeof *st);
    st->label = label;
    st->loc = loc;
    st->label_loc = lloc;
    st->payees = payees;
    st->payee_loc = ploc;
    st->order = (ast_order)order;
    st->order_loc = oloc;
    st->text = text;
    if (B->cur_alloc) ptrvec_push(B->arena, &B->cur_alloc->steps, st);
}

void build_retired(ast_builder *B, src_loc loc, rt_dec pct, src_loc ploc)
{
    ast_deal *d = B->deal;
    if (d->retired_zero) { twice(B, loc, d->retired_loc, "'retired classes show coupon'"); return; }
    /* the trustee prints a retired class's stated coupon, or 0%: nothing else */
    if (pct != 0) {
        diag_error(B->diag, ploc, "a retired class shows 0%% (or, if this item is left out, its stated coupon)");
        return;
    }
    d->retired_zero = 1;
    d->retired_loc = loc;
    push_item(B, IT_RETIRED, loc, NULL);
}

void build_cutoff(ast_builder *B, src_loc loc, int days)
{
    ast_deal *d = B->deal;
    if (d->has_cutoff) { twice(B, loc, d->cutoff_loc, "the cut-off date"); return; }
    d->has_cutoff = 1;
    d->cutoff = days;
    d->cutoff_loc = loc;
    push_item(B, IT_CUTOFF, loc, NULL);
}

void build_cleanup(ast_builder *B, src_loc loc, rt_dec fraction)
{
    ast_deal *d = B->deal;
    if (d->has_cleanup) { twice(B, loc, d->cleanup_loc, "the clean-up call"); return; }
    if (fraction <= 0 || fraction >= RT_SCALE) {
        diag_error(B->diag, loc, "the clean-up call is a percentage of the cut-off balance, above 0%% and below 100%%");
        return;
    }
    d->has_cleanup = 1;
    d->cleanup = fraction;
    d->cleanup_loc = loc;
    push_item(B, IT_CLEANUP, loc, NULL);
}

void build_collateral(ast_builder *B, src_loc loc, const char *group, src_loc gloc, ptrvec lines)
{
    ast_collateral *c = arena_alloc(B->arena, sizeof *c);
    c->group = group;
    c->loc = loc;
    c->group_loc = gloc;
    c->group_idx = -1;
    for (int i = 0; i < lines.n; i++)
        if (lines.v[i]) ptrvec_push(B->arena, &c->lines, lines.v[i]);
    ptrvec_push(B->arena, &B->deal->collateral, c);
    push_item(B, IT_COLLATERAL, loc, c);
}

ast_cline *build_cline_new(ast_builder *B)
{
    return arena_alloc(B->arena, sizeof(ast_cline));
}

static const char *const cline_attr_names[RT_L_COUNT + 1] = {
    [RT_L_BALANCE] = "'balance'", [RT_L_GROSS_RATE] = "'gross rate'", [RT_L_NET_RATE] = "'net rate'",
    [RT_L_ORIGINAL_TERM] = "'original term'", [RT_L_REMAINING_TERM] = "'remaining term'", [RT_L_AGE] = "'age'",
    [RT_L_BALLOON] = "'balloon'", [RT_L_IO_MONTHS] = "'interest only'", [RT_L_INDEX] = "'index'",
    [RT_L_MARGIN] = "'margin'", [RT_L_FIRST_RESET] = "'first reset'", [RT_L_RESET_EVERY] = "'reset every'",
    [RT_L_PERIODIC_CAP] = "'periodic cap'", [RT_L_LIFE_CAP] = "'life cap'", [RT_L_LIFE_FLOOR] = "'life floor'",
    [RT_L_CREDIT_LIMIT] = "'credit limit'", [RT_L_DRAW_TERM] = "'draw term'",
    [CL_FEE] = "'servicing fee'",
};

ast_cline *build_cline_set(ast_builder *B, ast_cline *l, int field, src_loc loc, rt_dec v)
{
    if (l->has[field]) {
        twice(B, loc, l->field_loc[field], cline_attr_names[field]);
        return l;
    }
    l->has[field] = 1;
    l->written[field] = 1;
    l->field[field] = v;
    l->field_loc[field] = loc;
    return l;
}

ast_cline *build_cline_index(ast_builder *B, ast_cline *l, src_loc loc, const char *input)
{
    if (l->index) {
        twice(B, loc, l->index_loc, "'index'");
        return l;
    }
    l->index = input;
    l->index_loc = loc;
    return l;
}

ast_cline *build_cline(ast_builder *B, src_loc loc, const char *name, src_loc nloc, ast_cline *l)
{
    (void)B;
    l->name = name;
    l->loc = loc;
    l->name_loc = nloc;
    return l;
}

void build_amendment_begin(ast_builder *B, src_loc loc, const char *title, src_loc tloc,
                           const char *agreement, src_loc aloc, int dated, int effective, src_loc eloc,
                           const char *under)
{
    ast_amendment *a = arena_alloc(B->arena, sizeof *a);
    a->title = title;
    a->agreement = agreement;
    a->under = under;
    a->loc = loc;
    a->title_loc = tloc;
    a->agreement_loc = aloc;
    a->dated = dated;
    a->effective = effective;
    a->effective_loc = eloc;
    if (effective < dated)
        diag_warning(B->diag, eloc, "the amendment takes effect before the date it was made");
    B->amendment = a;
}

void build_amendment_end(ast_builder *B, src_loc loc)
{
    if (B->amendment) B->amendment->loc = loc;
}

void build_amend_define(ast_builder *B, src_loc loc, ast_amend_kind kind, const char *name, src_loc nloc, ast_expr *e,
                        const char *text)
{
    ast_amend_op *op = arena_alloc(B->arena, sizeof *op);
    op->kind = kind;
    op->loc = loc;
    op->target = name;
    op->target_loc = nloc;
    op->expr = e;
    op->text = text;
    if (B->amendment) ptrvec_push(B->arena, &B->amendment->ops, op);
}

void build_amend_clause(ast_builder *B, src_loc loc, ast_amend_kind kind, const char *target, src_loc tloc,
                        const char *label, src_loc lloc, ast_clause *c)
{
    (void)lloc;
    ast_amend_op *op = arena_alloc(B->arena, sizeof *op);
    op->kind = kind;
    op->loc = loc;
    op->target = target;
    op->target_loc = tloc;
    op->clause = c;
    if (c) op->text = c->text;
    if (c && label) c->label = label;
    if (B->amendment) ptrvec_push(B->arena, &B->amendment->ops, op);
}

/* bison spells aliased tokens with their double quotes: drop them */
static const char *tok_name(ast_builder *B, const char *n)
{
    size_t len = strlen(n);
    if (len >= 2 && n[0] == '"' && n[len - 1] == '"') return arena_strndup(B->arena, n + 1, len - 2);
    return n;
}

void build_syntax_error(ast_builder *B, src_loc loc, const char *unexpected,
                        const char *const *expected, int n)
{
    enum { SHOWN = 5 };
    int more = n > SHOWN;
    char exp[512] = "";
    size_t o = 0;
    int wants_semicolon = 0, wants_expr = 0, wants_close = 0;
    for (int i = 0; i < n; i++) {
        const char *t = tok_name(B, expected[i]);
        if (strcmp(t, "';'") == 0) wants_semicolon = 1;
        if (strcmp(t, "'}'") == 0) wants_close = 1;
        if (strcmp(t, "amount") == 0 || strcmp(t, "number") == 0) wants_expr = 1;
    }
    const char *un = unexpected ? tok_name(B, unexpected) : "input";
    /* A missing ';' is reported where it belongs: after the previous token,
     * when the unexpected token starts a new line. */
    if (wants_semicolon && B->prev_tok.end > 0 && B->prev_tok.line < loc.line && loc.start < B->file->len) {
        src_loc at = B->prev_tok;
        at.col += at.end - at.start;
        at.start = at.end;
        diag *g = diag_error(B->diag, at, "expected ';' at the end of this item");
        diag_note(B->diag, g, loc, "the next item starts here");
        return;
    }
    /* long lists read better summarised: where an expression may start, say
     * so; operators that could continue an expression are "an operator";
     * where a block may close, say that */
    static const char *const operators[] = { "'+'", "'-'", "'*'", "'/'", "'='", "'<'", "'>'", "<=", ">=", "<>",
                                             "'and'", "'or'", "'of'", "'per'" };
    const char *shown[8];
    int nshown = 0, nops = 0;
    for (int i = 0; i < n; i++) {
        const char *t = tok_name(B, expected[i]);
        int op = 0;
        for (size_t k = 0; k < sizeof operators / sizeof operators[0]; k++)
            if (strcmp(t, operators[k]) == 0) op = 1;
        if (op && n > 1) nops++;
        else if (nshown < 8) shown[nshown++] = t;
    }
    /* a lone '=' (after a defined term's name) is punctuation, not "an operator" */
    if (nops == 1 && n > 1)
        for (int i = 0; i < n; i++)
            if (strcmp(tok_name(B, expected[i]), "'='") == 0 && nshown < 8) { shown[nshown++] = "'='"; nops = 0; }
    if (wants_expr && (more || n > 3)) snprintf(exp, sizeof exp, "an expression");
    else if (wants_close && more && nops == 0) snprintf(exp, sizeof exp, "'}' or another item");
    else {
        int total = nshown + (nops > 0), k = 0;
        for (int i = 0; i < nshown && i < SHOWN && o < sizeof exp - 64; i++, k++)
            o += (size_t)snprintf(exp + o, sizeof exp - o, "%s%s", k == 0 ? "" : (k == total - 1) ? " or " : ", ", shown[i]);
        if (nops && o < sizeof exp - 32)
            o += (size_t)snprintf(exp + o, sizeof exp - o, "%san operator", k == 0 ? "" : " or ");
        else if (nshown > SHOWN && o < sizeof exp - 16)
            snprintf(exp + o, sizeof exp - o, ", ...");
    }
    if (n == 0) diag_error(B->diag, loc, "unexpected %s here", un);
    else diag_error(B->diag, loc, "unexpected %s, expected %s", un, exp);
}

/* ---- --emit=ast ---- */

static void dump_dec(FILE *out, rt_dec v)
{
    int neg = v < 0;
    unsigned __int128 u = neg ? -(unsigned __int128)v : (unsigned __int128)v;
    unsigned __int128 ip = u / (unsigned __int128)RT_SCALE, fp = u % (unsigned __int128)RT_SCALE;
    char buf[64];
    int n = 0;
    do { buf[n++] = (char)('0' + (int)(ip % 10)); ip /= 10; } while (ip);
    if (neg) fputc('-', out);
    while (n) fputc(buf[--n], out);
    if (fp) {
        char f[13];
        for (int i = 11; i >= 0; i--) { f[i] = (char)('0' + (int)(fp % 10)); fp /= 10; }
        int e = 12;
        while (e > 0 && f[e - 1] == '0') e--;
        fprintf(out, ".%.*s", e, f);
    }
}

static void dump_classes(FILE *out, const ptrvec *v)
{
    for (int i = 0; i < v->n; i++) {
        const ast_classref *r = v->v[i];
        fprintf(out, "%s\"%s\"", i ? ", " : "", r->first);
        if (r->last) fprintf(out, " .. \"%s\"", r->last);
    }
}

static void dump_expr(FILE *out, const ast_expr *e, int depth)
{
    fprintf(out, "%*s(%s", depth * 2, "", ast_expr_kind_names[e->kind]);
    switch (e->kind) {
    case EX_NUM: fputc(' ', out); dump_dec(out, e->num); fprintf(out, " unit=%d", e->lit_unit); break;
    case EX_NAME: fprintf(out, " \"%s\"", e->name); break;
    case EX_POOL: fprintf(out, " field=%d%s%s%s", e->field, e->name ? " for \"" : "", e->name ? e->name : "", e->name ? "\"" : ""); break;
    case EX_CLASSQ: fprintf(out, " %s ", ast_classq_names[e->field]); dump_classes(out, &e->classes); break;
    /* paid to, drawn from, unreimbursed draws of: which one is the field */
    case EX_PARTYQ: fprintf(out, " field=%d \"%s\"", e->field, e->name); break;
    case EX_HOLDER: fprintf(out, " field=%d \"%s\"", e->field, e->name); break;
    case EX_DISTDATE: fputc(' ', out); dump_dec(out, e->num); break;
    case EX_MIN: case EX_MAX: if (e->field) fputs(" written-as-later-or-earlier", out); break;
    case EX_AVAIL: fprintf(out, " at \"%s\"", e->name); break;
    case EX_GLOBAL: fprintf(out, " field=%d", e->field); break;
    case EX_BIN: fprintf(out, " %s", ast_op_names[e->op]); break;
    default: break;
    }
    const ast_expr *kids[3] = { e->a, e->b, e->c };
    for (int i = 0; i < 3; i++)
        if (kids[i]) { fputc('\n', out); dump_expr(out, kids[i], depth + 1); }
    for (int i = 0; i < e->args.n; i++) { fputc('\n', out); dump_expr(out, e->args.v[i], depth + 1); }
    fputc(')', out);
}

void ast_dump(FILE *out, const ast_deal *d)
{
    /* one name per ast_decl_kind, in its order; the assertion catches a
     * kind added to the enum's end without a name here */
    static const char *const dk[] = { "group", "input",   "party",   "residual", "define", "fund",
                                      "schedule", "account", "insurer", "trigger", "date" };
    _Static_assert(sizeof dk / sizeof dk[0] == DK_DATE + 1, "a declaration kind without a name");
    fprintf(out, "(deal \"%s\" closing=%d first_payment=%d payment_day=%d bdc=%d\n",
            d->name, d->closing, d->first_payment, d->payment_day, d->bdc);
    if (d->retired_zero) fputs("  (retired-classes-show-zero)\n", out);
    for (int i = 0; i < d->decls.n; i++) {
        const ast_decl *x = d->decls.v[i];
        fprintf(out, "  (%s \"%s\"", dk[x->kind], x->name);
        if (x->kind == DK_INPUT) fprintf(out, " unit=%d", x->unit);
        /* what changes a declaration's meaning besides its expression, so
         * that fmt's same-tree check (tests/fmt.sh) sees it */
        if (x->kind == DK_TRIGGER && x->sticky) fputs(" once-in-effect-remains", out);
        if (x->kind == DK_ACCOUNT && x->has_initial) { fputs(" initial=", out); dump_dec(out, x->initial); }
        if (x->text) fprintf(out, " text=\"%s\"", x->text);
        if (x->reconstructed) fprintf(out, " reconstructed=\"%s\"", x->reconstructed);
        if (x->expr) { fputc('\n', out); dump_expr(out, x->expr, 2); }
        if (x->interest) { fprintf(out, "\n    (interest\n"); dump_expr(out, x->interest, 3); fputc(')', out); }
        for (int j = 0; j < x->entries.n; j++) {
            const ast_sched_entry *s = x->entries.v[j];
            fprintf(out, "\n    (entry %d %d\n", s->from, s->to);
            dump_expr(out, s->value, 3);
            fputc(')', out);
        }
        fputs(")\n", out);
    }
    for (int i = 0; i < d->classes.n; i++) {
        const ast_class *c = d->classes.v[i];
        fprintf(out, "  (class \"%s\" original=", c->name);
        dump_dec(out, c->original);
        fprintf(out, " accrual=%d", c->accrual);
        if (c->has_delay) fprintf(out, " delay=%d", (int)(c->delay / RT_SCALE));
        if (c->notional) fprintf(out, " notional=\"%s\"", c->notional);
        if (c->has_maximum) { fputs(" maximum=", out); dump_dec(out, c->maximum); }
        if (c->text) fprintf(out, " text=\"%s\"", c->text);
        if (c->reconstructed) fprintf(out, " reconstructed=\"%s\"", c->reconstructed);
        if (c->coupon) { fputc('\n', out); dump_expr(out, c->coupon, 2); }
        if (c->cap) { fputs("\n    (cap\n", out); dump_expr(out, c->cap, 3); fputc(')', out); }
        fputs(")\n", out);
    }
    for (int i = 0; i < d->waterfalls.n; i++) {
        const ast_waterfall *w = d->waterfalls.v[i];
        fprintf(out, "  (priority \"%s\" from \"%s\"\n", w->section, w->fund);
        if (w->guard) { fputs("    (when\n", out); dump_expr(out, w->guard, 3); fputs(")\n", out); }
        for (int j = 0; j < w->clauses.n; j++) {
            const ast_clause *c = w->clauses.v[j];
            /* one name per ast_clause_kind, in its order (a draw or a
             * purchase indexed past a shorter table) */
            static const char *const ck[] = { "pay-party",         "pay-interest",   "pay-principal",
                                              "pay-unpaid-interest", "pay-unpaid-losses", "pay-basis-risk",
                                              "pay-reimbursement", "draw",           "purchase" };
            _Static_assert(sizeof ck / sizeof ck[0] == CL_PURCHASE + 1, "a clause kind without a name");
            static const char *const ord[] = { "", " sequentially", " pro-rata" };
            fprintf(out, "    (clause %s %s%s to ", c->label, ck[c->kind], ord[c->order]);
            dump_classes(out, &c->payees);
            if (c->source) fprintf(out, " source=\"%s\"", c->source);
            if (c->remainder) fputs(" remainder", out);
            if (c->text) fprintf(out, " text=\"%s\"", c->text);
            if (c->reconstructed) fprintf(out, " reconstructed=\"%s\"", c->reconstructed);
            if (c->amount) { fputc('\n', out); dump_expr(out, c->amount, 3); }
            if (c->upto) { fputs("\n      (up-to\n", out); dump_expr(out, c->upto, 4); fputc(')', out); }
            fputs(")\n", out);
        }
        fputs("  )\n", out);
    }
    for (int i = 0; i < d->allocs.n; i++) {
        const ast_alloc *al = d->allocs.v[i];
        fprintf(out, "  (allocation \"%s\"\n", al->section);
        dump_expr(out, al->against, 2);
        for (int j = 0; j < al->steps.n; j++) {
            const ast_alloc_step *st = al->steps.v[j];
            static const char *const ord[] = { "", " sequentially", " pro-rata" };
            fprintf(out, "\n    (write-down %s%s ", st->label, ord[st->order]);
            dump_classes(out, &st->payees);
            if (st->text) fprintf(out, " text=\"%s\"", st->text);
            fputc(')', out);
        }
        fputs(")\n", out);
    }
    if (d->has_cutoff) fprintf(out, "  (cutoff %d)\n", d->cutoff);
    if (d->has_cleanup) { fputs("  (cleanup-call ", out); dump_dec(out, d->cleanup); fputs(")\n", out); }
    for (int i = 0; i < d->collateral.n; i++) {
        const ast_collateral *c = d->collateral.v[i];
        fprintf(out, "  (collateral \"%s\"\n", c->group);
        for (int j = 0; j < c->lines.n; j++) {
            const ast_cline *l = c->lines.v[j];
            fprintf(out, "    (line \"%s\"", l->name);
            for (int f = 0; f <= RT_L_COUNT; f++)
                if (l->has[f]) { fprintf(out, " %d=", f); dump_dec(out, l->field[f]); }
            if (l->index) fprintf(out, " index=\"%s\"", l->index);
            fputs(")\n", out);
        }
        fputs("  )\n", out);
    }
    for (int i = 0; i < d->sections.n; i++) {
        const ast_section *s = d->sections.v[i];
        fprintf(out, "  (section \"%s\" text=\"%s\"", s->label, s->text);
        if (s->reconstructed) fprintf(out, " reconstructed=\"%s\"", s->reconstructed);
        fputs(")\n", out);
    }
    for (int i = 0; i < d->lines.n; i++) {
        const ast_line *l = d->lines.v[i];
        if (!l->label) { fputs("  (line classes)\n", out); continue; }
        fprintf(out, "  (line \"%s\"\n", l->label);
        dump_expr(out, l->expr, 2);
        fputs(")\n", out);
    }
    fputs(")\n", out);
}
