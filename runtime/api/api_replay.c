/*
 * api_replay.c — replay and explain through the public API: the period
 * loop (fill the slots from the state and the remittance, run the deal's
 * period function, the invariant checks, roll the state forward), every
 * figure of every date kept as the result's rows, and the statement
 * rendered by the same writers the deal binary uses.
 */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

dealc_status api_take_buf(rt_buf *b, char **text, size_t *len, dealc_error *err);
dealc_state *api_state_copy(const dealc_deal *d, const rt_state *from);

/* the public class fields, in the runtime's slots (after them the two
 * derived ones, computed here) */
static const int class_slot[DEALC_CLASS_NFIELDS - 2] = {
    RT_C_ORIGINAL,    RT_C_BEGIN_BALANCE, RT_C_COUPON,     RT_C_INTEREST_DUE, RT_C_INTEREST_PAID,
    RT_C_INTEREST_SHORTFALL, RT_C_PRINCIPAL_PAID, RT_C_END_BALANCE, RT_C_UNPAID_BEGIN, RT_C_UNPAID_PAID,
    RT_C_UNPAID_END,  RT_C_DRAWN,         RT_C_WRITEDOWN,  RT_C_LOSS_BEGIN,   RT_C_LOSS_PAID,
    RT_C_LOSS_END,    RT_C_BASIS_BEGIN,   RT_C_BASIS_DUE,  RT_C_BASIS_PAID,   RT_C_BASIS_END};
_Static_assert((int)DEALC_CLASS_NFIELDS - 2 == (int)RT_C_COUNT, "every class slot is a public field");
_Static_assert((int)DEALC_CLASS_FACTOR == (int)RT_C_COUNT && (int)DEALC_CLASS_SECURITY_PERCENT == (int)RT_C_COUNT + 1,
               "the derived class fields come last");
_Static_assert((int)DEALC_GROUP_NFIELDS == (int)RT_GR_COUNT, "the public group fields are the slots, in order");
_Static_assert((int)DEALC_PARTY_NFIELDS == (int)RT_P_COUNT, "the public party fields are the slots, in order");
_Static_assert((int)DEALC_FUND_NFIELDS == (int)RT_F_COUNT, "the public fund fields are the slots, in order");
_Static_assert((int)DEALC_CLAUSE_NFIELDS == (int)RT_K_COUNT, "the public clause fields are the slots, in order");

typedef struct replay_impl {
    dealc_replay pub;
    const dealc_deal *d;
    dealc_statement *periods;
    int64_t *rows;
    dealc_value *values;
    rt_dec *slots; /* every period's slots, for the writers */
    dealc_state *closing;
} replay_impl;

void dealc_replay_free(dealc_replay *r)
{
    if (!r)
        return;
    replay_impl *x = (replay_impl *)r;
    free(x->periods);
    free(x->rows);
    free(x->values);
    free(x->slots);
    dealc_state_free(x->closing);
    free(x);
}

/* one figure into a row; 0 + err when it does not fit */
static int put(int64_t *dst, rt_dec v, int32_t unit, const char *what, const char *name, const char *field,
               int32_t date, dealc_error *err)
{
    if (api_figure(v, unit, dst))
        return 1;
    api_fail_date(err, date, "%s \"%s\" %s does not fit a 64-bit figure", what, name, field);
    if (err)
        err->status = DEALC_ERR_RANGE;
    return 0;
}

/* the rows of period k from its slots */
static int fill_rows(replay_impl *x, int32_t k, dealc_error *err)
{
    const rt_deal *d = x->d->rt;
    const rt_layout *l = &d->layout;
    const rt_dec *slot = &x->slots[(size_t)k * (size_t)l->total];
    dealc_statement *p = &x->periods[k];
    int32_t date = (int32_t)(slot[RT_G_PAYMENT_DATE] / RT_SCALE);
    p->payment_date = date;
    p->distribution = (int32_t)(slot[RT_G_DIST_NUMBER] / RT_SCALE);
    int64_t *row;
    for (int32_t c = 0; c < d->classes.n; c++) {
        row = (int64_t *)&p->classes[(size_t)c * DEALC_CLASS_NFIELDS];
        for (int f = 0; f < RT_C_COUNT; f++)
            if (!put(&row[f], slot[RT_SLOT_CLASS(l, c, class_slot[f])], dealc_field_unit(DEALC_TABLE_CLASS, f), "class",
                     d->classes.v[c].name, dealc_field_name(DEALC_TABLE_CLASS, f), date, err))
                return 0;
        int none;
        rt_dec fac = rt_report_factor(d, slot, c, &none);
        row[DEALC_CLASS_FACTOR] = none ? DEALC_NONE : (int64_t)fac;
        row[DEALC_CLASS_SECURITY_PERCENT] = (int64_t)rt_report_security(d, slot, c);
    }
    for (int32_t g = 0; g < d->groups.n; g++) {
        row = (int64_t *)&p->groups[(size_t)g * DEALC_GROUP_NFIELDS];
        for (int f = 0; f < RT_GR_COUNT; f++)
            if (!put(&row[f], slot[RT_SLOT_GROUP(l, g, f)], dealc_field_unit(DEALC_TABLE_GROUP, f), "group",
                     d->groups.v[g], dealc_field_name(DEALC_TABLE_GROUP, f), date, err))
                return 0;
    }
    for (int32_t i = 0; i < d->parties.n; i++) {
        row = (int64_t *)&p->parties[(size_t)i * DEALC_PARTY_NFIELDS];
        for (int f = 0; f < RT_P_COUNT; f++)
            if (!put(&row[f], slot[RT_SLOT_PARTY(l, i, f)], RT_UNIT_MONEY, "party", d->parties.v[i].name,
                     dealc_field_name(DEALC_TABLE_PARTY, f), date, err))
                return 0;
    }
    for (int32_t i = 0; i < d->funds.n; i++) {
        row = (int64_t *)&p->funds[(size_t)i * DEALC_FUND_NFIELDS];
        for (int f = 0; f < RT_F_COUNT; f++)
            if (!put(&row[f], slot[RT_SLOT_FUND(l, i, f)], RT_UNIT_MONEY, "fund", d->funds.v[i].name,
                     dealc_field_name(DEALC_TABLE_FUND, f), date, err))
                return 0;
    }
    for (int32_t i = 0; i < d->clauses.n; i++) {
        row = (int64_t *)&p->clauses[(size_t)i * DEALC_CLAUSE_NFIELDS];
        for (int f = 0; f < RT_K_COUNT; f++)
            if (!put(&row[f], slot[RT_SLOT_CLAUSE(l, i, f)], RT_UNIT_MONEY, "clause", d->clauses.v[i].label,
                     dealc_field_name(DEALC_TABLE_CLAUSE, f), date, err))
                return 0;
    }
    row = (int64_t *)p->memory;
    for (int32_t i = 0; i < d->memory.n; i++) {
        rt_dec v = slot[RT_SLOT_MEMORY(l, i, RT_M_VALUE)];
        if (d->memory.v[i].kind != RT_MEM_DATE)
            row[i] = v != 0;
        else
            row[i] = v >= (rt_dec)RT_DATE_NEVER * RT_SCALE ? DEALC_NONE : (int64_t)(v / RT_SCALE);
    }
    dealc_value *vals = (dealc_value *)p->lines;
    for (int32_t i = 0; i < d->lines.n; i++) {
        vals[i].unit = d->lines.v[i].unit;
        if (!d->lines.v[i].name[0])
            vals[i].v = 0;
        else if (!put(&vals[i].v, slot[RT_SLOT_LINE(l, i)], vals[i].unit, "line", d->lines.v[i].name, "value", date,
                      err))
            return 0;
    }
    vals = (dealc_value *)p->definitions;
    for (int32_t i = 0; i < d->defs.n; i++) {
        vals[i].unit = d->defs.v[i].unit;
        if (!put(&vals[i].v, slot[RT_SLOT_DEF(l, i)], vals[i].unit, "definition", d->defs.v[i].name, "value", date,
                 err))
            return 0;
    }
    return 1;
}

/* Runs periods [0, upto) of rm from st (rolled forward), each period's
 * slots into slots + k * total. 1, or 0 + err naming the date. */
static int run_periods(const dealc_deal *dd, rt_state *st, const rt_remit *rm, int32_t upto, rt_dec *slots,
                       int keep_all, dealc_error *err)
{
    const rt_deal *d = dd->rt;
    rt_run *run = rt_run_new((rt_deal *)d);
    if (!run) {
        api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        return 0;
    }
    char msg[RT_ERRMAX];
    int ok = 1;
    for (int32_t k = 0; ok && k < upto; k++) {
        const rt_period_in *p = &rm->period[k];
        int32_t n = st->distribution_number + 1;
        int32_t expect = rt_payment_date(d, n);
        if (p->payment_date != expect) {
            char a[11], b[11];
            api_fail(err, DEALC_ERR_INPUT,
                     "payment date %s (the remittance's period %d) is not the next one: expected %s (distribution %d)",
                     rt_date_format(a, p->payment_date), (int)k + 1, rt_date_format(b, expect), (int)n);
            ok = 0;
            break;
        }
        rt_dec *slot = keep_all ? &slots[(size_t)k * (size_t)d->layout.total] : slots;
        rt_fill_slots(d, st, p, n, slot);
        if (!rt_pool_sane(d, slot, msg)) {
            api_fail_date(err, p->payment_date, "%s", msg);
            ok = 0;
            break;
        }
        rt_run_reset(run);
        int32_t rc = dd->period(slot, run);
        if (rc != 0 || rt_run_failed(run)) {
            api_fail_date(err, p->payment_date, "%s",
                          rt_run_failed(run) ? rt_run_error(run) : "the deal's period function failed");
            ok = 0;
            break;
        }
        if (!rt_check_period(d, slot, msg)) {
            api_fail_date(err, p->payment_date, "%s", msg);
            ok = 0;
            break;
        }
        rt_roll_forward(d, st, slot, n, p->payment_date);
    }
    rt_run_free(run);
    return ok;
}

static dealc_status check_inputs(const dealc_deal *d, const dealc_state *opening, const dealc_remittance *remit,
                                 dealc_error *err, const char *fn)
{
    if (!d || !opening || !remit)
        return api_fail(err, DEALC_ERR_USAGE, "%s: needs a deal, an opening state and a remittance", fn);
    if (opening->d != d || remit->d != d)
        return api_fail(err, DEALC_ERR_USAGE, "%s: the state or the remittance belongs to another deal", fn);
    return DEALC_OK;
}

dealc_status dealc_replay_run(const dealc_deal *d, const dealc_state *opening, const dealc_remittance *remit,
                              dealc_replay **out, dealc_error *err)
{
    dealc_error local; /* the status of a failure is needed here even when the caller wants no details */
    if (!err)
        err = &local;
    if (!out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_replay_run: out is NULL");
    *out = NULL;
    dealc_status s = check_inputs(d, opening, remit, err, "dealc_replay_run");
    if (s != DEALC_OK)
        return s;
    const rt_deal *r = d->rt;
    const rt_layout *l = &r->layout;
    int32_t np = remit->rm.nperiods;
    replay_impl *x = calloc(1, sizeof *x);
    if (!x)
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    x->d = d;
    size_t per_rows = (size_t)r->classes.n * DEALC_CLASS_NFIELDS + (size_t)r->groups.n * DEALC_GROUP_NFIELDS +
                      (size_t)r->parties.n * DEALC_PARTY_NFIELDS + (size_t)r->funds.n * DEALC_FUND_NFIELDS +
                      (size_t)r->clauses.n * DEALC_CLAUSE_NFIELDS + (size_t)r->memory.n;
    size_t per_vals = (size_t)r->lines.n + (size_t)r->defs.n;
    x->periods = calloc((size_t)np + 1, sizeof *x->periods);
    x->rows = calloc((size_t)np * per_rows + 1, sizeof *x->rows);
    x->values = calloc((size_t)np * per_vals + 1, sizeof *x->values);
    x->slots = calloc((size_t)np * (size_t)l->total + 1, sizeof *x->slots);
    x->closing = api_state_copy(d, &opening->st);
    if (!x->periods || !x->rows || !x->values || !x->slots || !x->closing) {
        dealc_replay_free(&x->pub);
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    for (int32_t k = 0; k < np; k++) {
        int64_t *row = &x->rows[(size_t)k * per_rows];
        dealc_statement *p = &x->periods[k];
        p->classes = row;
        row += (size_t)r->classes.n * DEALC_CLASS_NFIELDS;
        p->groups = row;
        row += (size_t)r->groups.n * DEALC_GROUP_NFIELDS;
        p->parties = row;
        row += (size_t)r->parties.n * DEALC_PARTY_NFIELDS;
        p->funds = row;
        row += (size_t)r->funds.n * DEALC_FUND_NFIELDS;
        p->clauses = row;
        row += (size_t)r->clauses.n * DEALC_CLAUSE_NFIELDS;
        p->memory = row;
        p->lines = &x->values[(size_t)k * per_vals];
        p->definitions = &x->values[(size_t)k * per_vals + (size_t)r->lines.n];
    }
    api_locale loc;
    api_locale_enter(&loc);
    int ok = run_periods(d, &x->closing->st, &remit->rm, np, x->slots, 1, err);
    for (int32_t k = 0; ok && k < np; k++)
        ok = fill_rows(x, k, err);
    api_locale_leave(&loc);
    if (!ok) {
        dealc_status st = err->status;
        dealc_replay_free(&x->pub);
        return st;
    }
    x->pub.nperiods = np;
    x->pub.periods = x->periods;
    x->pub.class_stride = DEALC_CLASS_NFIELDS;
    x->pub.group_stride = DEALC_GROUP_NFIELDS;
    x->pub.party_stride = DEALC_PARTY_NFIELDS;
    x->pub.fund_stride = DEALC_FUND_NFIELDS;
    x->pub.clause_stride = DEALC_CLAUSE_NFIELDS;
    x->pub.closing = x->closing;
    *out = &x->pub;
    api_ok(err);
    return DEALC_OK;
}

dealc_status dealc_replay_files(const dealc_deal *d, const char *state_path, const char *remit_path,
                                dealc_replay **out, dealc_error *err)
{
    if (!out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_replay_files: out is NULL");
    *out = NULL;
    dealc_state *st = NULL;
    dealc_remittance *rm = NULL;
    dealc_status s = dealc_state_read(d, state_path, &st, err);
    if (s == DEALC_OK)
        s = dealc_remittance_read(d, st, remit_path, &rm, err);
    if (s == DEALC_OK)
        s = dealc_replay_run(d, st, rm, out, err);
    dealc_remittance_free(rm);
    dealc_state_free(st);
    return s;
}

dealc_status dealc_replay_render(const dealc_replay *r, dealc_format f, char **text, size_t *len, dealc_error *err)
{
    if (!r || !text)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_replay_render: needs a replay and a text pointer");
    *text = NULL;
    rt_format rf;
    switch (f) {
    case DEALC_FORMAT_TABLE: rf = RT_FORMAT_TABLE; break;
    case DEALC_FORMAT_CSV: rf = RT_FORMAT_CSV; break;
    case DEALC_FORMAT_JSON: rf = RT_FORMAT_JSON; break;
    default: return api_fail(err, DEALC_ERR_USAGE, "unknown format %d (table, csv or json)", (int)f);
    }
    const replay_impl *x = (const replay_impl *)r;
    const rt_deal *d = x->d->rt;
    api_locale loc;
    api_locale_enter(&loc);
    rt_buf b;
    rt_buf_init(&b);
    rt_report_begin(d, rf, &b);
    for (int32_t k = 0; k < r->nperiods; k++)
        rt_report_period(d, rf, &x->slots[(size_t)k * (size_t)d->layout.total], k == 0, &b);
    rt_report_end(d, rf, r->nperiods > 0, &b);
    dealc_status s = api_take_buf(&b, text, len, err);
    api_locale_leave(&loc);
    return s;
}

/* ---- explain ------------------------------------------------------------------------------------ */

typedef struct explain_impl {
    dealc_explanation pub;
    RT_VEC(dealc_explain_item) items;
    char *text;
    int oom;
} explain_impl;

void dealc_explanation_free(dealc_explanation *x)
{
    if (!x)
        return;
    explain_impl *e = (explain_impl *)x;
    free(e->items.v);
    free(e->text);
    free(e);
}

static dealc_explain_item *add_item(explain_impl *x)
{
    if (x->items.n == x->items.cap) {
        int32_t cap = x->items.cap ? x->items.cap * 2 : 16;
        dealc_explain_item *v = realloc(x->items.v, (size_t)cap * sizeof *v);
        if (!v) {
            x->oom = 1;
            return NULL;
        }
        x->items.v = v;
        x->items.cap = cap;
    }
    dealc_explain_item *it = &x->items.v[x->items.n++];
    memset(it, 0, sizeof *it);
    it->formula = it->text = it->amended_by = it->payee = it->fund = it->note = "";
    return it;
}

/* a figure as a reader expects it: money with separators, a rate as a
 * percentage, a ratio (a number) as itself and as a percentage */
static void put_value(rt_dec v, int32_t unit, char *buf)
{
    switch (unit) {
    case RT_UNIT_MONEY: rt_fmt_money(buf, v, 1, 1); break;
    case RT_UNIT_RATE:
        rt_fmt_percent_trim(buf, v);
        strcat(buf, "%");
        break;
    case RT_UNIT_DATE: rt_date_format(buf, (int32_t)(v / RT_SCALE)); break;
    case RT_UNIT_BOOL: strcpy(buf, v ? "true" : "false"); break;
    case RT_UNIT_NUMBER: {
        char p[RT_NUMBUF];
        rt_fmt_trim(buf, v);
        if (v % RT_SCALE != 0) {
            strcat(buf, " (");
            strcat(buf, rt_fmt_percent(p, v, 4));
            strcat(buf, "%)");
        }
        break;
    }
    default: rt_fmt_trim(buf, v); break;
    }
}

static dealc_value value_of(rt_dec v, int32_t unit)
{
    dealc_value x = {DEALC_NONE, unit};
    int64_t f;
    if (api_figure(v, unit, &f))
        x.v = f;
    return x;
}

/* the version of a definition in force on a payment date: the latest
 * whose effective date is on or before it */
static int32_t version_on(const rt_deal *d, int32_t def, int32_t date)
{
    int32_t best = -1;
    for (int32_t i = 0; i < d->def_docs.n; i++) {
        const rt_def_doc *x = &d->def_docs.v[i];
        if (x->def != def)
            continue;
        if (best < 0 || x->effective <= date)
            best = i;
    }
    return best;
}

/* What explain numbers as a definition: the definitions, then the triggers
 * and dates after them (their values live in the memory slots). */
static const char *def_name(const rt_deal *d, int32_t def)
{
    return def < d->defs.n ? d->defs.v[def].name : d->memory.v[def - d->defs.n].name;
}

static int32_t def_unit(const rt_deal *d, int32_t def)
{
    if (def < d->defs.n)
        return d->defs.v[def].unit;
    return d->memory.v[def - d->defs.n].kind == RT_MEM_DATE ? RT_UNIT_DATE : RT_UNIT_BOOL;
}

static rt_dec def_slot_value(const rt_deal *d, const rt_dec *slot, int32_t def)
{
    const rt_layout *l = &d->layout;
    return def < d->defs.n ? slot[RT_SLOT_DEF(l, def)] : slot[RT_SLOT_MEMORY(l, def - d->defs.n, RT_M_VALUE)];
}

/* a definition, then what its formula reads, depth first */
static void explain_def(explain_impl *x, const rt_deal *d, const rt_dec *slot, int32_t def, int depth, char *seen,
                        int32_t date, rt_buf *out)
{
    char v[RT_NUMBUF + 32];
    int32_t ver = version_on(d, def, date);
    const rt_def_doc *doc = ver >= 0 ? &d->def_docs.v[ver] : NULL;
    rt_dec val = def_slot_value(d, slot, def);
    int32_t unit = def_unit(d, def);
    if (def >= d->defs.n && unit == RT_UNIT_BOOL)
        strcpy(v, val ? "in effect" : "not in effect");
    else if (def >= d->defs.n && val >= (rt_dec)RT_DATE_NEVER * RT_SCALE)
        strcpy(v, "not yet");
    else
        put_value(val, unit, v);
    rt_buf_printf(out, "%*s\"%s\" = %s\n", depth * 4, "", def_name(d, def), v);
    dealc_explain_item *it = add_item(x);
    if (!it)
        return;
    it->depth = depth;
    it->name = def_name(d, def);
    it->value = value_of(val, unit);
    if (seen[def]) {
        it->kind = DEALC_EXPLAIN_REPEAT;
        rt_buf_printf(out, "%*s    (explained above)\n", depth * 4, "");
        return;
    }
    it->kind = DEALC_EXPLAIN_DEFINITION;
    seen[def] = 1;
    if (doc && doc->formula) {
        it->formula = doc->formula;
        rt_buf_printf(out, "%*s    formula: %s\n", depth * 4, "", doc->formula);
    }
    if (doc && doc->amended_by && doc->amended_by[0]) {
        char eff[16];
        rt_date_format(eff, doc->effective);
        it->amended_by = doc->amended_by;
        it->effective = doc->effective;
        it->in_force = 1;
        rt_buf_printf(out, "%*s    as amended by \"%s\", effective %s\n", depth * 4, "", doc->amended_by, eff);
    }
    /* a later version not yet in force on this date */
    for (int32_t i = ver + 1; ver >= 0 && i < d->def_docs.n; i++) {
        const rt_def_doc *y = &d->def_docs.v[i];
        if (y->def != def || y->effective <= date)
            continue;
        char eff[16];
        rt_date_format(eff, y->effective);
        if (!it->amended_by[0]) {
            it->amended_by = y->amended_by;
            it->effective = y->effective;
            it->in_force = 0;
        }
        rt_buf_printf(out, "%*s    not yet amended by \"%s\", effective %s\n", depth * 4, "", y->amended_by, eff);
        break;
    }
    if (doc && doc->note && doc->note[0]) {
        it->note = doc->note;
        rt_buf_printf(out, "%*s    %s\n", depth * 4, "", doc->note);
    }
    if (doc && doc->text && doc->text[0]) {
        it->text = doc->text;
        rt_buf_printf(out, "%*s    text: \"%s\"\n", depth * 4, "", doc->text);
    }
    for (int32_t i = 0; i < d->def_uses.n; i++) {
        const rt_def_ref *u = &d->def_uses.v[i];
        if (u->def != def || (ver >= 0 && u->version >= 0 && u->version != ver))
            continue;
        if (u->def_ref >= 0) {
            explain_def(x, d, slot, u->def_ref, depth + 1, seen, date, out);
        } else {
            put_value(slot[u->slot], u->unit, v);
            rt_buf_printf(out, "%*s    %s = %s\n", depth * 4, "", u->label, v);
            dealc_explain_item *f = add_item(x);
            if (!f)
                return;
            f->kind = DEALC_EXPLAIN_FIGURE;
            f->depth = depth + 1;
            f->name = u->label;
            f->value = value_of(slot[u->slot], u->unit);
        }
    }
}

/* the label as the agreement prints it ("4.02(d)(xiii)"), with or
 * without "Section " before it */
static int clause_named(const rt_deal *d, int32_t i, const char *name)
{
    if (strncmp(name, "Section ", 8) == 0)
        name += 8;
    if (strcmp(d->clauses.v[i].label, name) == 0)
        return 1;
    return i < d->clause_docs.n && d->clause_docs.v[i].label && strcmp(d->clause_docs.v[i].label, name) == 0;
}

/* of the clauses so named, the one in force on the date */
static int32_t clause_on(const rt_deal *d, const char *name, int32_t date)
{
    int32_t any = -1;
    for (int32_t i = 0; i < d->clauses.n; i++) {
        if (!clause_named(d, i, name))
            continue;
        if (any < 0)
            any = i;
        const rt_clause_doc_t *c = i < d->clause_docs.n ? &d->clause_docs.v[i] : NULL;
        if (!c || ((!c->from || date >= c->from) && (!c->to || date < c->to)))
            return i;
    }
    return any;
}

static void explain_clause(explain_impl *x, const rt_deal *d, const rt_dec *slot, int32_t clause, rt_buf *out)
{
    const rt_layout *l = &d->layout;
    const rt_clause_info *ci = &d->clauses.v[clause];
    const rt_clause_doc_t *c = clause < d->clause_docs.n ? &d->clause_docs.v[clause] : NULL;
    char a[RT_NUMBUF], b[RT_NUMBUF], e[RT_NUMBUF];
    rt_dec av = slot[RT_SLOT_CLAUSE(l, clause, RT_K_AVAILABLE)], pd = slot[RT_SLOT_CLAUSE(l, clause, RT_K_PAID)],
           sh = slot[RT_SLOT_CLAUSE(l, clause, RT_K_SHORTFALL)];
    dealc_explain_item *it = add_item(x);
    const char *label = c && c->label ? c->label : ci->label;
    rt_buf_printf(out, "clause %s pays %s from fund \"%s\"\n", label, ci->payee, d->funds.v[ci->fund].name);
    if (it) {
        it->kind = DEALC_EXPLAIN_CLAUSE;
        it->name = label;
        it->payee = ci->payee;
        it->fund = d->funds.v[ci->fund].name;
        it->value = value_of(pd, RT_UNIT_MONEY);
        it->paid = it->value.v;
        it->available = value_of(av, RT_UNIT_MONEY).v;
        it->shortfall = value_of(sh, RT_UNIT_MONEY).v;
    }
    if (c && c->formula && c->formula[0]) {
        if (it)
            it->formula = c->formula;
        rt_buf_printf(out, "    formula: %s\n", c->formula);
    }
    if (c && c->amended_by && c->amended_by[0]) {
        char eff[16];
        rt_date_format(eff, c->from);
        if (it) {
            it->amended_by = c->amended_by;
            it->effective = c->from;
            it->in_force = 1;
        }
        rt_buf_printf(out, "    as amended by \"%s\", effective %s\n", c->amended_by, eff);
    } else if (c && c->to) {
        char eff[16];
        rt_date_format(eff, c->to);
        rt_buf_printf(out, "    in force before %s, when an amendment replaced it\n", eff);
    }
    if (c && c->note && c->note[0]) {
        if (it)
            it->note = c->note;
        rt_buf_printf(out, "    %s\n", c->note);
    }
    if (c && c->text && c->text[0]) {
        if (it)
            it->text = c->text;
        rt_buf_printf(out, "    text: \"%s\"\n", c->text);
    }
    rt_buf_printf(out, "    available %s, paid %s, not paid %s\n", rt_fmt_money(a, av, 1, 1), rt_fmt_money(b, pd, 1, 1),
                  rt_fmt_money(e, sh, 1, 1));
}

dealc_status dealc_explain(const dealc_deal *d, const dealc_state *opening, const dealc_remittance *remit,
                           int32_t period, const char *name, dealc_explanation **out, dealc_error *err)
{
    dealc_error local; /* the status of a failure is needed here even when the caller wants no details */
    if (!err)
        err = &local;
    if (!out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_explain: out is NULL");
    *out = NULL;
    dealc_status s = check_inputs(d, opening, remit, err, "dealc_explain");
    if (s != DEALC_OK)
        return s;
    if (!name)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_explain: no name");
    const rt_deal *r = d->rt;
    if (period < 1 || period > remit->rm.nperiods)
        return api_fail(err, DEALC_ERR_USAGE, "the remittance has %d payment dates; there is no period %d",
                        (int)remit->rm.nperiods, (int)period);
    int32_t def = -1, clause = -1;
    for (int32_t i = 0; i < r->defs.n + r->memory.n; i++)
        if (strcmp(def_name(r, i), name) == 0)
            def = i;
    for (int32_t i = 0; i < r->clauses.n && clause < 0; i++)
        if (clause_named(r, i, name))
            clause = i;
    if (def < 0 && clause < 0)
        return api_fail(err, DEALC_ERR_USAGE, "the deal has no definition or clause \"%s\"", name);
    explain_impl *x = calloc(1, sizeof *x);
    rt_dec *slot = calloc((size_t)r->layout.total + 1, sizeof *slot);
    char *seen = calloc((size_t)r->defs.n + (size_t)r->memory.n + 1, 1);
    rt_state st;
    int have_st = x && rt_state_init(&st, r);
    if (!x || !slot || !seen || !have_st) {
        if (have_st)
            rt_state_free(&st);
        free(x);
        free(slot);
        free(seen);
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    api_locale loc;
    api_locale_enter(&loc);
    rt_state_copy(r, &st, &opening->st);
    /* the dates before the one asked about roll the state forward; that one
     * leaves its slots for the walk */
    int ok = run_periods(d, &st, &remit->rm, period - 1, slot, 0, err);
    if (ok) {
        /* the asked-about date itself: the same steps, the slots kept */
        rt_remit one = {1, &remit->rm.period[period - 1]};
        ok = run_periods(d, &st, &one, 1, slot, 0, err);
    }
    rt_buf b;
    rt_buf_init(&b);
    if (ok) {
        const rt_period_in *p = &remit->rm.period[period - 1];
        char date[11];
        int32_t n = (int32_t)(slot[RT_G_DIST_NUMBER] / RT_SCALE);
        x->pub.payment_date = p->payment_date;
        x->pub.distribution = n;
        rt_buf_printf(&b, "%s, payment date %s (distribution %d)\n", r->name, rt_date_format(date, p->payment_date),
                      (int)n);
        if (def >= 0)
            explain_def(x, r, slot, def, 0, seen, p->payment_date, &b);
        else
            explain_clause(x, r, slot, clause_on(r, name, p->payment_date), &b);
    }
    api_locale_leave(&loc);
    rt_state_free(&st);
    free(slot);
    free(seen);
    if (!ok) {
        rt_buf_free(&b);
        dealc_explanation_free(&x->pub);
        return err->status;
    }
    if (x->oom || b.oom) {
        rt_buf_free(&b);
        dealc_explanation_free(&x->pub);
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    s = api_take_buf(&b, &x->text, NULL, err);
    if (s != DEALC_OK) {
        dealc_explanation_free(&x->pub);
        return s;
    }
    x->pub.text = x->text;
    x->pub.nitems = x->items.n;
    x->pub.items = x->items.v;
    *out = &x->pub;
    return DEALC_OK;
}
