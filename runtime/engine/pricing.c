/*
 * pricing.c — what a projection's figures are worth to a buyer: the
 * horizon of a run, each class's summary (WAL, first and last principal,
 * totals), its cash flows as bought at settlement, and price, yield,
 * durations and spreads (rt_pricing.h). The API's projections and grids
 * and the commands all price through here, so a figure cannot differ
 * between them.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_pricing.h"

/* the longest run any line can need: its remaining term plus the lag; the
 * deal binary's project and grid use it too (rt_cmd_longest) */
int32_t rt_proj_horizon(const rt_deal *d, const rt_assump *a)
{
    int32_t m = 1;
    for (int32_t i = 0; i < d->collateral.n; i++) {
        const rt_dec *f = d->collateral.v[i].field;
        rt_dec rem = f[RT_L_REMAINING_TERM] / RT_SCALE;
        if (rem <= 0)
            rem = (f[RT_L_ORIGINAL_TERM] - f[RT_L_AGE]) / RT_SCALE;
        if (rem > RT_SC_MAXPERIODS)
            rem = RT_SC_MAXPERIODS;
        if (rem > m)
            m = (int32_t)rem;
    }
    m += a->lag + 1;
    if (a->periods > 0 && a->periods < m)
        m = a->periods;
    return m > RT_SC_MAXPERIODS ? RT_SC_MAXPERIODS : m;
}

/* WAL from `from` (actual/365.25), the class's first and last principal
 * and final payment dates and its totals; rt_class_stats and grids use it. t and pp: nperiods doubles. */
void rt_class_summary(const rt_deal *d, const rt_proj_result *r, int32_t c, int32_t from, rt_class_sum *s,
                       double *t, double *pp)
{
    int32_t nc = d->classes.n;
    memset(s, 0, sizeof *s);
    int n = 0;
    for (int32_t k = 0; k < r->nperiods; k++) {
        int64_t p = r->class_prin[(size_t)k * nc + c], in = r->class_int[(size_t)k * nc + c];
        if (p > 0) {
            if (!s->first_principal)
                s->first_principal = r->date[k];
            s->last_principal = r->date[k];
        }
        if (p > 0 || in > 0)
            s->final_payment = r->date[k];
        s->principal += p;
        s->interest += in;
        if (r->date[k] > from) {
            pp[n] = (double)p / 100;
            t[n] = (r->date[k] - from) / 365.25;
            n++;
        }
    }
    s->wal = rt_wal(pp, t, n);
}

/* the benchmark yield at a tenor: flat, or linear on the curve, flat beyond its ends */
double rt_bench_at(const rt_bench_pt *c, int n, double t)
{
    if (n == 1 || t <= c[0].tenor)
        return c[0].y;
    for (int i = 1; i < n; i++)
        if (t <= c[i].tenor)
            return c[i - 1].y + (c[i].y - c[i - 1].y) * (t - c[i - 1].tenor) / (c[i].tenor - c[i - 1].tenor);
    return c[n - 1].y;
}

int rt_bench_read(const char *path, rt_bench_pt *c, int *n, rt_sc_err *e)
{
    rt_sc_origin o = {path, 0, 0};
    char *text = NULL;
    size_t len = 0;
    rt_err re;
    if (!rt_read_file(path, &text, &len, &re))
        return rt_sc_fail(e, &o, "%s", re.msg);
    int cnt = 0, line = 0, ok = 1;
    char *cur = text, *p, *q;
    while (ok && (q = rt_text_line(&cur, &line, &p))) {
        if (*q) {
            o.line = line;
            o.col = (int)(q - p) + 1;
            char *sp = q + strcspn(q, " \t,");
            rt_dec tv, yv;
            rt_numtext ti, yi;
            char *y = sp + strspn(sp, " \t,");
            size_t yl = strcspn(y, " \t\r");
            if (rt_dec_parse(q, (size_t)(sp - q), &tv, &ti) != RT_PARSE_OK || ti.percent || tv <= 0) {
                ok = rt_sc_fail(e, &o, "expected TENOR (years, above 0) then YIELD (percent)");
                break;
            }
            o.col = (int)(y - p) + 1;
            if (!yl || rt_dec_parse(y, yl, &yv, &yi) != RT_PARSE_OK || y[yl + strspn(y + yl, " \t\r")]) {
                ok = rt_sc_fail(e, &o, "expected a yield in percent after the tenor");
                break;
            }
            double tenor = (double)tv / (double)RT_SCALE;
            if (cnt > 0 && tenor <= c[cnt - 1].tenor) {
                o.col = (int)(q - p) + 1;
                ok = rt_sc_fail(e, &o, "tenors must increase");
                break;
            }
            if (cnt >= 64) {
                ok = rt_sc_fail(e, &o, "at most 64 points on a curve");
                break;
            }
            c[cnt].tenor = tenor;
            c[cnt].y = (double)(yi.percent ? yv : yv / 100) / (double)RT_SCALE;
            cnt++;
        }
    }
    if (ok && cnt == 0) {
        o.line = 0;
        ok = rt_sc_fail(e, &o, "the curve has no points");
    }
    free(text);
    *n = cnt;
    return ok;
}

/* ---- a class's cash flows, bought at settlement (rt_pricing.h) ---- */

void rt_cash_plan_free(rt_cash_plan *pl)
{
    free(pl->days);
    pl->days = NULL;
}

int rt_cash_plan_make(const rt_deal *d, const rt_state *open, int32_t c, const rt_pricing *pr, int32_t nperiods,
                     rt_cash_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    const rt_class_info *ci = &d->classes.v[c];
    int delay = pr->delay >= 0 ? pr->delay : ci->delay;
    int first_of_month = pr->accrual == RT_ACCRUE_FIRST_OF_MONTH || (pr->accrual == RT_ACCRUE_AUTO && delay > 0);
    int sy, sm, sd;
    rt_civil_from_days(pr->settle, &sy, &sm, &sd);
    pl->days = calloc((size_t)nperiods + 1, sizeof *pl->days);
    if (!pl->days)
        return 0;
    pl->n = nperiods;
    pl->k0 = nperiods;
    int32_t last = open->payment_date;
    for (int32_t k = 0; k < nperiods; k++) {
        int32_t n = open->distribution_number + 1 + k;
        int32_t nominal = rt_nominal_payment_date(d->first_payment, d->payment_day, n);
        int32_t date = rt_payment_date(d, n);
        int bought;
        if (first_of_month) {
            /* the accrual month of this payment: the month of its nominal
             * date less the delay and a day */
            int ay, am, ad;
            rt_civil_from_days(nominal - delay - 1, &ay, &am, &ad);
            bought = ay * 12 + am >= sy * 12 + sm;
        } else {
            bought = date > pr->settle;
        }
        if (!bought) {
            last = date;
            continue;
        }
        if (pl->k0 == nperiods)
            pl->k0 = k;
        int32_t days = rt_days_30_360(pr->settle, pr->rolled ? date : nominal);
        pl->days[k] = days > 0 ? days : 0;
    }
    int32_t from = first_of_month ? rt_days_from_civil(sy, sm, 1) : last;
    pl->accrual_days = ci->daycount == RT_DC_ACT_360 ? pr->settle - from : rt_days_30_360(from, pr->settle);
    if (pl->accrual_days < 0)
        pl->accrual_days = 0;
    return 1;
}

int32_t rt_cash_apply(const rt_deal *d, const rt_cash_plan *pl, const rt_proj_result *r, const rt_state *open,
                          int32_t c, double *cf, double *t, double *bal_out, double *accrued)
{
    int32_t nc = d->classes.n, k0 = pl->k0, end = r->nperiods < pl->n ? r->nperiods : pl->n;
    int64_t bal = k0 == 0 ? (int64_t)(open->class_balance[c] / RT_CENT)
                          : r->class_end[(size_t)((k0 <= r->nperiods ? k0 : r->nperiods) - 1) * nc + c];
    *bal_out = (double)bal / 100;
    *accrued = 0;
    int32_t m = 0;
    for (int32_t k = k0; k < end; k++) {
        /* all the cash the holder receives: losses and basis risk paid back too */
        size_t x = (size_t)k * nc + c;
        cf[m] = (double)(r->class_prin[x] + r->class_int[x] + r->class_loss_paid[x] + r->class_basis_paid[x]) / 100;
        t[m] = pl->days[k] / 360.0;
        m++;
    }
    if (bal <= 0 || m == 0)
        return 0;
    rt_dec coupon = r->class_coupon[(size_t)k0 * nc + c];
    *accrued = (double)bal / 100 * ((double)coupon / (double)RT_SCALE) * pl->accrual_days / 360.0;
    return m;
}

int32_t rt_class_cash(const rt_deal *d, const rt_proj_result *r, const rt_state *open, int32_t c,
                          const rt_pricing *pr, double *cf, double *t, double *bal_out, double *accrued)
{
    rt_cash_plan pl;
    if (!rt_cash_plan_make(d, open, c, pr, r->nperiods, &pl)) {
        *bal_out = 0;
        *accrued = 0;
        return 0;
    }
    int32_t m = rt_cash_apply(d, &pl, r, open, c, cf, t, bal_out, accrued);
    rt_cash_plan_free(&pl);
    return m;
}

/* WAL from `from`, actual/365.25; price, yield, durations and spreads when
 * asked (up and down: the same class projected with every index rate moved
 * up and down by pr->shift, for the effective duration; NULL: none) */
void rt_class_stats(const rt_deal *d, const rt_proj_result *r, const rt_state *open, int32_t c, int32_t from,
                        const rt_pricing *pr, const rt_proj_result *up, const rt_proj_result *down, rt_price_stats *st,
                        double *cf, double *t, double *pp)
{
    memset(st, 0, sizeof *st);
    rt_class_sum cs;
    rt_class_summary(d, r, c, from, &cs, t, pp);
    st->wal = cs.wal;
    st->first = cs.first_principal;
    st->last = cs.last_principal;
    st->final = cs.final_payment;
    st->prin = cs.principal;
    st->intr = cs.interest;
    if (!pr)
        return;
    double b, accrued = 0;
    int32_t m = rt_class_cash(d, r, open, c, pr, cf, t, &b, &accrued);
    if (m == 0)
        return;
    double dirty;
    if (pr->by_price) {
        st->price = pr->px;
        dirty = b * pr->px / 100 + accrued;
        if (!rt_yield(cf, t, m, dirty, 2, &st->yield))
            return;
    } else {
        st->yield = pr->yld;
        dirty = rt_pv(cf, t, m, pr->yld, 2);
        st->price = (dirty - accrued) / b * 100;
    }
    st->dur = rt_mod_duration(cf, t, m, st->yield, 2);
    st->convexity = rt_convexity(cf, t, m, st->yield, 2);
    st->priced = 1;
    if (pr->ncurve > 0) {
        st->spread = (st->yield - rt_bench_at(pr->curve, pr->ncurve, st->wal)) * 10000;
        st->has_spread = 1;
    }
    if (pr->curve_file) {
        /* the curve's points as zero-coupon yields (semiannual), linear
         * between them and flat beyond: pp holds each flow's zero rate */
        for (int32_t i = 0; i < m; i++)
            pp[i] = rt_bench_at(pr->curve, pr->ncurve, t[i]);
        double z;
        if (rt_zspread(cf, t, pp, m, dirty, 2, &z)) {
            st->zspread = z * 10000;
            st->has_z = 1;
        }
    }
    if (up && down && pr->shift > 0) {
        /* each shifted projection priced at the yield moved the same way */
        double bu, bd, au = 0, ad = 0;
        int32_t mu = rt_class_cash(d, up, open, c, pr, cf, t, &bu, &au);
        double pu = mu ? rt_pv(cf, t, mu, st->yield + pr->shift, 2) : 0;
        int32_t md = rt_class_cash(d, down, open, c, pr, cf, t, &bd, &ad);
        double pd = md ? rt_pv(cf, t, md, st->yield - pr->shift, 2) : 0;
        if (mu && md && dirty > 0) {
            st->eff_dur = (pd - pu) / (2 * dirty * pr->shift);
            st->eff_conv = (pd + pu - 2 * dirty) / (dirty * pr->shift * pr->shift);
            st->has_eff = 1;
        }
    }
}

/* the texts given (NULL: not given); messages name the options as the
 * command lines spell them. 0: no pricing asked for; 1: *pr; -1: *e */
int rt_pricing_parse(const rt_pricing_text *o, int oas_ok, rt_pricing *pr, rt_sc_err *e)
{
    rt_sc_origin none = {NULL, 0, 0};
    memset(pr, 0, sizeof *pr);
    const char *bad = NULL;
    if (o->price && o->yield)
        bad = "give --price or --yield, not both";
    else if ((o->price || o->yield) && !o->settle)
        bad = "--price and --yield need --settle DATE";
    else if (o->settle && !o->price && !o->yield && !(oas_ok && o->oas))
        bad = oas_ok ? "--settle needs --price P, --yield Y or (with paths) --oas BP"
                     : "--settle needs --price P or --yield Y";
    else if ((o->curve || o->benchmark) && !o->settle)
        bad = "--curve and --benchmark need --settle with --price or --yield";
    else if ((o->delay || o->accrual_start || o->pricing_dates || o->shift) && !o->settle)
        bad = "--delay, --accrual-start, --pricing-dates and --shift need --settle with --price or --yield";
    else if (o->curve && o->benchmark)
        bad = "give --curve or --benchmark, not both";
    if (bad) {
        rt_sc_fail(e, &none, "%s", bad);
        return -1;
    }
    if (!o->settle)
        return 0;
    if (!rt_date_parse(o->settle, strlen(o->settle), &pr->settle)) {
        rt_sc_fail(e, &none, "--settle needs a date YYYY-MM-DD, found \"%s\"", o->settle);
        return -1;
    }
    rt_dec v;
    rt_numtext info;
    const char *s = o->price ? o->price : o->yield;
    if (!s) {
        /* a grid with Monte Carlo paths: values at an --oas, no price */
        v = 0;
        memset(&info, 0, sizeof info);
    } else if (rt_dec_parse(s, strlen(s), &v, &info) != RT_PARSE_OK || v <= 0 || (o->price && info.percent)) {
        rt_sc_fail(e, &none,
                   o->price ? "--price needs a price per 100 (such as 99.5), found \"%s\""
                            : "--yield needs a yield in percent (such as 5.25), found \"%s\"",
                   s);
        return -1;
    }
    pr->by_price = o->price != NULL;
    if (o->price)
        pr->px = (double)v / (double)RT_SCALE;
    else
        pr->yld = (double)(info.percent ? v : v / 100) / (double)RT_SCALE;
    if (o->benchmark) {
        if (rt_dec_parse(o->benchmark, strlen(o->benchmark), &v, &info) != RT_PARSE_OK) {
            rt_sc_fail(e, &none, "--benchmark needs a yield in percent, found \"%s\"", o->benchmark);
            return -1;
        }
        pr->curve[0].tenor = 1;
        pr->curve[0].y = (double)(info.percent ? v : v / 100) / (double)RT_SCALE;
        pr->ncurve = 1;
    }
    if (o->curve) {
        if (!rt_bench_read(o->curve, pr->curve, &pr->ncurve, e))
            return -1;
        pr->curve_file = 1;
    }
    pr->delay = -1;
    if (o->delay) {
        char *end;
        long dl = strtol(o->delay, &end, 10);
        if (*end || end == o->delay || dl < 0 || dl > 365) {
            rt_sc_fail(e, &none, "--delay needs a whole number of days from 0 to 365, found \"%s\"", o->delay);
            return -1;
        }
        pr->delay = (int)dl;
    }
    if (o->accrual_start) {
        if (strcmp(o->accrual_start, "first-of-month") == 0)
            pr->accrual = RT_ACCRUE_FIRST_OF_MONTH;
        else if (strcmp(o->accrual_start, "payment-date") == 0)
            pr->accrual = RT_ACCRUE_PAYMENT_DATE;
        else {
            rt_sc_fail(e, &none, "--accrual-start is first-of-month or payment-date, found \"%s\"",
                       o->accrual_start);
            return -1;
        }
    }
    if (o->pricing_dates) {
        if (strcmp(o->pricing_dates, "rolled") == 0)
            pr->rolled = 1;
        else if (strcmp(o->pricing_dates, "unadjusted") != 0) {
            rt_sc_fail(e, &none, "--pricing-dates is unadjusted or rolled, found \"%s\"", o->pricing_dates);
            return -1;
        }
    }
    pr->shift = 0.0025;
    if (o->shift) {
        rt_numtext si;
        if (rt_dec_parse(o->shift, strlen(o->shift), &v, &si) != RT_PARSE_OK || si.percent || v <= 0 ||
            v > 1000 * RT_SCALE) {
            rt_sc_fail(e, &none, "--shift needs basis points above 0 (such as 25), found \"%s\"", o->shift);
            return -1;
        }
        pr->shift = (double)v / (double)RT_SCALE / 10000;
    }
    return 1;
}
