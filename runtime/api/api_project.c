/*
 * api_project.c — projections through the public API: assumptions as
 * key/value text (the deal binary's flags and scenario files, read by the
 * same scenario reader) and one scenario into per-period per-class
 * results (grids: api_grid.c).
 *
 * The figures are the deal binary's: the same runner (rt_proj_run), the
 * same horizon, the same WAL from the start (actual/365.25) and the same
 * anniversaries of the closing date for the decrement tables.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_internal.h"
#include "rt_pricing.h"
#include "rt_scenario.h"

void dealc_scenario_free(dealc_scenario *s)
{
    if (!s)
        return;
    rt_sc_free(&s->flags);
    rt_sc_free(&s->file);
    for (int i = 0; i < s->nstrs; i++)
        free(s->strs[i]);
    free(s->strs);
    free(s);
}

dealc_status dealc_scenario_new(dealc_scenario **out, dealc_error *err)
{
    if (!out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenario_new: out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    rt_sc_init(&(*out)->flags);
    rt_sc_init(&(*out)->file);
    api_ok(err);
    return DEALC_OK;
}

static char *keep(dealc_scenario *s, const char *text)
{
    char **v = realloc(s->strs, (size_t)(s->nstrs + 1) * sizeof *v);
    if (!v)
        return NULL;
    s->strs = v;
    char *c = strdup(text);
    if (c)
        s->strs[s->nstrs++] = c;
    return c;
}

dealc_status dealc_scenario_set(dealc_scenario *s, const char *key, const char *value, dealc_error *err)
{
    if (!s || !key)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenario_set: needs a scenario and a key");
    if (!rt_sc_is_key(key))
        return api_fail(err, DEALC_ERR_USAGE, "unknown assumption \"%s\" (docs/projection.md lists them)", key);
    int flag = strcmp(key, "to-call") == 0 || strcmp(key, "to-maturity") == 0;
    if (!flag && (!value || !*value))
        return api_fail(err, DEALC_ERR_USAGE, "assumption \"%s\" needs a value", key);
    char *k = keep(s, key), *v = keep(s, flag ? "yes" : value);
    if (!k || !v)
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    rt_sc_origin o = {NULL, 0, 0};
    rt_sc_err e;
    api_locale loc;
    api_locale_enter(&loc);
    int ok = rt_sc_set(&s->flags, k, v, &o, &e);
    api_locale_leave(&loc);
    if (!ok)
        return api_sc_error(err, &e);
    api_ok(err);
    return DEALC_OK;
}

const char *api_scenario_default_key(const dealc_scenario *s)
{
    return s->flags.dflt.key ? s->flags.dflt.key : s->file.dflt.key;
}

dealc_status dealc_scenario_read(dealc_scenario *s, const char *path, dealc_error *err)
{
    if (!s || !path)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenario_read: needs a scenario and a path");
    if (s->has_file)
        return api_fail(err, DEALC_ERR_USAGE, "one scenario file per scenario");
    rt_sc_err e;
    api_locale loc;
    api_locale_enter(&loc);
    int ok = rt_sc_read_file(&s->file, path, &e);
    api_locale_leave(&loc);
    if (!ok)
        return api_sc_error(err, &e);
    s->has_file = 1;
    api_ok(err);
    return DEALC_OK;
}

/* the flags over the file, resolved for the deal */
dealc_status api_resolve(const dealc_deal *d, const dealc_scenario *s, int lists, rt_sc_res *res,
                         dealc_error *err)
{
    rt_sc merged = s->flags;
    if (s->has_file) {
        /* the file's directory finds its vector files; set values' paths stay as given */
        memcpy(merged.dir, s->file.dir, sizeof merged.dir);
        rt_sc_merge(&merged, &s->file);
    }
    merged.nfiles = 0; /* the texts stay owned by s */
    rt_sc_err e;
    if (!rt_sc_resolve(d->rt, &merged, lists, res, &e))
        return api_sc_error(err, &e);
    if (d->rt->collateral.n == 0)
        return api_fail(err, DEALC_ERR_DEAL, "the deal declares no collateral lines to project");
    return DEALC_OK;
}

int api_check_opening(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                         dealc_error *err, const char *fn)
{
    if (!d || !s) {
        api_fail(err, DEALC_ERR_USAGE, "%s: needs a deal and a scenario", fn);
        return 0;
    }
    if (opening && opening->d != d) {
        api_fail(err, DEALC_ERR_USAGE, "%s: the opening state belongs to another deal", fn);
        return 0;
    }
    return 1;
}

/* ---- one scenario ---------------------------------------------------------------------------- */

typedef struct projection_impl {
    dealc_projection pub;
    int32_t *dates;
    int64_t *classes, *flows, *parties, *funds, *memory;
    dealc_class_summary *summary;
    dealc_class_price *prices;
    rt_price_stats *stats; /* per class, computed once: the summary, the prices and the render's */
    char *prepay, *dflt, *draw;
    /* what dealc_projection_render needs: the deal, the assumptions, the
     * runs (the shifted ones with pricing) and the conventions */
    const dealc_deal *d;
    rt_sc_res res;
    int has_res;
    rt_proj *w, *wu, *wd;
    int has_pr;
    rt_pricing pr;
} projection_impl;

void dealc_projection_free(dealc_projection *p)
{
    if (!p)
        return;
    projection_impl *x = (projection_impl *)p;
    free(x->dates);
    free(x->classes);
    free(x->flows);
    free(x->parties);
    free(x->funds);
    free(x->memory);
    free(x->summary);
    free(x->prices);
    free(x->stats);
    free(x->prepay);
    free(x->dflt);
    free(x->draw);
    if (x->has_res)
        rt_sc_res_free(&x->res);
    rt_proj_free(x->w);
    rt_proj_free(x->wu);
    rt_proj_free(x->wd);
    free(x);
}

/* The projections with every index rate moved up and down by the shift,
 * for the effective duration: 1 when both ran. A shifted run that fails
 * (a rate the waterfall cannot take) only leaves the effective figures
 * out; out of memory is -1. */
static int run_shifted(projection_impl *x, int32_t maxp, const rt_state *opening)
{
    const rt_deal *r = x->d->rt;
    const rt_sc_res *res = &x->res;
    int32_t ni = r->inputs.n;
    size_t nv = 0;
    for (int32_t i = 0; i < ni; i++)
        nv += (size_t)res->index[i].n;
    x->wu = rt_proj_new(r, x->d->period, opening, res->a.lag, maxp);
    x->wd = rt_proj_new(r, x->d->period, opening, res->a.lag, maxp);
    rt_index_path *pu = calloc((size_t)ni + 1, sizeof *pu), *pd = calloc((size_t)ni + 1, sizeof *pd);
    rt_dec *iu = calloc((size_t)ni + 1, sizeof *iu), *id = calloc((size_t)ni + 1, sizeof *id);
    rt_dec *vals = calloc(2 * nv + 1, sizeof *vals);
    int ok = -1;
    if (x->wu && x->wd && pu && pd && iu && id && vals) {
        rt_assump au = res->a, ad = res->a;
        rt_dec sh = (rt_dec)(x->pr.shift * 1e12 + 0.5);
        size_t at = 0;
        for (int32_t i = 0; i < ni; i++) {
            const rt_index_path *ix = &res->index[i];
            iu[i] = id[i] = res->input[i];
            if (ix->n == 0)
                continue;
            pu[i].values = &vals[at];
            pd[i].values = &vals[at + nv];
            pu[i].n = pd[i].n = ix->n;
            for (int32_t k = 0; k < ix->n; k++) {
                vals[at + (size_t)k] = ix->values[k] + sh;
                vals[at + nv + (size_t)k] = ix->values[k] - sh;
            }
            iu[i] = pu[i].values[0];
            id[i] = pd[i].values[0];
            at += (size_t)ix->n;
        }
        au.index = pu;
        au.input = iu;
        ad.index = pd;
        ad.input = id;
        char msg[RT_ERRMAX];
        ok = rt_proj_run(x->wu, &au, msg, sizeof msg) && rt_proj_run(x->wd, &ad, msg, sizeof msg);
    }
    free(pu);
    free(pd);
    free(iu);
    free(id);
    free(vals);
    return ok;
}

void api_class_summary(const rt_deal *d, const rt_proj_result *r, int32_t c, int32_t from, dealc_class_summary *s,
                       double *t, double *pp)
{
    rt_class_sum cs;
    rt_class_summary(d, r, c, from, &cs, t, pp);
    s->wal = cs.wal;
    s->first_principal = cs.first_principal;
    s->last_principal = cs.last_principal;
    s->final_payment = cs.final_payment;
    s->principal = cs.principal;
    s->interest = cs.interest;
}

static dealc_status project(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                            const dealc_pricing *pricing, dealc_projection **out, dealc_error *err, const char *fn)
{
    dealc_error local; /* the status of a failure is needed here even when the caller wants no details */
    if (!err)
        err = &local;
    if (!out)
        return api_fail(err, DEALC_ERR_USAGE, "%s: out is NULL", fn);
    *out = NULL;
    if (!api_check_opening(d, opening, s, err, fn))
        return err->status;
    api_locale loc;
    api_locale_enter(&loc);
    const rt_deal *r = d->rt;
    double *t = NULL, *pp = NULL, *cf = NULL;
    dealc_status st = DEALC_OK;
    projection_impl *x = calloc(1, sizeof *x);
    if (!x) {
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        goto done;
    }
    x->d = d;
    x->has_res = 1; /* a resolution that fails has allocated too: freed with x */
    if ((st = api_resolve(d, s, 0, &x->res, err)) != DEALC_OK)
        goto done;
    if ((x->has_pr = api_pricing_resolve(pricing, 0, &x->pr, err)) < 0) {
        st = err->status;
        goto done;
    }
    const rt_sc_res res = x->res;
    int32_t maxp = rt_proj_horizon(r, &res.a);
    rt_proj *w = x->w = rt_proj_new(r, d->period, opening ? &opening->st : NULL, res.a.lag, maxp);
    t = malloc(((size_t)maxp + 2) * sizeof *t);
    pp = malloc(((size_t)maxp + 2) * sizeof *pp);
    cf = malloc(((size_t)maxp + 2) * sizeof *cf);
    if (!w || !t || !pp || !cf) {
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        goto done;
    }
    char msg[RT_ERRMAX];
    if (!rt_proj_run(w, &res.a, msg, sizeof msg)) {
        st = api_run_error(err, msg);
        goto done;
    }
    int eff = 0; /* 1: the shifted runs ran, for the effective figures */
    if (x->has_pr && (eff = run_shifted(x, maxp, opening ? &opening->st : NULL)) < 0) {
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        goto done;
    }
    const rt_proj_result *pr = rt_proj_result_get(w);
    const rt_state *open = rt_proj_opening(w);
    int32_t np = pr->nperiods, nc = r->classes.n, ng = r->groups.n;
    x->dates = calloc((size_t)np + 1, sizeof *x->dates);
    x->classes = calloc((size_t)np * nc * DEALC_PCLASS_NFIELDS + 1, sizeof *x->classes);
    x->flows = calloc((size_t)np * ng * DEALC_FLOW_NFIELDS + 1, sizeof *x->flows);
    x->summary = calloc((size_t)nc + 1, sizeof *x->summary);
    int32_t npa = r->parties.n, nfu = r->funds.n, nm = r->memory.n;
    x->parties = calloc((size_t)np * npa * DEALC_PARTY_NFIELDS + 1, sizeof *x->parties);
    x->funds = calloc((size_t)np * nfu * DEALC_FUND_NFIELDS + 1, sizeof *x->funds);
    x->memory = calloc((size_t)np * nm + 1, sizeof *x->memory);
    x->prepay = strdup(res.pp_label[0]);
    x->dflt = strdup(res.df_label[0]);
    x->draw = strdup(res.draw_label);
    if (!x->dates || !x->classes || !x->flows || !x->summary || !x->prepay || !x->dflt || !x->parties ||
        !x->funds || !x->memory || !x->draw) {
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int32_t k = 0; k < np; k++) {
        x->dates[k] = pr->date[k];
        for (int32_t c = 0; c < nc; c++) {
            size_t i = (size_t)k * nc + c;
            int64_t *row = &x->classes[i * DEALC_PCLASS_NFIELDS];
            row[DEALC_PCLASS_BEGINNING_BALANCE] = pr->class_begin[i];
            row[DEALC_PCLASS_INTEREST] = pr->class_int[i];
            row[DEALC_PCLASS_PRINCIPAL] = pr->class_prin[i];
            row[DEALC_PCLASS_ENDING_BALANCE] = pr->class_end[i];
            row[DEALC_PCLASS_DRAWN] = pr->class_drawn[i];
            row[DEALC_PCLASS_REALIZED_LOSS] = pr->class_writedown[i];
            row[DEALC_PCLASS_ENDING_UNPAID_REALIZED_LOSS] = pr->class_loss_end[i];
            row[DEALC_PCLASS_ENDING_BASIS_RISK_CARRY_FORWARD] = pr->class_basis_end[i];
            row[DEALC_PCLASS_REALIZED_LOSS_PAID] = pr->class_loss_paid[i];
            row[DEALC_PCLASS_BASIS_RISK_PAID] = pr->class_basis_paid[i];
            if (!api_figure(pr->class_coupon[i], RT_UNIT_RATE, &row[DEALC_PCLASS_COUPON])) {
                st = api_fail(err, DEALC_ERR_RANGE, "a coupon of class \"%s\" does not fit a 64-bit figure",
                              r->classes.v[c].name);
                goto done;
            }
        }
        for (int32_t g = 0; g < ng; g++) {
            const rt_flows *f = &pr->flows[(size_t)k * ng + g];
            int64_t *row = &x->flows[((size_t)k * ng + g) * DEALC_FLOW_NFIELDS];
            int64_t v[DEALC_FLOW_NFIELDS] = {f->begin,      f->scheduled, f->prepaid, f->defaulted,
                                             f->liquidated, f->recoveries, f->loss,   f->interest,
                                             f->advanced,   f->sold,      f->loans * DEALC_SCALE, f->end,
                                             f->drawn};
            memcpy(row, v, sizeof v);
        }
        /* the statement's party and fund fields are the runtime's, in order */
        for (int32_t p = 0; p < npa; p++)
            for (int f = 0; f < DEALC_PARTY_NFIELDS; f++)
                x->parties[((size_t)k * npa + p) * DEALC_PARTY_NFIELDS + f] =
                    pr->party[((size_t)k * npa + p) * RT_P_COUNT + f];
        for (int32_t h = 0; h < nfu; h++)
            for (int f = 0; f < DEALC_FUND_NFIELDS; f++)
                x->funds[((size_t)k * nfu + h) * DEALC_FUND_NFIELDS + f] =
                    pr->fund[((size_t)k * nfu + h) * RT_F_COUNT + f];
        for (int32_t m = 0; m < nm; m++) {
            int32_t v = pr->memory[(size_t)k * nm + m];
            x->memory[(size_t)k * nm + m] =
                r->memory.v[m].kind == RT_MEM_DATE && v == RT_DATE_NEVER ? DEALC_NONE : (int64_t)v;
        }
    }
    /* with pricing the WALs count from settlement, as the prices do */
    int32_t from = x->has_pr ? x->pr.settle : open->payment_date;
    x->stats = calloc((size_t)nc + 1, sizeof *x->stats);
    if (x->has_pr)
        x->prices = calloc((size_t)nc + 1, sizeof *x->prices);
    if (!x->stats || (x->has_pr && !x->prices)) {
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int32_t c = 0; c < nc; c++) {
        const rt_price_stats *ps = &x->stats[c];
        rt_class_stats(r, pr, open, c, from, x->has_pr ? &x->pr : NULL, eff > 0 ? rt_proj_result_get(x->wu) : NULL,
                       eff > 0 ? rt_proj_result_get(x->wd) : NULL, &x->stats[c], cf, t, pp);
        x->summary[c] = (dealc_class_summary){ps->wal, ps->first, ps->last, ps->final, ps->prin, ps->intr};
        if (!x->has_pr)
            continue;
        x->prices[c] = (dealc_class_price){ps->priced, ps->has_spread, ps->has_z,     ps->has_eff,
                                           ps->price,  ps->yield,      ps->dur,       ps->convexity,
                                           ps->spread, ps->zspread,    ps->eff_dur,   ps->eff_conv};
    }
    /* the shifted runs gave the effective figures; nothing else reads them */
    rt_proj_free(x->wu);
    rt_proj_free(x->wd);
    x->wu = x->wd = NULL;
    x->pub.nperiods = np;
    x->pub.called = pr->called;
    x->pub.start_date = open->payment_date;
    x->pub.start_distribution = open->distribution_number;
    x->pub.dates = x->dates;
    x->pub.classes = x->classes;
    x->pub.flows = x->flows;
    x->pub.summary = x->summary;
    x->pub.pclass_stride = DEALC_PCLASS_NFIELDS;
    x->pub.flow_stride = DEALC_FLOW_NFIELDS;
    x->pub.prepay = x->prepay;
    x->pub.dflt = x->dflt;
    x->pub.parties = x->parties;
    x->pub.funds = x->funds;
    x->pub.memory = x->memory;
    x->pub.party_stride = DEALC_PARTY_NFIELDS;
    x->pub.fund_stride = DEALC_FUND_NFIELDS;
    x->pub.draw = x->draw;
    x->pub.prices = x->prices;
    x->pub.wal_from = from;
    *out = &x->pub;
    x = NULL;
    api_ok(err);
done:
    dealc_projection_free(x ? &x->pub : NULL);
    free(t);
    free(pp);
    free(cf);
    api_locale_leave(&loc);
    return st;
}

dealc_status dealc_project(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                           dealc_projection **out, dealc_error *err)
{
    return project(d, opening, s, NULL, out, err, "dealc_project");
}

dealc_status dealc_project_priced(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                                  const dealc_pricing *pricing, dealc_projection **out, dealc_error *err)
{
    return project(d, opening, s, pricing, out, err, "dealc_project_priced");
}

dealc_status dealc_projection_render(const dealc_projection *p, dealc_format f, int32_t klass, char **text,
                                     size_t *len, dealc_error *err)
{
    if (!p || !text)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_projection_render: needs a projection and text");
    const projection_impl *x = (const projection_impl *)p;
    const rt_deal *r = x->d->rt;
    if (klass < -1 || klass >= r->classes.n)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_projection_render: no class %d", (int)klass);
    if (f < DEALC_FORMAT_TABLE || f > DEALC_FORMAT_HTML)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_projection_render: unknown format %d", (int)f);
    api_locale loc;
    api_locale_enter(&loc);
    const rt_proj_result *res = rt_proj_result_get(x->w);
    size_t nw = (size_t)res->nperiods + 2;
    double *w1 = malloc(nw * sizeof *w1), *w2 = malloc(nw * sizeof *w2);
    rt_doc doc;
    char title[512];
    snprintf(title, sizeof title, "Projection: %s", r->name);
    rt_doc_init(&doc, title);
    dealc_status st;
    if (w1 && w2) {
        api_project_doc(&doc, r, &x->res, klass, res, rt_proj_opening(x->w), x->has_pr ? &x->pr : NULL, x->stats, w1,
                        w2);
        st = api_doc_text(&doc, f, text, len, err);
    } else {
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    }
    rt_doc_free(&doc);
    free(w1);
    free(w2);
    api_locale_leave(&loc);
    return st;
}

dealc_status dealc_deal_load_tape(dealc_deal *d, const char *path, dealc_error *err)
{
    if (!d || !path)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_deal_load_tape: needs a deal and a path");
    rt_sc_err e;
    api_locale loc;
    api_locale_enter(&loc);
    int ok = rt_tape_load(d->rt, path, &e);
    api_locale_leave(&loc);
    if (!ok)
        return api_sc_error(err, &e);
    d->desc.ncollateral = d->rt->collateral.n;
    api_ok(err);
    return DEALC_OK;
}
