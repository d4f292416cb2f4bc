/*
 * deal.c — the deal description (rt_deal) that dealc_describe builds, the
 * waterfall's stops (rt_fail, worded with the clause and figures), and the
 * text of the `describe` command. The run's failure record is in run.c.
 *
 * Generated code passes string literals that may not outlive the call (the
 * JIT frees its module), so every string is copied. An allocation failure
 * marks the deal (oom) and rt_main refuses to run it, which keeps the
 * rt_add_* signatures free of error handling in generated code.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

static char *dup_str(rt_deal *d, const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p) {
        d->oom = 1;
        return NULL;
    }
    memcpy(p, s, n);
    return p;
}

/* Grows a vector to hold one more element; returns 0 (and marks oom). */
static int vec_grow(rt_deal *d, void **v, int32_t n, int32_t *cap, size_t elem)
{
    if (n < *cap)
        return 1;
    int32_t nc = *cap ? *cap * 2 : 8;
    if (nc > (1 << 24)) {
        d->oom = 1;
        return 0;
    }
    void *p = realloc(*v, (size_t)nc * elem);
    if (!p) {
        d->oom = 1;
        return 0;
    }
    *v = p;
    *cap = nc;
    return 1;
}

#define VEC_PUSH(d, vec, value)                                                   \
    (vec_grow((d), (void **)&(vec).v, (vec).n, &(vec).cap, sizeof *(vec).v)        \
         ? ((vec).v[(vec).n] = (value), (vec).n++)                                 \
         : -1)

static void relayout(rt_deal *d)
{
    rt_layout *l = &d->layout;
    l->ngroups = d->groups.n;
    l->nclasses = d->classes.n;
    l->ninputs = d->inputs.n;
    l->ndefs = d->defs.n;
    l->nlines = d->lines.n;
    l->nfunds = d->funds.n;
    l->nparties = d->parties.n;
    l->nclauses = d->clauses.n;
    l->nmemory = d->memory.n;
    l->nallocs = d->allocs.n;
    rt_layout_compute(l);
}

rt_deal *rt_deal_new(void)
{
    rt_deal *d = calloc(1, sizeof *d);
    if (d)
        relayout(d);
    return d;
}

void rt_deal_free(rt_deal *d)
{
    if (!d)
        return;
    free(d->name);
    free(d->source);
    free(d->built_by);
    free(d->sources_hash);
    for (int32_t i = 0; i < d->groups.n; i++)
        free(d->groups.v[i]);
    for (int32_t i = 0; i < d->classes.n; i++)
        free(d->classes.v[i].name);
    for (int32_t i = 0; i < d->parties.n; i++)
        free(d->parties.v[i].name);
    for (int32_t i = 0; i < d->inputs.n; i++)
        free(d->inputs.v[i].name);
    for (int32_t i = 0; i < d->defs.n; i++)
        free(d->defs.v[i].name);
    for (int32_t i = 0; i < d->lines.n; i++)
        free(d->lines.v[i].name);
    for (int32_t i = 0; i < d->funds.n; i++)
        free(d->funds.v[i].name);
    for (int32_t i = 0; i < d->memory.n; i++)
        free(d->memory.v[i].name);
    for (int32_t i = 0; i < d->allocs.n; i++)
        free(d->allocs.v[i]);
    free(d->memory.v);
    free(d->allocs.v);
    free(d->initial.v);
    for (int32_t i = 0; i < d->clauses.n; i++) {
        free(d->clauses.v[i].label);
        free(d->clauses.v[i].payee);
    }
    for (int32_t i = 0; i < d->sites.n; i++)
        free(d->sites.v[i].what);
    free(d->collateral.v);
    for (int32_t i = 0; i < d->clause_docs.n; i++) {
        rt_clause_doc_t *c = &d->clause_docs.v[i];
        free(c->label);
        free(c->formula);
        free(c->text);
        free(c->amended_by);
        free(c->note);
    }
    free(d->clause_docs.v);
    for (int32_t i = 0; i < d->def_docs.n; i++) {
        free(d->def_docs.v[i].formula);
        free(d->def_docs.v[i].text);
        free(d->def_docs.v[i].amended_by);
        free(d->def_docs.v[i].note);
    }
    free(d->def_docs.v);
    for (int32_t i = 0; i < d->def_uses.n; i++)
        free(d->def_uses.v[i].label);
    free(d->def_uses.v);
    free(d->cutoff_balance.v);
    free(d->groups.v);
    free(d->classes.v);
    free(d->parties.v);
    free(d->inputs.v);
    free(d->defs.v);
    free(d->lines.v);
    free(d->funds.v);
    free(d->clauses.v);
    free(d->sites.v);
    free(d);
}

const rt_layout *rt_deal_layout(const rt_deal *d)
{
    return &d->layout;
}

void rt_deal_name(rt_deal *d, const char *name)
{
    free(d->name);
    d->name = dup_str(d, name);
}

void rt_deal_dates(rt_deal *d, int32_t closing, int32_t first_payment, int32_t payment_day,
                   int32_t bdc)
{
    d->closing = closing;
    d->first_payment = first_payment;
    d->payment_day = payment_day;
    d->bdc = bdc;
    d->dates_set = 1;
}

void rt_set_source(rt_deal *d, const char *file)
{
    free(d->source);
    d->source = dup_str(d, file);
}

void rt_set_build(rt_deal *d, const char *version, const char *sources)
{
    free(d->built_by);
    free(d->sources_hash);
    d->built_by = dup_str(d, version);
    d->sources_hash = dup_str(d, sources);
}

int32_t rt_add_group(rt_deal *d, const char *name)
{
    char *s = dup_str(d, name);
    if (!s)
        return -1;
    int32_t i = VEC_PUSH(d, d->groups, s);
    if (i < 0)
        free(s);
    relayout(d);
    return i;
}

int32_t rt_add_class(rt_deal *d, const char *name, int64_t original_cents, int32_t kind,
                     int32_t daycount)
{
    rt_class_info c = {dup_str(d, name), original_cents, kind, daycount, 0, -1, 0, 0};
    if (!c.name)
        return -1;
    int32_t i = VEC_PUSH(d, d->classes, c);
    if (i < 0)
        free(c.name);
    relayout(d);
    return i;
}

int32_t rt_add_party(rt_deal *d, const char *name, int32_t role)
{
    rt_party_info p = {dup_str(d, name), role == RT_PARTY_RESIDUAL, role == RT_PARTY_INSURER};
    if (p.is_insurer)
        d->has_insurers = 1;
    if (!p.name)
        return -1;
    int32_t i = VEC_PUSH(d, d->parties, p);
    if (i < 0)
        free(p.name);
    relayout(d);
    return i;
}

static int32_t add_named(rt_deal *d, rt_named_vec *vec, const char *name, int32_t unit)
{
    rt_named x = {dup_str(d, name), unit};
    if (!x.name)
        return -1;
    int32_t i = VEC_PUSH(d, *vec, x);
    if (i < 0)
        free(x.name);
    relayout(d);
    return i;
}

int32_t rt_add_input(rt_deal *d, const char *name, int32_t unit)
{
    return add_named(d, &d->inputs, name, unit);
}

int32_t rt_add_def(rt_deal *d, const char *name, int32_t unit)
{
    return add_named(d, &d->defs, name, unit);
}

int32_t rt_add_line(rt_deal *d, const char *label, int32_t unit)
{
    return add_named(d, &d->lines, label, unit);
}

int32_t rt_add_fund(rt_deal *d, const char *name, int32_t is_account)
{
    rt_fund_info f = {dup_str(d, name), is_account != 0};
    if (!f.name)
        return -1;
    int32_t i = VEC_PUSH(d, d->funds, f);
    if (i < 0)
        free(f.name);
    if (f.is_account)
        d->has_accounts = 1;
    relayout(d);
    return i;
}

void rt_clause_flow(rt_deal *d, int32_t clause, int32_t flow, int32_t target)
{
    /* generated code passes valid indexes; anything else is caught by
     * rt_deal_validate, which checks every target against its table */
    if (clause < 0 || clause >= d->clauses.n)
        return;
    d->clauses.v[clause].flow = flow;
    d->clauses.v[clause].target = target;
    if (flow != RT_FLOW_CLASSES && flow != RT_FLOW_PARTY)
        d->has_flows = 1;
}

void rt_set_class_maximum(rt_deal *d, int32_t cls, int64_t maximum_cents)
{
    if (cls < 0 || cls >= d->classes.n)
        return;
    d->classes.v[cls].maximum_cents = maximum_cents;
    d->has_variable = 1;
}

int32_t rt_add_memory(rt_deal *d, const char *name, int32_t kind)
{
    rt_memory_info m = {dup_str(d, name), kind};
    if (!m.name)
        return -1;
    int32_t i = VEC_PUSH(d, d->memory, m);
    if (i < 0)
        free(m.name);
    relayout(d);
    return i;
}

int32_t rt_add_alloc(rt_deal *d, const char *label)
{
    char *s = dup_str(d, label);
    if (!s)
        return -1;
    int32_t i = VEC_PUSH(d, d->allocs, s);
    if (i < 0)
        free(s);
    d->has_allocs = 1;
    relayout(d);
    return i;
}

void rt_alloc_class(rt_deal *d, int32_t alloc, int32_t cls)
{
    if (cls < 0 || cls >= d->classes.n || alloc < 0 || alloc >= d->allocs.n)
        return;
    /* a second allocation of one class is a description error (validate) */
    d->classes.v[cls].alloc = d->classes.v[cls].alloc < 0 ? alloc : -2;
}

void rt_def_info(rt_deal *d, int32_t def, const char *formula, const char *text, const char *amended_by,
                 int32_t effective)
{
    if (def < 0 || def > (1 << 24))
        return;
    rt_def_doc x = {def, dup_str(d, formula), dup_str(d, text), dup_str(d, amended_by), NULL, effective};
    if (VEC_PUSH(d, d->def_docs, x) < 0) {
        free(x.formula);
        free(x.text);
        free(x.amended_by);
    }
}

/* the latest version registered for a definition, or -1 */
static int32_t def_version(const rt_deal *d, int32_t def)
{
    for (int32_t i = d->def_docs.n - 1; i >= 0; i--)
        if (d->def_docs.v[i].def == def)
            return i;
    return -1;
}

void rt_def_use(rt_deal *d, int32_t def, const char *label, int32_t slot, int32_t unit, int32_t def_ref)
{
    rt_def_ref r = {def, slot, unit, def_ref, dup_str(d, label), def_version(d, def)};
    if (!r.label || VEC_PUSH(d, d->def_uses, r) < 0)
        free(r.label);
}

void rt_clause_doc(rt_deal *d, int32_t clause, const char *label, const char *formula, const char *text,
                   const char *amended_by, int32_t from, int32_t to)
{
    if (clause < 0 || clause > (1 << 24))
        return;
    while (d->clause_docs.n <= clause) {
        rt_clause_doc_t z;
        memset(&z, 0, sizeof z);
        if (VEC_PUSH(d, d->clause_docs, z) < 0)
            return;
    }
    rt_clause_doc_t *c = &d->clause_docs.v[clause];
    free(c->label);
    free(c->formula);
    free(c->text);
    free(c->amended_by);
    c->label = dup_str(d, label);
    c->formula = dup_str(d, formula);
    c->text = dup_str(d, text);
    c->amended_by = dup_str(d, amended_by);
    c->from = from;
    c->to = to;
}

void rt_add_note(rt_deal *d, int32_t what, int32_t index, const char *note)
{
    char **slot = NULL;
    if (what == RT_NOTE_DEF) {
        int32_t v = def_version(d, index);
        if (v >= 0)
            slot = &d->def_docs.v[v].note;
    } else if (what == RT_NOTE_CLAUSE && index >= 0 && index < d->clause_docs.n) {
        slot = &d->clause_docs.v[index].note;
    }
    if (!slot)
        return;
    free(*slot);
    *slot = dup_str(d, note);
}

int32_t rt_add_collateral(rt_deal *d, int32_t group)
{
    rt_collateral_line l;
    memset(&l, 0, sizeof l);
    l.group = group;
    l.field[RT_L_INDEX] = -RT_SCALE;
    return VEC_PUSH(d, d->collateral, l);
}

void rt_set_collateral(rt_deal *d, int32_t line, int32_t field, rt_dec value)
{
    /* generated code passes only valid indexes; a hand-written caller that
     * does not is ignored rather than trusted */
    if (line < 0 || line >= d->collateral.n || field < 0 || field >= RT_L_COUNT)
        return;
    d->collateral.v[line].field[field] = value;
}

void rt_deal_setting(rt_deal *d, int32_t key, int32_t group, rt_dec value)
{
    if (key < 0 || key >= RT_SET_COUNT)
        return;
    if (key == RT_SET_PAYMENT_DELAY) {
        /* per class, for the analytics; the deal-wide value means nothing */
        if (group >= 0 && group < d->classes.n && value >= 0 && value <= 365 * RT_SCALE)
            d->classes.v[group].delay = (int32_t)(value / RT_SCALE);
        return;
    }
    if (key == RT_SET_CLASS_CAPPED) {
        if (group >= 0 && group < d->classes.n) {
            d->classes.v[group].capped = value != 0;
            d->has_caps = 1;
        }
        return;
    }
    if (key == RT_SET_CUTOFF_BALANCE || key == RT_SET_INITIAL_BALANCE) {
        if (group < 0 || group > (1 << 24))
            return;
        if (key == RT_SET_CUTOFF_BALANCE) {
            while (d->cutoff_balance.n <= group)
                if (VEC_PUSH(d, d->cutoff_balance, 0) < 0)
                    return;
            d->cutoff_balance.v[group] = value;
        } else {
            while (d->initial.n <= group)
                if (VEC_PUSH(d, d->initial, 0) < 0)
                    return;
            d->initial.v[group] = value;
        }
    }
    d->settings[key] = value;
    d->settings_given[key] = 1;
}

int32_t rt_add_clause(rt_deal *d, const char *label, int32_t fund, const char *payee)
{
    rt_clause_info c = {dup_str(d, label), fund, dup_str(d, payee), RT_FLOW_CLASSES, -1};
    if (!c.label || !c.payee) {
        free(c.label);
        free(c.payee);
        return -1;
    }
    int32_t i = VEC_PUSH(d, d->clauses, c);
    if (i < 0) {
        free(c.label);
        free(c.payee);
    }
    relayout(d);
    return i;
}

int32_t rt_add_site(rt_deal *d, const char *what, int32_t line, int32_t col)
{
    rt_site s = {dup_str(d, what), line, col};
    if (!s.what)
        return -1;
    int32_t i = VEC_PUSH(d, d->sites, s);
    if (i < 0)
        free(s.what);
    return i;
}
/* ---- a waterfall that cannot run --------------------------------------- */

int32_t rt_fail(rt_run *run, int32_t what, int32_t index, rt_dec a, rt_dec b)
{
    if (!run || run->failed)
        return 0;
    const rt_deal *d = run->deal;
    char x[RT_NUMBUF], y[RT_NUMBUF];
    const rt_clause_info *cl = d && index >= 0 && index < d->clauses.n ? &d->clauses.v[index] : NULL;
    const char *label = cl ? cl->label : "?", *payee = cl ? cl->payee : "?";
    switch (what) {
    case RT_FAIL_NEGATIVE_AMOUNT:
        rt_run_fail(run, -1,
                    "clause %s (%s): the amount to pay is %s, below zero (a payment is never negative; where "
                    "the agreement means \"if any\", write max(..., $0.00))",
                    label, payee, rt_fmt_money(x, a, 1, 1));
        break;
    case RT_FAIL_ABOVE_MAXIMUM:
        rt_run_fail(run, -1, "clause %s draws %s %s, but only %s is left under its maximum", label,
                    rt_fmt_money(x, a, 1, 1), payee, rt_fmt_money(y, b, 1, 1));
        break;
    case RT_FAIL_NEGATIVE_DEPOSIT: {
        const char *name = d && index >= 0 && index < d->funds.n ? d->funds.v[index].name : "?";
        int account = d && index >= 0 && index < d->funds.n && d->funds.v[index].is_account;
        rt_run_fail(run, -1,
                    "%s \"%s\" %s %s, below zero: nothing may be paid from less than nothing (the deal "
                    "must say where a shortfall comes from: an account, a variable pay note or the insurer)",
                    account ? "account" : "fund", name, account ? "earned" : "would receive",
                    rt_fmt_money(x, a, 1, 1));
        break;
    }
    case RT_FAIL_NEGATIVE_CAP: {
        const char *name = d && index >= 0 && index < d->classes.n ? d->classes.v[index].name : "?";
        char r[RT_NUMBUF];
        rt_run_fail(run, -1, "the coupon cap of class \"%s\" is %s%%, below zero", name, rt_fmt_percent_trim(r, a));
        break;
    }
    default:
        rt_run_fail(run, -1, "the deal stopped (reason %d)", (int)what);
    }
    return 0;
}

/* ---- validation and describe ------------------------------------------------ */

int rt_deal_validate(const rt_deal *d, char *msg, size_t msgsize)
{
    if (d->oom) {
        snprintf(msg, msgsize, "out of memory while describing the deal");
        return 0;
    }
    if (!d->name || !d->name[0]) {
        snprintf(msg, msgsize, "the deal has no name");
        return 0;
    }
    if (!d->dates_set) {
        snprintf(msg, msgsize, "the deal has no dates");
        return 0;
    }
    if (d->payment_day < 1 || d->payment_day > 31) {
        snprintf(msg, msgsize, "payment day %d is not a day of the month", (int)d->payment_day);
        return 0;
    }
    if (d->bdc < RT_BDC_NONE || d->bdc > RT_BDC_MODIFIED_FOLLOWING) {
        snprintf(msg, msgsize, "unknown business day convention %d", (int)d->bdc);
        return 0;
    }
    char a[11], b[11];
    int y, m, dd;
    rt_civil_from_days(d->closing, &y, &m, &dd);
    if (y < 1000 || y > 9000) {
        snprintf(msg, msgsize, "closing date out of range");
        return 0;
    }
    if (d->first_payment <= d->closing) {
        snprintf(msg, msgsize, "first payment date %s is not after the closing date %s",
                 rt_date_format(a, d->first_payment), rt_date_format(b, d->closing));
        return 0;
    }
    rt_civil_from_days(d->first_payment, &y, &m, &dd);
    if (y > 9000) {
        snprintf(msg, msgsize, "first payment date out of range");
        return 0;
    }
    if (d->groups.n == 0) {
        snprintf(msg, msgsize, "the deal has no collateral groups");
        return 0;
    }
    for (int32_t i = 0; i < d->classes.n; i++) {
        const rt_class_info *c = &d->classes.v[i];
        if (c->original_cents < 0 || (c->original_cents == 0 && c->maximum_cents <= 0)) {
            /* every factor divides by it, and balances are held to it */
            snprintf(msg, msgsize, "class \"%s\" has an original balance of %lld cents (it must be more than 0)",
                     c->name, (long long)c->original_cents);
            return 0;
        }
        if ((c->kind != RT_CLASS_PRINCIPAL && c->kind != RT_CLASS_NOTIONAL) ||
            (c->daycount != RT_DC_30_360 && c->daycount != RT_DC_ACT_360) ||
            (c->maximum_cents != 0 && c->maximum_cents < c->original_cents)) {
            snprintf(msg, msgsize, "class \"%s\" is described inconsistently", c->name);
            return 0;
        }
    }
    for (int32_t i = 0; i < d->inputs.n; i++)
        if (d->inputs.v[i].unit < RT_UNIT_MONEY || d->inputs.v[i].unit > RT_UNIT_BOOL) {
            snprintf(msg, msgsize, "input \"%s\" has an unknown unit", d->inputs.v[i].name);
            return 0;
        }
    for (int32_t i = 0; i < d->lines.n; i++)
        if (d->lines.v[i].unit < RT_UNIT_MONEY || d->lines.v[i].unit > RT_UNIT_BOOL) {
            snprintf(msg, msgsize, "statement line \"%s\" has an unknown unit", d->lines.v[i].name);
            return 0;
        }
    for (int32_t i = 0; i < d->clauses.n; i++) {
        const rt_clause_info *c = &d->clauses.v[i];
        if (c->fund < 0 || c->fund >= d->funds.n) {
            snprintf(msg, msgsize, "clause %s draws on an unknown fund", c->label);
            return 0;
        }
        int32_t n = -1;
        switch (c->flow) {
        case RT_FLOW_CLASSES: n = 0; break;
        case RT_FLOW_PARTY: case RT_FLOW_REIMBURSE: case RT_FLOW_DRAW_PARTY: n = d->parties.n; break;
        case RT_FLOW_HOLDER: case RT_FLOW_DRAW_HOLDER: n = d->funds.n; break;
        case RT_FLOW_PURCHASE: n = d->groups.n; break;
        case RT_FLOW_DRAW_CLASS: n = d->classes.n; break;
        }
        int ok = n == 0 ? c->target == -1 : n > 0 && c->target >= 0 && c->target < n;
        if (ok && (c->flow == RT_FLOW_REIMBURSE || c->flow == RT_FLOW_DRAW_PARTY))
            ok = d->parties.v[c->target].is_insurer;
        if (ok && (c->flow == RT_FLOW_HOLDER || c->flow == RT_FLOW_DRAW_HOLDER))
            ok = c->target != c->fund && (c->flow == RT_FLOW_HOLDER || d->funds.v[c->target].is_account);
        if (ok && c->flow == RT_FLOW_DRAW_CLASS)
            ok = d->classes.v[c->target].maximum_cents > 0;
        if (!ok) {
            snprintf(msg, msgsize, "clause %s is described inconsistently", c->label);
            return 0;
        }
    }
    for (int32_t i = 0; i < d->classes.n; i++)
        if (d->classes.v[i].alloc == -2 ||
            (d->classes.v[i].maximum_cents > 0 && d->classes.v[i].kind != RT_CLASS_PRINCIPAL)) {
            snprintf(msg, msgsize, "class \"%s\" is described inconsistently", d->classes.v[i].name);
            return 0;
        }
    for (int32_t i = 0; i < d->memory.n; i++)
        if (d->memory.v[i].kind < RT_MEM_TRIGGER || d->memory.v[i].kind > RT_MEM_DATE) {
            snprintf(msg, msgsize, "\"%s\" is remembered in an unknown way", d->memory.v[i].name);
            return 0;
        }
    return 1;
}

static const char *unit_name(int32_t u)
{
    switch (u) {
    case RT_UNIT_MONEY: return "money";
    case RT_UNIT_RATE: return "rate";
    case RT_UNIT_NUMBER: return "number";
    case RT_UNIT_COUNT: return "count";
    case RT_UNIT_DATE: return "date";
    case RT_UNIT_BOOL: return "yes/no";
    }
    return "?";
}

static const char *unit_hint(int32_t u)
{
    switch (u) {
    case RT_UNIT_MONEY: return "amount, e.g. 1,234.56";
    case RT_UNIT_RATE: return "percent with a % sign, e.g. 1.10%";
    case RT_UNIT_NUMBER: return "decimal number, e.g. 0.25";
    case RT_UNIT_COUNT: return "whole number, e.g. 1,204";
    case RT_UNIT_DATE: return "date as YYYY-MM-DD";
    case RT_UNIT_BOOL: return "yes/no";
    }
    return "?";
}

/* The CSV column name for an input: the normalised form the reader accepts. */
static void column_name(char *out, size_t outsize, const char *name)
{
    size_t o = 0;
    for (const char *p = name; *p && o + 1 < outsize; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '_')
            c = '_';
        else if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        out[o++] = c;
    }
    out[o] = '\0';
}

void rt_deal_describe_text(const rt_deal *d, rt_buf *out)
{
    static const char *bdc_names[] = {"none (paid on the day)", "following business day",
                                      "modified following business day"};
    char a[11], b[11], num[RT_NUMBUF];
    rt_buf_printf(out, "Deal: %s\n", d->name);
    if (d->source)
        rt_buf_printf(out, "Source: %s\n", d->source);
    rt_buf_printf(out, "Closing date: %s\n", rt_date_format(a, d->closing));
    rt_buf_printf(out, "First payment date: %s (as paid: %s)\n", rt_date_format(a, d->first_payment),
                  rt_date_format(b, rt_payment_date(d, 1)));
    rt_buf_printf(out, "Payment day: %d of each month, %s\n", (int)d->payment_day,
                  d->bdc >= 0 && d->bdc <= 2 ? bdc_names[d->bdc] : "?");

    rt_buf_printf(out, "\nGroups (%d):\n", (int)d->groups.n);
    for (int32_t i = 0; i < d->groups.n; i++)
        rt_buf_printf(out, "  %s\n", d->groups.v[i]);

    rt_buf_printf(out, "\nClasses (%d):\n", (int)d->classes.n);
    for (int32_t i = 0; i < d->classes.n; i++) {
        const rt_class_info *c = &d->classes.v[i];
        rt_buf_printf(out, "  %-12s original %20s  %-9s %s", c->name,
                      rt_fmt_money(num, (rt_dec)c->original_cents * RT_CENT, 1, 1),
                      c->kind == RT_CLASS_NOTIONAL ? "notional" : "principal",
                      c->daycount == RT_DC_ACT_360 ? "actual/360" : "30/360");
        if (c->delay > 0)
            rt_buf_printf(out, "  delay %d days", (int)c->delay);
        rt_buf_putc(out, '\n');
    }

    rt_buf_puts(out, "\nRemittance CSV columns, one row per payment date and group:\n");
#define RT_COL_NAME(n, s) s,
    static const char *std[] = {"payment_date", "group", RT_GROUP_REPORTED(RT_COL_NAME)};
#undef RT_COL_NAME
    static const char *std_hint[] = {"YYYY-MM-DD",
                                     "group name",
                                     "amount",
                                     "amount",
                                     "amount, empty means 0",
                                     "amount, empty means 0",
                                     "amount, empty means 0",
                                     "amount, empty means 0",
                                     "whole number",
                                     "amount of loans conveyed to the pool; empty or left out means 0"};
    _Static_assert(sizeof std / sizeof std[0] == sizeof std_hint / sizeof std_hint[0], "a hint per column");
    for (size_t i = 0; i < sizeof std / sizeof std[0]; i++) {
        /* additions only for a deal that buys them */
        if (i == 2 + RT_GR_ADDITIONAL_BALANCES && !d->has_flows)
            continue;
        rt_buf_printf(out, "  %-26s %s\n", std[i], std_hint[i]);
    }
    rt_buf_printf(out, "\nInputs (%d), one extra CSV column each; same value in every row of a date:\n",
                  (int)d->inputs.n);
    for (int32_t i = 0; i < d->inputs.n; i++) {
        char col[256];
        column_name(col, sizeof col, d->inputs.v[i].name);
        rt_buf_printf(out, "  \"%s\"  column %s  (%s: %s)\n", d->inputs.v[i].name, col,
                      unit_name(d->inputs.v[i].unit), unit_hint(d->inputs.v[i].unit));
    }

    rt_buf_printf(out, "\nDefinitions (%d):\n", (int)d->defs.n);
    for (int32_t i = 0; i < d->defs.n; i++)
        rt_buf_printf(out, "  %s (%s)\n", d->defs.v[i].name, unit_name(d->defs.v[i].unit));

    rt_buf_printf(out, "\nStatement lines (%d):\n", (int)d->lines.n);
    for (int32_t i = 0; i < d->lines.n; i++) {
        if (!d->lines.v[i].name[0])
            rt_buf_puts(out, "  [class table]\n");
        else
            rt_buf_printf(out, "  %s (%s)\n", d->lines.v[i].name, unit_name(d->lines.v[i].unit));
    }

    rt_buf_printf(out, "\nParties (%d):\n", (int)d->parties.n);
    for (int32_t i = 0; i < d->parties.n; i++)
        rt_buf_printf(out, "  %s%s\n", d->parties.v[i].name,
                      d->parties.v[i].is_residual ? " (residual)" : d->parties.v[i].is_insurer ? " (insurer)" : "");

    rt_buf_printf(out, "\nFunds (%d):\n", (int)d->funds.n);
    for (int32_t i = 0; i < d->funds.n; i++)
        rt_buf_printf(out, "  %s%s\n", d->funds.v[i].name, d->funds.v[i].is_account ? " (account)" : "");
    if (d->memory.n) {
        rt_buf_printf(out, "\nTriggers and dates (%d):\n", (int)d->memory.n);
        for (int32_t i = 0; i < d->memory.n; i++)
            rt_buf_printf(out, "  %s (%s)\n", d->memory.v[i].name,
                          d->memory.v[i].kind == RT_MEM_DATE     ? "date"
                          : d->memory.v[i].kind == RT_MEM_STICKY ? "trigger, once in effect remains in effect"
                                                                 : "trigger");
    }

    if (d->collateral.n > 0) {
        /* only deals that declare collateral get this section, so the
         * output of older deals is unchanged */
        rt_buf_printf(out, "\nCollateral lines, for projections (%d):\n", (int)d->collateral.n);
        for (int32_t i = 0; i < d->collateral.n; i++) {
            const rt_collateral_line *cl = &d->collateral.v[i];
            const rt_dec *f = cl->field;
            char g[RT_NUMBUF], n[RT_NUMBUF];
            rt_buf_printf(out, "  %s: %s at %s%% gross, %s%% net, term %d/%d months, age %d",
                          cl->group >= 0 && cl->group < d->groups.n ? d->groups.v[cl->group] : "?",
                          rt_fmt_money(num, f[RT_L_BALANCE], 1, 1), rt_fmt_percent_trim(g, f[RT_L_GROSS_RATE]),
                          rt_fmt_percent_trim(n, f[RT_L_NET_RATE]), (int)(f[RT_L_REMAINING_TERM] / RT_SCALE),
                          (int)(f[RT_L_ORIGINAL_TERM] / RT_SCALE), (int)(f[RT_L_AGE] / RT_SCALE));
            if (f[RT_L_IO_MONTHS] > 0)
                rt_buf_printf(out, ", %d months interest only", (int)(f[RT_L_IO_MONTHS] / RT_SCALE));
            if (f[RT_L_BALLOON] > 0)
                rt_buf_printf(out, ", balloon at %d", (int)(f[RT_L_BALLOON] / RT_SCALE));
            int32_t ix = (int32_t)(f[RT_L_INDEX] / RT_SCALE);
            if (f[RT_L_INDEX] >= 0 && ix < d->inputs.n)
                rt_buf_printf(out, ", adjustable on \"%s\" + %s%% from age %d every %d", d->inputs.v[ix].name,
                              rt_fmt_percent_trim(g, f[RT_L_MARGIN]), (int)(f[RT_L_FIRST_RESET] / RT_SCALE),
                              (int)(f[RT_L_RESET_EVERY] / RT_SCALE));
            if (f[RT_L_CREDIT_LIMIT] > 0)
                rt_buf_printf(out, ", revolving: credit limit %s", rt_fmt_money(g, f[RT_L_CREDIT_LIMIT], 1, 1));
            if (f[RT_L_DRAW_TERM] > 0)
                rt_buf_printf(out, ", draws to month %d of age", (int)(f[RT_L_DRAW_TERM] / RT_SCALE));
            rt_buf_putc(out, '\n');
        }
        if (d->settings_given[RT_SET_CUTOFF_DATE])
            rt_buf_printf(out, "  cut-off date %s\n",
                          rt_date_format(a, (int32_t)(d->settings[RT_SET_CUTOFF_DATE] / RT_SCALE)));
        if (d->settings_given[RT_SET_CLEANUP_CALL]) {
            char p[RT_NUMBUF];
            rt_buf_printf(out, "  clean-up call at %s%% of the cut-off balance\n",
                          rt_fmt_percent_trim(p, d->settings[RT_SET_CLEANUP_CALL]));
        }
    }

    rt_buf_printf(out, "\nClauses, in order of priority (%d):\n", (int)d->clauses.n);
    for (int32_t i = 0; i < d->clauses.n; i++) {
        const rt_clause_info *c = &d->clauses.v[i];
        const char *fund = c->fund >= 0 && c->fund < d->funds.n ? d->funds.v[c->fund].name : "?";
        rt_buf_printf(out, "  %-16s from %s: %s\n", c->label, fund, c->payee);
    }
}
