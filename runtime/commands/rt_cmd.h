/*
 * rt_cmd.h — what the project and grid commands share (project.c): the
 * options, loading the deal, state and assumptions, pricing a class's
 * projected flows, and writing a document all or nothing. Internal to the
 * runtime's commands; every name carries rt_cmd_.
 */
#ifndef RT_CMD_H
#define RT_CMD_H

#include "rt_output.h"
#include "rt_scenario.h"
#include "rt_tables.h"

typedef struct cmd_opts {
    const char *state, *scenario, *format, *klass, *settle, *price, *yield, *curve, *benchmark, *report,
        *output, *threads, *tape, *delay, *accrual_start, *pricing_dates, *shift;
    /* grid: scenario sets, Monte Carlo, streaming, shards */
    const char *scenarios, *paths, *seed, *hull_white, *rate_curve, *index_paths, *stream, *summary, *shard, *oas, *plan;
} cmd_opts;

typedef struct setup {
    rt_deal *d;
    rt_sc sc, file;
    rt_sc_res res;
    cmd_opts o;
    rt_format fmt;
    rt_state st;
    int has_state;
    int32_t klass; /* -1: all */
    char *stext;
    char path_standin[300]; /* "NAME=0" for the input Monte Carlo paths drive */
    int base_incomplete;    /* --scenarios: an input no flag gives (each row must) */
    rt_outset *os;          /* project and grid's tables: --output (or standard output) and --report */
    int out_i, report_i;
} setup;

typedef struct curve_pt {
    double tenor, y;
} curve_pt;

typedef struct stats {
    double wal;
    int32_t first, last, final;
    int64_t prin, intr;
    int priced;
    double price, yield, dur, convexity, spread, zspread, eff_dur, eff_conv;
    int has_spread, has_z, has_eff;
} stats;

enum { ACCRUE_AUTO = 0, ACCRUE_FIRST_OF_MONTH, ACCRUE_PAYMENT_DATE };

typedef struct pricing {
    int32_t settle;
    int by_price;
    double px, yld;
    curve_pt curve[64];
    int ncurve, curve_file; /* curve_file: the points are a curve (the Z-spread needs one) */
    int rolled;             /* discount from the business-day-rolled dates, not the nominal ones */
    int accrual;            /* ACCRUE_* */
    int delay;              /* days for every class; -1: each class's own */
    double shift;           /* effective duration: rates moved this much up and down (a fraction) */
} pricing;

/* prints a located file error or a usage error; returns the exit status */
int rt_cmd_report_sc_err(const char *prog, const rt_sc_err *e);
int rt_cmd_parse_format(const char *prog, const char *f, rt_format *out);
/* the longest run any line can need: its remaining term plus the lag */
int32_t rt_cmd_longest(const rt_deal *d, const rt_assump *a);
void rt_cmd_setup_free(setup *s);
/* parses the options and loads deal, tape, scenario file and state:
 * -1 to go on, else the exit status (the error printed) */
int rt_cmd_setup_load(setup *s, const char *prog, int argc, char **argv, int grid, rt_describe_fn describe);
/* The outputs of a command that writes one document (--output or standard
 * output, and --report), checked before any work is done: neither may be an
 * input, this program or the other. 0 after a message. */
int rt_cmd_open_outputs(setup *s);
/* writes the document (stdout or --output) and the report, all or nothing,
 * through the outputs rt_cmd_open_outputs opened */
int rt_cmd_emit(const setup *s, const rt_doc *doc);
const char *rt_cmd_money(char *buf, int64_t cents);
void rt_cmd_assumption_notes(rt_doc *doc, const setup *s, const char *pp, const char *df);
double rt_cmd_bench_at(const curve_pt *c, int n, double t);
int rt_cmd_read_curve(const char *path, curve_pt *c, int *n, rt_sc_err *e);
/* 0: no --settle; 1: pricing in pr; -1: a usage error, *rc its status */
int rt_cmd_parse_pricing(const char *prog, const cmd_opts *o, pricing *pr, int *rc);
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
int32_t rt_cmd_class_cash(const rt_deal *d, const rt_proj_result *r, const rt_state *open, int32_t c,
                          const pricing *pr, double *cf, double *t, double *bal_out, double *accrued);
/* The same in two steps: what depends only on the calendar (which periods
 * are bought, their dates, the accrual days), planned once for a run of
 * scenarios from one opening; then each scenario's figures. */
typedef struct cash_plan {
    int32_t k0;           /* the first period bought (n: none) */
    int32_t n;            /* periods planned */
    int32_t *days;        /* days[k], k >= k0: 30/360 days from settlement to period k's flow (>= 0) */
    int32_t accrual_days; /* from the accrual start to settlement, on the class's day count */
} cash_plan;
int rt_cmd_cash_plan(const rt_deal *d, const rt_state *open, int32_t c, const pricing *pr, int32_t nperiods,
                     cash_plan *pl);
void rt_cmd_cash_plan_free(cash_plan *pl);
int32_t rt_cmd_cash_apply(const rt_deal *d, const cash_plan *pl, const rt_proj_result *r, const rt_state *open,
                          int32_t c, double *cf, double *t, double *bal_out, double *accrued);
void rt_cmd_class_stats(const rt_deal *d, const rt_proj_result *r, const rt_state *open, int32_t c, int32_t from,
                        const pricing *pr, const rt_proj_result *up, const rt_proj_result *down, stats *st,
                        double *cf, double *t, double *pp);
void rt_cmd_fmt_date(char *b, int32_t z);
/* the Parties, Accounts and "Triggers and dates" tables of a projection */
void rt_cmd_reach_tables(rt_doc *doc, const rt_deal *d, const rt_proj_result *r);

#endif /* RT_CMD_H */
