/*
 * rt_pricing.h — what a projection is worth to a buyer (pricing.c).
 *
 * In: a deal, the opening state, a projection's result (rt_project.h) and
 * the pricing conventions (settlement, price or yield, benchmark curve,
 * payment delay, accrual start, dates, the shift for effective duration).
 * Out: each class's summary (WAL, first and last principal, final payment,
 * totals), its cash flows as bought at settlement, and price, yield,
 * modified and effective duration, convexity, spread and Z-spread.
 *
 * Ownership: nothing here keeps what it is given; the caller passes the
 * scratch arrays (a run's periods of doubles each), so nothing allocates
 * per scenario but a cash plan, made once for a run of scenarios.
 * The API (dealc_project, the grids) and the commands all price here.
 */
#ifndef RT_PRICING_H
#define RT_PRICING_H

#include "rt_project.h"
#include "rt_scenario.h"

/* the longest run any line can need: its remaining term plus the lag,
 * bounded by the assumptions' periods and RT_SC_MAXPERIODS */
int32_t rt_proj_horizon(const rt_deal *d, const rt_assump *a);

typedef struct rt_class_sum {
    double wal;              /* years, actual/365.25, from `from`; 0 with no principal */
    int32_t first_principal; /* day numbers; 0: none */
    int32_t last_principal;
    int32_t final_payment;
    int64_t principal, interest; /* cents, in total */
} rt_class_sum;

/* the class's summary; t and pp: nperiods doubles of scratch */
void rt_class_summary(const rt_deal *d, const rt_proj_result *r, int32_t c, int32_t from, rt_class_sum *s,
                      double *t, double *pp);

typedef struct rt_bench_pt {
    double tenor, y; /* years; a yield as a fraction */
} rt_bench_pt;

enum { RT_ACCRUE_AUTO = 0, RT_ACCRUE_FIRST_OF_MONTH, RT_ACCRUE_PAYMENT_DATE };

typedef struct rt_pricing {
    int32_t settle;
    int by_price;
    double px, yld;
    rt_bench_pt curve[64];
    int ncurve, curve_file; /* curve_file: the points are a curve (the Z-spread needs one) */
    int rolled;             /* discount from the business-day-rolled dates, not the nominal ones */
    int accrual;            /* RT_ACCRUE_* */
    int delay;              /* days for every class; -1: each class's own */
    double shift;           /* effective duration: rates moved this much up and down (a fraction) */
} rt_pricing;

/* the options as given, NULL when not (oas: a Monte Carlo grid's) */
typedef struct rt_pricing_text {
    const char *settle, *price, *yield, *curve, *benchmark, *delay, *accrual_start, *pricing_dates, *shift, *oas;
} rt_pricing_text;

/* Checks the options together and parses them: 0 when no pricing is asked
 * for, 1 with *pr, -1 with *e (a curve file's error is located). oas_ok:
 * settlement may come with an OAS instead of a price or yield. */
int rt_pricing_parse(const rt_pricing_text *o, int oas_ok, rt_pricing *pr, rt_sc_err *e);

/* the benchmark yield at a tenor: flat, or linear on the curve, flat beyond its ends */
double rt_bench_at(const rt_bench_pt *c, int n, double t);
/* a curve file: TENOR YIELD lines (years, percent), tenors increasing, at most 64 */
int rt_bench_read(const char *path, rt_bench_pt *c, int *n, rt_sc_err *e);

/* A class's cash flows as a buyer settling on pr->settle receives them:
 * cf[m] at t[m] years (30/360 from settlement), the balance bought and the
 * interest accrued to settlement, both in dollars. With a payment delay d
 * the interest paid on a date accrues over the calendar month ending d + 1
 * days before its nominal date (the record-date convention: 24 days pays
 * on the 25th for the month before): the buyer gets the payments of the
 * accrual months from the settlement month on, and accrued interest runs
 * from the first of that month. Without one, interest accrues from one
 * distribution to the next: the buyer gets the payments after settlement,
 * and accrued interest runs from the last distribution on or before it (or
 * the start). Accrued interest is the balance times the coupon of the
 * first period bought, times the accrual days on the class's day count
 * over 360. Returns the number of flows; 0 when nothing is left to buy. */
int32_t rt_class_cash(const rt_deal *d, const rt_proj_result *r, const rt_state *open, int32_t c,
                      const rt_pricing *pr, double *cf, double *t, double *bal_out, double *accrued);
/* The same in two steps: what depends only on the calendar (which periods
 * are bought, their dates, the accrual days), planned once for a run of
 * scenarios from one opening; then each scenario's figures. */
typedef struct rt_cash_plan {
    int32_t k0;           /* the first period bought (n: none) */
    int32_t n;            /* periods planned */
    int32_t *days;        /* days[k], k >= k0: 30/360 days from settlement to period k's flow (>= 0) */
    int32_t accrual_days; /* from the accrual start to settlement, on the class's day count */
} rt_cash_plan;
int rt_cash_plan_make(const rt_deal *d, const rt_state *open, int32_t c, const rt_pricing *pr, int32_t nperiods,
                      rt_cash_plan *pl);
void rt_cash_plan_free(rt_cash_plan *pl);
int32_t rt_cash_apply(const rt_deal *d, const rt_cash_plan *pl, const rt_proj_result *r, const rt_state *open,
                      int32_t c, double *cf, double *t, double *bal_out, double *accrued);

typedef struct rt_price_stats {
    double wal;
    int32_t first, last, final;
    int64_t prin, intr;
    int priced;
    double price, yield, dur, convexity, spread, zspread, eff_dur, eff_conv;
    int has_spread, has_z, has_eff;
} rt_price_stats;

/* WAL from `from`, actual/365.25; price, yield, durations and spreads when
 * pr is not NULL (up and down: the same projection with every index rate
 * moved up and down by pr->shift, for the effective duration; NULL: none).
 * cf, t, pp: nperiods doubles of scratch. */
void rt_class_stats(const rt_deal *d, const rt_proj_result *r, const rt_state *open, int32_t c, int32_t from,
                    const rt_pricing *pr, const rt_proj_result *up, const rt_proj_result *down, rt_price_stats *st,
                    double *cf, double *t, double *pp);

#endif /* RT_PRICING_H */
