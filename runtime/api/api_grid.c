/*
 * api_grid.c — grids through the public API.
 *
 * dealc_grid_run: every combination of a scenario's lists on threads into
 * WAL and balance tables, held at once.
 *
 * dealc_scenarios_*: a scenario set of any size (the engine's rt_sset:
 * lists, a scenarios file, Monte Carlo paths), opened with its pricing
 * and checked as the grid command always checked it, then run over a
 * range of its scenarios on threads, each scenario's record handed to
 * the caller's callback in scenario order (BIN grid is a client: grid.c).
 *
 * The figures are the deal binary's: the same runner (rt_proj_run), the
 * same horizon, the same WAL (actual/365.25, from the start or the
 * settlement), the same anniversaries of the closing date for the
 * decrement tables, and the same pricing (rt_cash_plan, rt_yield).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_internal.h"
#include "rt_pricing.h"
#include "rt_scenario.h"
#include "rt_scenset.h"

/* ---- a grid ----------------------------------------------------------------------------------- */

typedef struct grid_impl {
    dealc_grid pub;
    char **labels; /* nprepay + ndefault */
    double *wal;
    int32_t *anniv;
    int64_t *bal;
    int32_t *years_used;
} grid_impl;

void dealc_grid_free(dealc_grid *g)
{
    if (!g)
        return;
    grid_impl *x = (grid_impl *)g;
    if (x->labels)
        for (int32_t i = 0; i < g->nprepay + g->ndefault; i++)
            free(x->labels[i]);
    free(x->labels);
    free(x->wal);
    free(x->anniv);
    free(x->bal);
    free(x->years_used);
    free(x);
}

typedef struct grid_job {
    const dealc_deal *d;
    const rt_state *opening;
    const rt_sc_res *res;
    grid_impl *g;
    int32_t maxp;
    int nthreads, tid;
    char (*err)[RT_ERRMAX];
    int *failed;
} grid_job;

/* one scenario's WAL and balances at the anniversaries (project.c's grid) */
static void grid_one(grid_job *j, rt_proj *w, double *t, double *p, int sc)
{
    const rt_deal *d = j->d->rt;
    grid_impl *g = j->g;
    int32_t nc = d->classes.n, ny = g->pub.nyears;
    rt_assump a = j->res->a;
    a.prepay = j->res->pp[sc / j->res->ndf];
    a.dflt = j->res->df[sc % j->res->ndf];
    if (!rt_proj_run(w, &a, j->err[sc], RT_ERRMAX)) {
        j->failed[sc] = 1;
        return;
    }
    const rt_proj_result *r = rt_proj_result_get(w);
    const rt_state *open = rt_proj_opening(w);
    for (int32_t c = 0; c < nc; c++) {
        dealc_class_summary cs;
        api_class_summary(d, r, c, open->payment_date, &cs, t, p);
        g->wal[(size_t)sc * nc + c] = cs.principal > 0 ? cs.wal : -1;
        int32_t k = 0;
        int64_t bal = (int64_t)(open->class_balance[c] / RT_CENT);
        for (int32_t y = 0; y < ny; y++) {
            while (k < r->nperiods && r->date[k] <= g->anniv[y])
                bal = r->class_end[(size_t)k++ * nc + c];
            g->bal[((size_t)sc * ny + y) * nc + c] = bal;
        }
    }
    int32_t used = 0;
    for (int32_t y = 0; y < ny; y++)
        if (r->nperiods > 0 && g->anniv[y] <= r->date[r->nperiods - 1])
            used = y + 1;
    g->years_used[sc] = used + 1;
}

static void *grid_worker(void *arg)
{
    grid_job *j = arg;
    /* the thread's own C locale: the runner formats its error messages */
    api_locale loc;
    api_locale_enter(&loc);
    rt_proj *w = rt_proj_new(j->d->rt, j->d->period, j->opening, j->res->a.lag, j->maxp);
    double *t = malloc(((size_t)j->maxp + 1) * sizeof *t), *p = malloc(((size_t)j->maxp + 1) * sizeof *p);
    for (int sc = j->tid; sc < j->g->pub.nscenarios; sc += j->nthreads) {
        if (!w || !t || !p) {
            snprintf(j->err[sc], RT_ERRMAX, "out of memory");
            j->failed[sc] = 1;
            continue;
        }
        grid_one(j, w, t, p, sc);
    }
    free(t);
    free(p);
    rt_proj_free(w);
    api_locale_leave(&loc);
    return NULL;
}

static int32_t anniversary(int32_t closing, int y)
{
    int yy, m, dd;
    rt_civil_from_days(closing, &yy, &m, &dd);
    int dim = rt_days_in_month(yy + y, m);
    return rt_days_from_civil(yy + y, m, dd > dim ? dim : dd);
}

dealc_status dealc_grid_run(const dealc_deal *d, const dealc_state *opening, const dealc_scenario *s,
                            int32_t nthreads, dealc_grid **out, dealc_error *err)
{
    dealc_error local; /* the status of a failure is needed here even when the caller wants no details */
    if (!err)
        err = &local;
    if (!out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_grid_run: out is NULL");
    *out = NULL;
    if (!api_check_opening(d, opening, s, err, "dealc_grid_run"))
        return err->status;
    if (nthreads < 0 || nthreads > 256)
        return api_fail(err, DEALC_ERR_USAGE, "threads: from 1 to 256 (0: one per core), not %d", (int)nthreads);
    api_locale loc;
    api_locale_enter(&loc);
    const rt_deal *r = d->rt;
    rt_sc_res res;
    grid_impl *x = NULL;
    grid_job *jobs = NULL;
    pthread_t *th = NULL;
    int *joinable = NULL, *failed = NULL;
    char(*errs)[RT_ERRMAX] = NULL;
    dealc_status st = api_resolve(d, s, 1, &res, err);
    if (st != DEALC_OK)
        goto done;
    int nscen = res.npp * res.ndf;
    int32_t nc = r->classes.n;
    int32_t maxp = rt_proj_horizon(r, &res.a);
    int32_t start = opening ? opening->st.payment_date : r->closing;
    int32_t ny = maxp / 12 + 2;
    if (nthreads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        nthreads = n < 1 ? 1 : n > 256 ? 256 : (int32_t)n;
    }
    if (nthreads > nscen)
        nthreads = nscen;
    x = calloc(1, sizeof *x);
    if (!x) {
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        goto done;
    }
    x->pub.nprepay = res.npp;
    x->pub.ndefault = res.ndf;
    x->labels = calloc((size_t)(res.npp + res.ndf), sizeof *x->labels);
    x->wal = calloc((size_t)nscen * nc + 1, sizeof *x->wal);
    x->anniv = calloc((size_t)ny, sizeof *x->anniv);
    x->bal = calloc((size_t)nscen * ny * nc + 1, sizeof *x->bal);
    x->years_used = calloc((size_t)nscen, sizeof *x->years_used);
    errs = calloc((size_t)nscen, sizeof *errs);
    failed = calloc((size_t)nscen, sizeof *failed);
    jobs = calloc((size_t)nthreads, sizeof *jobs);
    th = calloc((size_t)nthreads, sizeof *th);
    joinable = calloc((size_t)nthreads, sizeof *joinable);
    if (!x->labels || !x->wal || !x->anniv || !x->bal || !x->years_used || !errs || !failed || !jobs || !th ||
        !joinable) {
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < res.npp + res.ndf; i++)
        if (!(x->labels[i] = strdup(i < res.npp ? res.pp_label[i] : res.df_label[i - res.npp]))) {
            st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
            goto done;
        }
    x->pub.prepay = (const char *const *)x->labels;
    x->pub.dflt = (const char *const *)x->labels + res.npp;
    x->pub.nscenarios = nscen;
    x->pub.nclasses = nc;
    x->pub.start_date = start;
    x->pub.nyears = ny;
    /* anniversaries of the closing date after the start */
    int32_t y0 = 1;
    while (anniversary(r->closing, y0) <= start)
        y0++;
    for (int32_t y = 0; y < ny; y++)
        x->anniv[y] = anniversary(r->closing, y0 + y);
    for (int i = 0; i < nthreads; i++) {
        jobs[i] = (grid_job){d, opening ? &opening->st : NULL, &res, x, maxp, nthreads, i, errs, failed};
        if (nthreads > 1 && pthread_create(&th[i], NULL, grid_worker, &jobs[i]) == 0)
            joinable[i] = 1;
        else
            grid_worker(&jobs[i]); /* one thread wanted, or none to be had: this share runs here */
    }
    for (int i = 0; i < nthreads; i++)
        if (joinable[i])
            pthread_join(th[i], NULL);
    for (int sc = 0; sc < nscen; sc++)
        if (failed[sc]) {
            st = api_fail(err, DEALC_ERR_RUN, "scenario %d (%s, %s): %s", sc + 1, res.pp_label[sc / res.ndf],
                          res.df_label[sc % res.ndf], errs[sc]);
            goto done;
        }
    x->pub.wal = x->wal;
    x->pub.anniversaries = x->anniv;
    x->pub.balances = x->bal;
    x->pub.years_used = x->years_used;
    *out = &x->pub;
    x = NULL;
    api_ok(err);
done:
    dealc_grid_free(x ? &x->pub : NULL);
    free(jobs);
    free(th);
    free(joinable);
    free(failed);
    free(errs);
    rt_sc_res_free(&res);
    api_locale_leave(&loc);
    return st;
}


/* ---- scenario sets -------------------------------------------------------------------------- */

static const char *const set_keys[] = {"scenarios", "paths", "seed", "hull-white", "rate-curve", "index-paths"};
enum { K_ROWS, K_PATHS, K_SEED, K_HW, K_CURVE, K_IP, NSETKEYS };

struct dealc_scenarios {
    char *v[NSETKEYS];
    int opened, tried, running;
    const dealc_deal *d;
    const dealc_state *opening;
    rt_sc base;              /* the flags over the file, and the paths' stand-in */
    char standin[300];
    rt_sc_res res;           /* the base resolved, lists allowed */
    int has_res;
    rt_sset_cfg cfg;
    char pname[256];
    rt_sset set;
    int has_set;
    rt_pricing pr;
    int has_pr;              /* conventional pricing per scenario (a price or a yield) */
    int mc_value;            /* paths and settlement: each path valued at its rates */
    int oas_sums;            /* ... and a price: the sums an OAS is solved from */
    double oas;              /* the spread for those values (a fraction) */
    int32_t maxp, from;
    rt_cash_plan *plan;      /* per class: the calendar of its bought flows */
    double *oasf;            /* e^(-oas t) for each number of days t from settlement */
    int32_t ndays;
    int32_t *anniv;
    dealc_scenarios_info info;
};

dealc_status dealc_scenarios_new(dealc_scenarios **out, dealc_error *err)
{
    if (!out)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenarios_new: out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    api_ok(err);
    return DEALC_OK;
}

dealc_status dealc_scenarios_set(dealc_scenarios *ss, const char *key, const char *value, dealc_error *err)
{
    if (!ss || !key)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenarios_set: needs a set and a key");
    if (ss->opened)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenarios_set: the set is open");
    int i = 0;
    while (i < NSETKEYS && strcmp(set_keys[i], key) != 0)
        i++;
    if (i == NSETKEYS)
        return api_fail(err, DEALC_ERR_USAGE, "unknown scenario set option \"%s\" (docs/projection.md lists them)",
                        key);
    if (!value || !*value)
        return api_fail(err, DEALC_ERR_USAGE, "option --%s needs a non-empty argument", key);
    if (ss->v[i])
        return api_fail(err, DEALC_ERR_USAGE, "option --%s given twice", key);
    if (!(ss->v[i] = strdup(value)))
        return api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    api_ok(err);
    return DEALC_OK;
}

void dealc_scenarios_free(dealc_scenarios *ss)
{
    if (!ss)
        return;
    for (int i = 0; i < NSETKEYS; i++)
        free(ss->v[i]);
    if (ss->has_set)
        rt_sset_close(&ss->set);
    if (ss->has_res)
        rt_sc_res_free(&ss->res);
    if (ss->plan && ss->d)
        for (int32_t c = 0; c < ss->d->rt->classes.n; c++)
            rt_cash_plan_free(&ss->plan[c]);
    free(ss->plan);
    free(ss->oasf);
    free(ss->anniv);
    free(ss);
}

const dealc_scenarios_info *dealc_scenarios_describe(const dealc_scenarios *ss)
{
    return ss && ss->opened ? &ss->info : NULL;
}

void api_scenarios_notes(rt_doc *doc, const dealc_scenarios *ss)
{
    api_assumption_notes(doc, ss->d->rt, &ss->res, NULL, NULL);
}

int api_whole64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return 0;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v < (unsigned long long)lo || v > (unsigned long long)hi)
        return 0;
    *out = (int64_t)v;
    return 1;
}

/* the options checked together, as the grid command always has, in its
 * order (so that of two mistakes the same one is named) */
static dealc_status check_options(dealc_scenarios *ss, const dealc_pricing *pricing, double *hw_a, double *hw_sigma,
                                  dealc_error *err)
{
    const char *rows = ss->v[K_ROWS], *paths = ss->v[K_PATHS], *seed = ss->v[K_SEED], *hw = ss->v[K_HW],
               *curve = ss->v[K_CURVE], *ip = ss->v[K_IP];
    const char *settle = api_pricing_value(pricing, "settle"), *oas = api_pricing_value(pricing, "oas");
    rt_sset_cfg *cfg = &ss->cfg;
    if (rows && (ss->res.npp > 1 || ss->res.ndf > 1))
        return api_fail(err, DEALC_ERR_USAGE, "%s",
                        "with --scenarios the rows are the scenarios: give single values, not lists");
    if (hw && ip)
        return api_fail(err, DEALC_ERR_USAGE, "%s", "give --hull-white or --index-paths, not both");
    if ((paths || seed || curve || oas) && !hw && !ip)
        return api_fail(err, DEALC_ERR_USAGE, "%s",
                        "--paths, --seed, --rate-curve and --oas need --hull-white or --index-paths");
    if (hw && (!paths || !curve))
        return api_fail(err, DEALC_ERR_USAGE, "%s",
                        "--hull-white needs --paths N and --rate-curve FILE (the forward curve)");
    if (ip && (seed || curve))
        return api_fail(err, DEALC_ERR_USAGE, "%s", "--seed and --rate-curve are for --hull-white");
    if (oas && !settle)
        return api_fail(err, DEALC_ERR_USAGE, "%s", "--oas needs --settle DATE");
    if (paths) {
        int64_t n;
        if (!api_whole64(paths, 1, 100000000, &n))
            return api_fail(err, DEALC_ERR_USAGE, "--paths needs a whole number from 1 to 100,000,000, found \"%s\"",
                            paths);
        cfg->npaths = n;
    }
    if (seed) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(seed, &end, 10);
        if (!*seed || *seed == '-' || *end || errno)
            return api_fail(err, DEALC_ERR_USAGE, "--seed needs a whole number from 0 to 2^64 - 1, found \"%s\"",
                            seed);
        cfg->seed = v;
    }
    if (oas) {
        rt_dec v;
        rt_numtext info;
        if (rt_dec_parse(oas, strlen(oas), &v, &info) != RT_PARSE_OK || info.percent || v > 10000 * RT_SCALE ||
            v < -10000 * RT_SCALE)
            return api_fail(err, DEALC_ERR_USAGE, "--oas needs basis points (such as 50 or -20), found \"%s\"", oas);
        ss->oas = (double)v / (double)RT_SCALE / 10000;
    }
    if (hw || ip) {
        const char *v = hw ? hw : ip, *eq = strchr(v, '=');
        if (!eq || eq == v || (size_t)(eq - v) >= sizeof ss->pname) {
            if (hw)
                return api_fail(err, DEALC_ERR_USAGE, "--hull-white needs NAME=MEAN_REVERSION,VOLATILITY, found \"%s\"",
                                v);
            return api_fail(err, DEALC_ERR_USAGE, "--index-paths needs NAME=FILE, found \"%s\"", v);
        }
        memcpy(ss->pname, v, (size_t)(eq - v));
        ss->pname[eq - v] = '\0';
        cfg->path_input = ss->pname;
        if (ip) {
            cfg->paths_file = eq + 1;
        } else {
            const char *comma = strchr(eq + 1, ',');
            rt_dec av, sv;
            rt_numtext ai, si;
            if (!comma || rt_dec_parse(eq + 1, (size_t)(comma - eq - 1), &av, &ai) != RT_PARSE_OK || ai.percent ||
                rt_dec_parse(comma + 1, strlen(comma + 1), &sv, &si) != RT_PARSE_OK)
                return api_fail(err, DEALC_ERR_USAGE,
                                "--hull-white needs NAME=MEAN_REVERSION,VOLATILITY (such as 0.1,1%%: a mean "
                                "reversion a year and a volatility in percent), found \"%s\"",
                                v);
            if (sv < 0)
                return api_fail(err, DEALC_ERR_USAGE, "--hull-white: the volatility is below zero (\"%s\")", v);
            if (av < 0)
                return api_fail(err, DEALC_ERR_USAGE, "--hull-white: the mean reversion is below zero (\"%s\")", v);
            *hw_a = (double)av / (double)RT_SCALE;
            *hw_sigma = (double)(si.percent ? sv : sv / 100) / (double)RT_SCALE;
            cfg->hull_white = 1;
        }
    }
    int got = api_pricing_resolve(pricing, 1, &ss->pr, err);
    if (got < 0)
        return err->status;
    const char *price = api_pricing_value(pricing, "price"), *yield = api_pricing_value(pricing, "yield");
    ss->has_pr = got > 0 && (price || yield);
    ss->mc_value = settle && (hw || ip);
    if (got > 0 && !price && !yield)
        ss->pr.by_price = 0; /* settlement with an OAS only: the values, no conventional price */
    ss->oas_sums = ss->mc_value && ss->pr.by_price && price;
    return DEALC_OK;
}


dealc_status dealc_scenarios_open(dealc_scenarios *ss, const dealc_deal *d, const dealc_state *opening,
                                  const dealc_scenario *base, const dealc_pricing *pricing, dealc_error *err)
{
    dealc_error local; /* the status of a failure is needed here even when the caller wants no details */
    if (!err)
        err = &local;
    if (!ss)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenarios_open: needs a set");
    if (ss->tried)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenarios_open: a set is opened once");
    if (!api_check_opening(d, opening, base, err, "dealc_scenarios_open"))
        return err->status;
    ss->tried = 1;
    api_locale loc;
    api_locale_enter(&loc);
    const rt_deal *r = d->rt;
    dealc_status st = DEALC_OK;
    rt_sc_err e;
    ss->d = d;
    ss->opening = opening;
    /* the flags over the file (its directory finds its vector files) */
    ss->base = base->flags;
    if (base->has_file) {
        memcpy(ss->base.dir, base->file.dir, sizeof ss->base.dir);
        rt_sc_merge(&ss->base, &base->file);
    }
    ss->base.nfiles = 0; /* the texts stay owned by base */
    /* Monte Carlo paths give the index they drive: a stand-in value for
     * it, which each path replaces */
    const char *pv = ss->v[K_HW] ? ss->v[K_HW] : ss->v[K_IP];
    const char *peq = pv ? strchr(pv, '=') : NULL;
    if (peq && (size_t)(peq - pv) + 3 < sizeof ss->standin) {
        rt_sc_origin none = {NULL, 0, 0};
        snprintf(ss->standin, sizeof ss->standin, "%.*s=0", (int)(peq - pv), pv);
        if (!rt_sc_set(&ss->base, "index", ss->standin, &none, &e)) {
            st = api_sc_error(err, &e);
            goto done;
        }
    }
    ss->has_res = 1;
    if (!rt_sc_resolve(r, &ss->base, 1, &ss->res, &e) &&
        /* with a scenarios file an input may come from its rows (each row
         * is checked for it when the file is opened) */
        !(ss->v[K_ROWS] && !e.o.file && strncmp(e.msg, "the deal's input", 16) == 0)) {
        st = api_sc_error(err, &e);
        goto done;
    }
    if (r->collateral.n == 0) {
        st = api_fail(err, DEALC_ERR_DEAL, "the deal declares no collateral lines to project");
        goto done;
    }
    double hw_a = 0, hw_sigma = 0;
    if ((st = check_options(ss, pricing, &hw_a, &hw_sigma, err)) != DEALC_OK)
        goto done;
    /* the set */
    rt_sset_cfg *cfg = &ss->cfg;
    ss->maxp = rt_proj_horizon(r, &ss->res.a);
    cfg->base = &ss->base;
    cfg->lists = &ss->res;
    cfg->rows = ss->v[K_ROWS];
    cfg->months = ss->maxp;
    if (cfg->hull_white) {
        rt_bench_pt pts[64];
        int npts = 0;
        if (!rt_bench_read(ss->v[K_CURVE], pts, &npts, &e)) {
            st = api_sc_error(err, &e);
            goto done;
        }
        double ten[64], fwd[64];
        for (int i = 0; i < npts; i++) {
            ten[i] = pts[i].tenor;
            fwd[i] = pts[i].y;
        }
        char msg[200];
        if (!rt_hw_fit(&cfg->hw, hw_a, hw_sigma, ten, fwd, npts, ss->maxp, msg, sizeof msg)) {
            st = api_fail(err, DEALC_ERR_USAGE, "--hull-white: %s", msg);
            goto done;
        }
    }
    if (ss->v[K_IP] && !ss->v[K_PATHS]) {
        /* every path in the file: counted when opened */
        rt_pathfile pf;
        rt_err fe;
        if (!rt_pathfile_open(&pf, cfg->paths_file, &fe)) {
            st = api_fail_file(err, DEALC_ERR_INPUT, cfg->paths_file, &fe);
            goto done;
        }
        cfg->npaths = pf.count;
        rt_pathfile_close(&pf);
    }
    if (!rt_sset_open(&ss->set, r, cfg, &e)) {
        rt_sset_close(&ss->set);
        st = api_sc_error(err, &e);
        goto done;
    }
    ss->has_set = 1;
    int32_t start = opening ? opening->st.payment_date : r->closing;
    ss->from = api_pricing_value(pricing, "settle") ? ss->pr.settle : start;
    if (api_pricing_value(pricing, "settle")) {
        /* the flows a buyer gets depend on the calendar alone: planned once */
        rt_proj *w0 = rt_proj_new(r, d->period, opening ? &opening->st : NULL, 0, 1);
        ss->plan = calloc((size_t)r->classes.n + 1, sizeof *ss->plan);
        ss->ndays = 30 * (ss->maxp + 2);
        ss->oasf = malloc((size_t)ss->ndays * sizeof *ss->oasf);
        int ok = w0 && ss->plan && ss->oasf;
        for (int32_t c = 0; ok && c < r->classes.n; c++)
            ok = rt_cash_plan_make(r, rt_proj_opening(w0), c, &ss->pr, ss->maxp, &ss->plan[c]);
        for (int32_t t = 0; ok && t < ss->ndays; t++)
            ss->oasf[t] = rt_mc_exp(-ss->oas * t / 360.0);
        rt_proj_free(w0);
        if (!ok) {
            st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    /* anniversaries of the closing date after the start */
    int32_t ny = ss->maxp / 12 + 2, y0 = 1;
    if (!(ss->anniv = calloc((size_t)ny, sizeof *ss->anniv))) {
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
        goto done;
    }
    while (anniversary(r->closing, y0) <= start)
        y0++;
    for (int32_t y = 0; y < ny; y++)
        ss->anniv[y] = anniversary(r->closing, y0 + y);
    ss->info.count = ss->set.n;
    ss->info.paths = cfg->npaths > 0 ? cfg->npaths : 0;
    ss->info.start_date = start;
    ss->info.months = ss->maxp;
    ss->info.nyears = ny;
    ss->info.anniversaries = ss->anniv;
    ss->info.priced = ss->has_pr;
    ss->info.valued = ss->mc_value;
    ss->info.oas = ss->oas_sums;
    ss->info.price = ss->pr.px;
    ss->opened = 1;
    api_ok(err);
done:
    api_locale_leave(&loc);
    return st;
}

/* ---- running a set ----------------------------------------------------------------------------
 * Workers take scenarios in order and run each into a slot of a window of
 * a few scenarios per thread; whichever thread finishes the next scenario
 * in order hands out every finished record from there, under the lock.
 * So records come in scenario order whatever the threads, and memory is
 * the window's, not the set's. Nothing allocates per scenario but what
 * the scenario set's reader and the runner do (rt_sset_prepare, rt_proj_run). */

/* per class and worker, the OAS sums in exact integers (so that the
 * threads' order of adding does not matter) */
typedef struct gslot {
    int state; /* 0 free, 1 running, 2 done, 3 failed */
    int64_t k;
    dealc_grid_class *rec; /* nc */
    int64_t *bal;          /* nc * nyears */
    int32_t years_used;
    char label[2 * RT_SC_LABEL + 32];
    char err[RT_ERRMAX];
} gslot;

typedef struct grun grun;

typedef struct gworker {
    grun *g;
    rt_proj *w;
    rt_scen sc;
    double *cf, *t, *pp;
    double *cum;   /* maxp + 1: the path's discount factor to the end of month m */
    double *dfc;   /* the path's discount factor to a number of days, computed once a scenario */
    int64_t *dfk;  /* the scenario whose factor dfc holds, per day */
    int32_t ndays;
    api_agg *ag;       /* per class shown */
    int ok;
} gworker;

struct grun {
    dealc_scenarios *ss;
    int64_t lo, hi;
    int nthreads;
    int nc;        /* classes shown */
    int32_t *cls;  /* their indexes */
    dealc_grid_record_fn fn;
    void *ctx;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int64_t next_take, next_emit;
    gslot *slots;
    int W;
    int stop, stopped, failed;
    int64_t fail_k;
    char fail_label[2 * RT_SC_LABEL + 32];
    char fail_msg[RT_ERRMAX];
    api_agg *sum;      /* per class shown, with the OAS sums */
};

/* The day count of a 30/360 time in years back to whole days */
static int32_t days_of(double t)
{
    return (int32_t)(t * 360 + 0.5);
}

/* a path's discount factor to `days` (30/360) from settlement: its whole
 * months' factors (wk->cum, multiplied in order once a scenario), and the
 * next month's to the fraction of it (rt_mc_exp and rt_mc_log: the same
 * bits on any machine); each day computed once a scenario, as the classes
 * share their payment dates */
static double path_discount(gworker *wk, int32_t days)
{
    int32_t months = wk->g->ss->maxp;
    if (days < 0)
        days = 0;
    if (days < wk->ndays && wk->dfk[days] == wk->sc.k)
        return wk->dfc[days];
    int32_t m = days / 30, frac = days % 30;
    double d = wk->cum[m < months ? m : months];
    if (frac > 0) {
        double next = wk->sc.disc[m < months ? m : months - 1];
        d *= rt_mc_exp(rt_mc_log(next) * frac / 30.0);
    }
    if (days < wk->ndays) {
        wk->dfc[days] = d;
        wk->dfk[days] = wk->sc.k;
    }
    return d;
}

/* 1 when the flows are 30 days apart (t[j] = t[0] + j / 12) */
static int even_months(const double *t, int32_t m)
{
    int32_t d0 = days_of(t[0]);
    for (int32_t j = 1; j < m; j++)
        if (days_of(t[j]) != d0 + 30 * j)
            return 0;
    return 1;
}

/* one scenario's figures for the classes shown */
static void scenario_records(gworker *wk, const rt_proj_result *r, const rt_state *open, gslot *sl)
{
    grun *g = wk->g;
    const dealc_scenarios *ss = g->ss;
    const rt_deal *d = ss->d->rt;
    int32_t nc = d->classes.n, ny = ss->info.nyears;
    const int32_t *anniv = ss->anniv;
    int64_t left = 0;
    if (r->nperiods > 0)
        for (int32_t gr = 0; gr < d->groups.n; gr++)
            left += r->flows[(size_t)(r->nperiods - 1) * d->groups.n + gr].end;
    int ended = r->called || (r->nperiods > 0 && left == 0);
    if (ss->mc_value && wk->sc.has_disc) {
        wk->cum[0] = 1;
        for (int32_t s = 0; s < ss->maxp; s++)
            wk->cum[s + 1] = wk->cum[s] * wk->sc.disc[s];
    }
    for (int i = 0; i < g->nc; i++) {
        int32_t c = g->cls[i];
        dealc_grid_class *x = &sl->rec[i];
        int64_t *bal = &sl->bal[(size_t)i * ny];
        memset(x, 0, sizeof *x);
        x->klass = c;
        x->balances = bal;
        rt_price_stats st;
        rt_class_stats(d, r, open, c, ss->from, NULL, NULL, NULL, &st, wk->cf, wk->t, wk->pp);
        x->principal = st.prin;
        x->interest = st.intr;
        x->final_payment = st.final;
        x->has_wal = st.prin > 0;
        x->wal = st.wal;
        x->loss = DEALC_NONE;
        int64_t open_bal = (int64_t)(open->class_balance[c] / RT_CENT);
        x->opening_balance = open_bal;
        if (d->classes.v[c].kind == RT_CLASS_PRINCIPAL && ended)
            /* what the class did not get back: its balance left, and what
             * was written down and not paid back (unpaid realized loss) */
            x->loss = r->nperiods > 0 ? r->class_end[(size_t)(r->nperiods - 1) * nc + c] +
                                            r->class_loss_end[(size_t)(r->nperiods - 1) * nc + c]
                                      : open_bal;
        /* the balance at each anniversary: the last one paid on or before it */
        int32_t q = 0;
        int64_t b0 = open_bal;
        for (int32_t y = 0; y < ny; y++) {
            while (q < r->nperiods && r->date[q] <= anniv[y])
                b0 = r->class_end[(size_t)q++ * nc + c];
            bal[y] = b0;
        }
        if (!ss->has_pr && !ss->mc_value)
            continue;
        double b, accrued = 0;
        int32_t m = rt_cash_apply(d, &ss->plan[c], r, open, c, wk->cf, wk->t, &b, &accrued);
        if (m == 0)
            continue;
        if (ss->has_pr) {
            double y, price, dirty, t0 = wk->t[0];
            int ok = 1, even = even_months(wk->t, m);
            if (ss->pr.by_price) {
                price = ss->pr.px;
                dirty = b * price / 100 + accrued;
                ok = even ? rt_yield_even(wk->cf, m, t0, 1.0 / 12, dirty, 2, &y) : rt_yield(wk->cf, wk->t, m, dirty, 2, &y);
            } else {
                y = ss->pr.yld;
                dirty = even ? rt_pv_even(wk->cf, m, t0, 1.0 / 12, y, 2) : rt_pv(wk->cf, wk->t, m, y, 2);
                price = (dirty - accrued) / b * 100;
            }
            if (ok) {
                x->priced = 1;
                x->yield = y;
                x->price = price;
                x->mod_duration = even ? rt_mod_duration_even(wk->cf, m, t0, 1.0 / 12, y, 2)
                                       : rt_mod_duration(wk->cf, wk->t, m, y, 2);
            }
        }
        if (ss->mc_value && wk->sc.has_disc) {
            double pv = 0;
            api_agg *a = wk->ag ? &wk->ag[i] : NULL;
            for (int32_t j = 0; j < m; j++) {
                int32_t dd = days_of(wk->t[j]);
                double df = path_discount(wk, dd);
                pv += wk->cf[j] * df * ss->oasf[dd < ss->ndays ? dd : ss->ndays - 1];
                if (a) {
                    /* micro-dollars: a flow's below 2^63 (9 trillion dollars) */
                    double micro = wk->cf[j] * df * 1e6;
                    a->flow[j] += (int64_t)(micro < 0 ? micro - 0.5 : micro + 0.5);
                    if (a->days[j] < 0)
                        a->days[j] = dd;
                    else if (a->days[j] != dd)
                        a->conflict = 1;
                }
            }
            if (a) {
                if (m > a->nflows)
                    a->nflows = m;
                a->balance += (int64_t)(b * 100 + 0.5);
                a->accrued += (int64_t)(accrued * 1e6 + 0.5);
            }
            x->valued = 1;
            x->value = (pv - accrued) / b * 100;
        }
    }
    int32_t used = 0;
    for (int32_t y = 0; y < ny; y++)
        if (r->nperiods > 0 && anniv[y] <= r->date[r->nperiods - 1])
            used = y + 1;
    sl->years_used = used + 1;
}

/* under the lock: hands out every finished scenario the window holds, in
 * order */
static void emit_ready(grun *g)
{
    while (!g->stop && g->next_emit < g->hi) {
        gslot *sl = &g->slots[(g->next_emit - g->lo) % g->W];
        if ((sl->state != 2 && sl->state != 3) || sl->k != g->next_emit)
            break;
        if (sl->state == 3) {
            if (!g->failed) {
                g->failed = 1;
                g->fail_k = sl->k;
                snprintf(g->fail_label, sizeof g->fail_label, "%s", sl->label);
                snprintf(g->fail_msg, sizeof g->fail_msg, "%s", sl->err);
            }
            break;
        }
        dealc_grid_record rec = {sl->k, sl->label, g->nc, (int32_t)sizeof(dealc_grid_class), sl->rec, sl->years_used};
        sl->state = 0;
        g->next_emit++;
        if (g->fn && g->fn(g->ctx, &rec) != 0)
            g->stop = g->stopped = 1;
    }
}

static void *worker(void *arg)
{
    gworker *wk = arg;
    grun *g = wk->g;
    dealc_scenarios *ss = g->ss;
    rt_sc_err e;
    /* the thread's own C locale: the runner formats its error messages */
    api_locale loc;
    api_locale_enter(&loc);
    for (;;) {
        pthread_mutex_lock(&g->mu);
        while (!g->stop && !g->failed && g->next_take < g->hi && g->next_take - g->next_emit >= g->W)
            pthread_cond_wait(&g->cv, &g->mu);
        if (g->stop || g->failed || g->next_take >= g->hi) {
            pthread_mutex_unlock(&g->mu);
            break;
        }
        int64_t k = g->next_take++;
        gslot *sl = &g->slots[(k - g->lo) % g->W];
        sl->k = k;
        sl->state = 1;
        int ok = wk->ok && rt_sset_take(&ss->set, k, &wk->sc, &e);
        pthread_mutex_unlock(&g->mu);

        if (!wk->ok)
            snprintf(sl->err, sizeof sl->err, "out of memory");
        else if (ok && !rt_sset_prepare(&ss->set, &wk->sc, &e))
            ok = 0;
        if (wk->ok && !ok) {
            /* a file that changed under the run */
            if (e.o.file)
                snprintf(sl->err, sizeof sl->err, "%.300s:%d:%d: %.600s", e.o.file, e.o.line, e.o.col, e.msg);
            else
                snprintf(sl->err, sizeof sl->err, "%s", e.msg);
        }
        snprintf(sl->label, sizeof sl->label, "%s", ok ? wk->sc.label : "");
        if (ok && !rt_proj_run(wk->w, &wk->sc.a, sl->err, sizeof sl->err))
            ok = 0;
        if (ok)
            scenario_records(wk, rt_proj_result_get(wk->w), rt_proj_opening(wk->w), sl);
        pthread_mutex_lock(&g->mu);
        sl->state = ok ? 2 : 3;
        emit_ready(g);
        pthread_cond_broadcast(&g->cv);
        pthread_mutex_unlock(&g->mu);
    }
    api_locale_leave(&loc);
    return NULL;
}

static void worker_free(gworker *wk, int nc)
{
    rt_proj_free(wk->w);
    rt_scen_free(&wk->sc);
    free(wk->cf);
    free(wk->t);
    free(wk->pp);
    free(wk->cum);
    free(wk->dfc);
    free(wk->dfk);
    if (wk->ag) {
        for (int c = 0; c < nc; c++)
            api_agg_free(&wk->ag[c]);
        free(wk->ag);
    }
}

/* everything a thread needs, allocated before its loop */
static int worker_init(gworker *wk, grun *g)
{
    memset(wk, 0, sizeof *wk);
    wk->g = g;
    const dealc_scenarios *ss = g->ss;
    const dealc_deal *d = ss->d;
    wk->w = rt_proj_new(d->rt, d->period, ss->opening ? &ss->opening->st : NULL, ss->set.max_lag, ss->maxp);
    size_t n = (size_t)ss->maxp + 2;
    wk->cf = malloc(n * sizeof *wk->cf);
    wk->t = malloc(n * sizeof *wk->t);
    wk->pp = malloc(n * sizeof *wk->pp);
    wk->cum = malloc(n * sizeof *wk->cum);
    wk->ndays = 30 * (ss->maxp + 2);
    wk->dfc = malloc((size_t)wk->ndays * sizeof *wk->dfc);
    wk->dfk = malloc((size_t)wk->ndays * sizeof *wk->dfk);
    for (int32_t i = 0; wk->dfk && i < wk->ndays; i++)
        wk->dfk[i] = -1;
    int ok = wk->w && wk->cf && wk->t && wk->pp && wk->cum && wk->dfc && wk->dfk &&
             rt_scen_init(&wk->sc, d->rt, ss->maxp);
    if (ok && ss->oas_sums) {
        wk->ag = calloc((size_t)g->nc + 1, sizeof *wk->ag);
        ok = wk->ag != NULL;
        for (int c = 0; ok && c < g->nc; c++)
            ok = api_agg_init(&wk->ag[c], ss->maxp);
    }
    wk->ok = ok;
    return ok;
}

typedef struct totals_impl {
    dealc_grid_totals pub;
    dealc_oas_sums *oas;
    int32_t **days;
    dealc_int128 **flows;
} totals_impl;

void dealc_grid_totals_free(dealc_grid_totals *t)
{
    if (!t)
        return;
    totals_impl *x = (totals_impl *)t;
    for (int32_t c = 0; x->days && c < t->nclasses; c++)
        free(x->days[c]);
    for (int32_t c = 0; x->flows && c < t->nclasses; c++)
        free(x->flows[c]);
    free(x->days);
    free(x->flows);
    free(x->oas);
    free(x);
}

static dealc_int128 to128(__int128 v)
{
    dealc_int128 r = {(int64_t)(v >> 64), (uint64_t)v};
    return r;
}

static __int128 from128(dealc_int128 v)
{
    return (__int128)(((unsigned __int128)(uint64_t)v.hi << 64) | v.lo);
}

/* the run's sums as the API's; 0 out of memory */
static int totals_oas(totals_impl *x, const api_agg *sum, int nc)
{
    x->oas = calloc((size_t)nc + 1, sizeof *x->oas);
    x->days = calloc((size_t)nc + 1, sizeof *x->days);
    x->flows = calloc((size_t)nc + 1, sizeof *x->flows);
    if (!x->oas || !x->days || !x->flows)
        return 0;
    for (int c = 0; c < nc; c++) {
        const api_agg *a = &sum[c];
        dealc_oas_sums *o = &x->oas[c];
        x->days[c] = malloc(((size_t)a->nflows + 1) * sizeof *x->days[c]);
        x->flows[c] = malloc(((size_t)a->nflows + 1) * sizeof *x->flows[c]);
        if (!x->days[c] || !x->flows[c])
            return 0;
        for (int32_t j = 0; j < a->nflows; j++) {
            x->days[c][j] = a->days[j];
            x->flows[c][j] = to128(a->flow[j]);
        }
        o->nflows = a->nflows;
        o->conflict = a->conflict;
        o->days = x->days[c];
        o->flows = x->flows[c];
        o->balance = to128(a->balance);
        o->accrued = to128(a->accrued);
    }
    x->pub.oas = x->oas;
    return 1;
}

dealc_status dealc_scenarios_run(dealc_scenarios *ss, int64_t lo, int64_t hi, int32_t nthreads, int32_t klass,
                                 dealc_grid_record_fn fn, void *ctx, dealc_grid_totals **out, dealc_error *err)
{
    if (out)
        *out = NULL;
    if (!ss || !ss->opened)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenarios_run: needs an open set");
    if (ss->running)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenarios_run: the set is running already");
    if (lo < 0 || hi < lo || hi > ss->set.n)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenarios_run: scenarios %lld to %lld of a set of %lld",
                        (long long)lo, (long long)hi, (long long)ss->set.n);
    const rt_deal *r = ss->d->rt;
    if (klass < -1 || klass >= r->classes.n)
        return api_fail(err, DEALC_ERR_USAGE, "dealc_scenarios_run: no class %d", (int)klass);
    if (nthreads < 0 || nthreads > 256)
        return api_fail(err, DEALC_ERR_USAGE, "threads: from 1 to 256 (0: one per core), not %d", (int)nthreads);
    if (nthreads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        nthreads = n < 1 ? 1 : n > 256 ? 256 : (int32_t)n;
    }
    if (nthreads > hi - lo)
        nthreads = hi - lo > 0 ? (int32_t)(hi - lo) : 1;
    api_locale loc;
    api_locale_enter(&loc);
    ss->running = 1;
    grun g;
    memset(&g, 0, sizeof g);
    g.ss = ss;
    g.lo = lo;
    g.hi = hi;
    g.nthreads = nthreads;
    g.fn = fn;
    g.ctx = ctx;
    g.W = 4 * nthreads + 2;
    int32_t ny = ss->info.nyears;
    g.cls = calloc((size_t)r->classes.n + 1, sizeof *g.cls);
    for (int32_t c = 0; g.cls && c < r->classes.n; c++)
        if (klass < 0 || c == klass)
            g.cls[g.nc++] = c;
    g.slots = calloc((size_t)g.W, sizeof *g.slots);
    gworker *wk = calloc((size_t)nthreads, sizeof *wk);
    pthread_t *th = calloc((size_t)nthreads, sizeof *th);
    int *joinable = calloc((size_t)nthreads, sizeof *joinable);
    totals_impl *x = calloc(1, sizeof *x);
    int ok = g.cls && g.slots && wk && th && joinable && x;
    for (int i = 0; ok && i < g.W; i++) {
        g.slots[i].rec = calloc((size_t)g.nc + 1, sizeof *g.slots[i].rec);
        g.slots[i].bal = calloc((size_t)g.nc * ny + 1, sizeof *g.slots[i].bal);
        ok = g.slots[i].rec && g.slots[i].bal;
    }
    if (ok && ss->oas_sums) {
        g.sum = calloc((size_t)g.nc + 1, sizeof *g.sum);
        ok = g.sum != NULL;
        for (int c = 0; ok && c < g.nc; c++)
            ok = api_agg_init(&g.sum[c], ss->maxp);
    }
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.cv, NULL);
    g.next_take = g.next_emit = lo;
    for (int i = 0; ok && i < nthreads; i++) {
        worker_init(&wk[i], &g);
        if (nthreads > 1 && pthread_create(&th[i], NULL, worker, &wk[i]) == 0)
            joinable[i] = 1;
    }
    for (int i = 0; ok && i < nthreads; i++)
        if (!joinable[i])
            worker(&wk[i]); /* one thread wanted, or none to be had: this share runs here */
    for (int i = 0; ok && i < nthreads; i++)
        if (joinable[i])
            pthread_join(th[i], NULL);
    /* the Monte Carlo sums: integers, so the threads' order of adding
     * does not matter */
    for (int i = 0; wk && i < nthreads; i++) {
        if (ok && wk[i].ag && g.sum)
            for (int c = 0; c < g.nc; c++)
                api_agg_add(&g.sum[c], &wk[i].ag[c]);
        worker_free(&wk[i], g.nc);
    }
    pthread_mutex_destroy(&g.mu);
    pthread_cond_destroy(&g.cv);
    dealc_status st = DEALC_OK;
    if (!ok)
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    else if (g.failed)
        st = api_fail(err, DEALC_ERR_RUN, "scenario %lld (%s): %s", (long long)g.fail_k + 1, g.fail_label,
                      g.fail_msg);
    else if (g.sum && !totals_oas(x, g.sum, g.nc))
        st = api_fail(err, DEALC_ERR_NOMEM, "out of memory");
    if (st == DEALC_OK) {
        x->pub.lo = lo;
        x->pub.hi = hi;
        x->pub.done = g.next_emit - lo;
        x->pub.stopped = g.stopped;
        x->pub.nclasses = g.nc;
        if (out) {
            *out = &x->pub;
            x = NULL;
        }
        api_ok(err);
    }
    dealc_grid_totals_free(x ? &x->pub : NULL);
    for (int i = 0; g.slots && i < g.W; i++) {
        free(g.slots[i].rec);
        free(g.slots[i].bal);
    }
    for (int c = 0; g.sum && c < g.nc; c++)
        api_agg_free(&g.sum[c]);
    free(g.sum);
    free(g.slots);
    free(g.cls);
    free(wk);
    free(th);
    free(joinable);
    ss->running = 0;
    api_locale_leave(&loc);
    return st;
}

/* sum_j A_j e^(-s t_j) = price / 100 x balances + accrued, solved by
 * bisection (the left side falls as s rises) */
int dealc_oas_solve(const dealc_oas_sums *a, double price, double *oas)
{
    if (!a || !oas || a->conflict || from128(a->balance) <= 0)
        return 0;
    /* micro-dollars: a cent is 10^4 of them, and the price is per 100 */
    double target = (double)from128(a->balance) * 1e4 * (price / 100) + (double)from128(a->accrued);
    double lo = -0.5, hi = 5.0;
    for (int it = 0; it < 200; it++) {
        double mid = (lo + hi) / 2, v = 0;
        for (int32_t j = 0; j < a->nflows; j++)
            if (a->days[j] >= 0)
                v += (double)from128(a->flows[j]) * rt_mc_exp(-mid * a->days[j] / 360.0);
        if (it == 0 && a->nflows == 0)
            return 0;
        if (v > target)
            lo = mid;
        else
            hi = mid;
    }
    if (lo <= -0.5 + 1e-9 || hi >= 5.0 - 1e-9)
        return 0;
    *oas = (lo + hi) / 2;
    return 1;
}

/* ---- the OAS sums of a run, a shard or a merge (api_internal.h) ---- */

void api_agg_free(api_agg *a)
{
    free(a->flow);
    free(a->days);
}

int api_agg_init(api_agg *a, int32_t maxp)
{
    memset(a, 0, sizeof *a);
    a->flow = calloc((size_t)maxp + 1, sizeof *a->flow);
    a->days = malloc(((size_t)maxp + 1) * sizeof *a->days);
    if (!a->flow || !a->days)
        return 0;
    for (int32_t j = 0; j <= maxp; j++)
        a->days[j] = -1;
    return 1;
}

void api_agg_add(api_agg *to, const api_agg *from)
{
    for (int32_t j = 0; j < from->nflows; j++) {
        to->flow[j] += from->flow[j];
        if (to->days[j] < 0)
            to->days[j] = from->days[j];
        else if (from->days[j] >= 0 && to->days[j] != from->days[j])
            to->conflict = 1;
    }
    if (from->nflows > to->nflows)
        to->nflows = from->nflows;
    to->balance += from->balance;
    to->accrued += from->accrued;
    to->conflict |= from->conflict;
}
