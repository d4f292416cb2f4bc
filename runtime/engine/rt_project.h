/*
 * rt_project.h — projections: the collateral cash-flow engine, the
 * projection runner (engine + the deal's period function + the invariant
 * checks, period after period) and the fixed-income analytics (WAL, yield,
 * price, duration). docs/projection.md gives the conventions and the exact
 * order of operations; this header gives the contracts.
 *
 * Ownership: every object here is allocated once (rt_*_new) and reused for
 * any number of scenarios; nothing allocates per scenario or per period, so
 * a thread that owns one rt_proj can run scenarios back to back.
 * Threads: an rt_proj is used by one thread at a time; the rt_deal it reads
 * is shared read-only.
 * Money: balances and flows are whole cents held in int64_t (exact); rates
 * are rt_dec values held in int64_t (10^12 = 100%); probabilities and the
 * level-payment factor are doubles whose results are rounded half-up to the
 * cent before they become money.
 */
#ifndef RT_PROJECT_H
#define RT_PROJECT_H

#include <stdint.h>

#include "rt_internal.h"

/* ---- assumptions ------------------------------------------------------------ */

typedef enum rt_curve_kind {
    RT_CURVE_CPR = 0, /* level: annual rate (CPR or CDR), a fraction           */
    RT_CURVE_SMM,     /* level: monthly rate (SMM or MDR), a fraction          */
    RT_CURVE_PSA,     /* level: multiple of the 100% PSA ramp (1.5 = 150% PSA) */
    RT_CURVE_SDA,     /* level: multiple of the 100% SDA curve                 */
    RT_CURVE_RAMP,    /* start -> level (annual) over `months` of loan age (HEP) */
    RT_CURVE_VECTOR   /* vec[t-1]: annual rate of projection month t; the last repeats */
} rt_curve_kind;

typedef struct rt_curve {
    int kind;          /* rt_curve_kind */
    double level;
    double start;      /* RAMP only */
    int32_t months;    /* RAMP only: month of age at which `level` is reached */
    const double *vec; /* VECTOR only; not owned */
    int32_t nvec;
} rt_curve;

/* The annual rate (CPR or CDR) of a curve at a loan age / projection month
 * (both from 1); for SMM curves the monthly rate itself. */
double rt_curve_annual(const rt_curve *c, int32_t age, int32_t month);
/* 1 - (1 - annual)^(1/12), the SIFMA monthly rate; annual in [0, 1]. */
double rt_monthly_rate(double annual);
/* the monthly rate of a curve (SMM/MDR) at an age / projection month */
double rt_curve_monthly(const rt_curve *c, int32_t age, int32_t month);

/* One index input's path: values[t-1] is the rate for projection month t
 * (rt_dec, 10^12 = 100%); the last value repeats. n == 0: not given. */
typedef struct rt_index_path {
    const rt_dec *values;
    int32_t n;
} rt_index_path;

typedef struct rt_assump {
    rt_curve prepay, dflt;
    double severity;         /* fraction of a defaulted balance lost */
    int32_t lag;             /* months from default to liquidation, >= 0 */
    int advancing;           /* servicer advances interest on defaulted balance */
    const rt_index_path *index; /* one per deal input (ninputs), not owned */
    const rt_dec *input;     /* one value per deal input for period slots (the
                                first index value for index inputs); not owned */
    rt_curve draw;           /* revolving lines: the annual rate drawn of the
                                undrawn limit (CPR-like); level 0: no draws */
    int32_t periods;         /* stop after this many periods; 0: no limit */
    int to_call;             /* exercise the clean-up call */
} rt_assump;

/* ---- the collateral engine ---------------------------------------------------- */

/* The largest balance (or credit limit) one collateral line may have,
 * $1,000,000,000,000,000.00: the engine works in int64 cents with room
 * for a month's sums; the loan tape's reader refuses more, at its row. */
#define RT_LINE_MAX ((rt_dec)(RT_DEC_LIMIT / 1000))
#define RT_LINE_MAX_TEXT "1,000,000,000,000,000.00"

/* One month's flows of one group, whole cents. */
typedef struct rt_flows {
    int64_t begin;      /* pool balance at the start: performing + defaulted awaiting liquidation */
    int64_t scheduled;  /* scheduled principal (incl. a balloon)     */
    int64_t prepaid;    /* unscheduled principal                     */
    int64_t defaulted;  /* balance that defaulted this month         */
    int64_t liquidated; /* defaulted balance liquidated this month   */
    int64_t recoveries; /* liquidation proceeds                      */
    int64_t loss;       /* realised loss                             */
    int64_t interest;   /* net interest collected, advances included */
    int64_t advanced;   /* of which advanced by the servicer         */
    int64_t sold;       /* balance bought at par by the clean-up call */
    int64_t drawn;      /* new balance drawn on revolving lines (the draw rate) */
    int64_t loans;      /* lines with a balance left at the end (a loan tape's active loans) */
    int64_t end;        /* pool balance at the end                   */
} rt_flows;

typedef struct rt_pool rt_pool;

/* Sized for the deal's collateral lines, recovery lags up to max_lag and
 * projections up to max_periods months. NULL when out of memory. */
rt_pool *rt_pool_new(const rt_deal *d, int32_t max_lag, int32_t max_periods);
void rt_pool_free(rt_pool *p);

/* Loads the deal's lines for a new scenario. scale: per group, the balance
 * the group's lines are scaled to pro rata (NULL: as declared); age_shift:
 * months every line is aged (remaining terms shortened) before month 1.
 * 0 + message when the lines or the assumptions cannot be used. */
int rt_pool_start(rt_pool *p, const rt_assump *a, const int64_t *scale, int32_t age_shift,
                  char *msg, size_t msgsize);
/* Projects month t of every line; out[g] gets group g's flows. Months are
 * asked for in order, 1, 2, ... (the engine works a few months ahead). */
void rt_pool_month(rt_pool *p, int32_t t, rt_flows *out);
/* The clean-up call after month t's flows: every remaining balance (also the
 * defaulted one awaiting liquidation) is bought at par; added to out[g].sold
 * and its end balance becomes 0. */
void rt_pool_sell(rt_pool *p, rt_flows *out);
/* the pool balance of group g now (performing + awaiting liquidation):
 * after rt_pool_start, or the end of the last month handed out */
int64_t rt_pool_balance(const rt_pool *p, int32_t g);
/* The engine runs its lanes on AVX-512 when the processor has it (the
 * results are the same either way, to the cent: tests/runtime/test_engine.c).
 * on = 0 keeps it to the scalar code (tests, benchmarks); returns whether
 * the vector path is now in use. */
int rt_pool_set_simd(rt_pool *p, int on);

/* the level monthly payment on balance (cents) at a gross annual rate over
 * n remaining months: balance * r / (1 - (1 + r)^-n), r = rate / 12,
 * half-up to the cent (balance / n when the rate is 0) */
int64_t rt_level_payment(int64_t balance, double annual_rate, int32_t n);
/* a month's interest on balance (cents) at an annual rate (rt_dec units):
 * balance * rate / 12, half-up to the cent, exact (0 when either is <= 0)
 * for balances to 10^17 cents and rates to 10^13 (1000%), the largest
 * rt_pool_start accepts */
int64_t rt_month_interest(int64_t balance, int64_t rate);
/* rt_month_interest on the vector path, 8 at a time (balances below 2^40,
 * rates below 2^44, both >= 0): for tests; returns 0 when the processor
 * has no AVX-512 (out then comes from rt_month_interest) */
int rt_month_interest_lanes(const int64_t *bal, const int64_t *rate, int64_t *out);
/* the next gross rate of an adjustable line at a reset (all rt_dec rates):
 * index + margin, moved at most periodic_cap from current (cap 0: no limit),
 * then at most life_cap (0: none) and at least life_floor (and 0) */
rt_dec rt_arm_reset(rt_dec current, rt_dec index, rt_dec margin, rt_dec periodic_cap,
                    rt_dec life_cap, rt_dec life_floor);

/* ---- the projection runner ------------------------------------------------------ */

/* What one scenario produced, period by period (arrays of max_periods).
 * Every money figure is whole cents, taken from the period's slots after
 * the deal's period function and the checks ran (the statement's figures
 * of the same names; dealrt.h defines them). */
typedef struct rt_proj_result {
    int32_t nperiods;
    int called;              /* stopped by the clean-up call */
    int32_t *date;           /* payment date of period k (0-based)          */
    int32_t first_dist;      /* distribution number of period 0             */
    int64_t *class_begin;    /* [k * nclasses + c], cents */
    int64_t *class_int;
    int64_t *class_prin;
    int64_t *class_end;
    rt_dec *class_coupon;
    /* the new reach, [k * nclasses + c], cents: */
    int64_t *class_drawn;     /* a variable pay class's draw this period (RT_C_DRAWN) */
    int64_t *class_writedown; /* realized losses allocated (written down) this period */
    int64_t *class_loss_end;  /* unpaid realized loss carried out (cumulative, net of repayments) */
    int64_t *class_basis_end; /* basis risk shortfall carried forward out */
    int64_t *class_loss_paid; /* unpaid realized loss paid back this period (cash to the class) */
    int64_t *class_basis_paid; /* basis risk shortfall paid this period (cash to the class) */
    /* [(k * nparties + p) * RT_P_COUNT + RT_P_*], cents: what each party
     * (fee payees, the residual holder, insurers) was paid; an insurer's
     * draw, reimbursement and unreimbursed draws in and out */
    int64_t *party;
    /* [(k * nfunds + f) * RT_F_COUNT + RT_F_*], cents: each fund's and
     * account's beginning balance, deposit and what is left (an account's
     * closing balance) */
    int64_t *fund;
    /* [k * nmemory + m]: a trigger's state (0/1) on that date; a date's
     * day number once it has occurred, else RT_DATE_NEVER */
    int32_t *memory;
    rt_flows *flows;         /* [k * ngroups + g] */
} rt_proj_result;

typedef struct rt_proj rt_proj;

/* The start of every scenario: the opening state (NULL: the closing date,
 * the declared lines, original class balances) and the longest run. */
rt_proj *rt_proj_new(const rt_deal *d, rt_period_fn period, const rt_state *opening,
                     int32_t max_lag, int32_t max_periods);
void rt_proj_free(rt_proj *w);
/* Runs one scenario to the end; 1 on success, else 0 and a message naming
 * the payment date (a failed invariant, a failed period function). */
int rt_proj_run(rt_proj *w, const rt_assump *a, char *msg, size_t msgsize);
const rt_proj_result *rt_proj_result_get(const rt_proj *w);
/* the opening the scenarios start from */
const rt_state *rt_proj_opening(const rt_proj *w);

/* ---- analytics -------------------------------------------------------------------- */

/* Weighted average life: sum(t_i * p_i) / sum(p_i); 0 when no principal. */
double rt_wal(const double *principal, const double *t_years, int32_t n);
/* Present value of cash flows cf_i at t_i years at yield y compounded freq
 * times a year: sum cf_i (1 + y/freq)^(-freq t_i). */
double rt_pv(const double *cf, const double *t_years, int32_t n, double y, int freq);
/* The yield (compounded freq times a year) at which rt_pv equals pv; 1 on
 * success (to about 1e-12), 0 when there is none in (-freq, 10). */
int rt_yield(const double *cf, const double *t_years, int32_t n, double pv, int freq, double *y);
/* Modified duration: -(dPV/dy) / PV at y, in years. */
double rt_mod_duration(const double *cf, const double *t_years, int32_t n, double y, int freq);
/* Convexity: (d2PV/dy2) / PV at y, in years squared. */
double rt_convexity(const double *cf, const double *t_years, int32_t n, double y, int freq);
/* PV of cf_i at t_i discounted at zero[i] + z, each compounded freq times
 * a year: sum cf_i (1 + (zero_i + z)/freq)^(-freq t_i). */
double rt_pv_spread(const double *cf, const double *t_years, const double *zero, int32_t n, double z, int freq);
/* The spread z over the zero rates at which rt_pv_spread equals pv (the
 * Z-spread); 1 on success (to about 1e-13), 0 when there is none. */
int rt_zspread(const double *cf, const double *t_years, const double *zero, int32_t n, double pv, int freq,
               double *z);

/* The same for flows evenly spaced, t_j = t0 + j step (monthly flows on one
 * day of the month: step = 1/12 on 30/360), by Horner's rule in
 * (1 + y/freq)^(-freq step): O(n) multiplications and two pow calls an
 * evaluation. */
double rt_pv_even(const double *cf, int32_t n, double t0, double step, double y, int freq);
int rt_yield_even(const double *cf, int32_t n, double t0, double step, double pv, int freq, double *y);
double rt_mod_duration_even(const double *cf, int32_t n, double t0, double step, double y, int freq);

/* ---- commands (project.c) ------------------------------------------------------------ */

/* `BIN project ...` and `BIN grid ...`; argv[0] is the command name. */
int rt_project_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period);
int rt_grid_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period);
/* `BIN breakeven --class NAME ...`: the CDR of a class's first loss and full write-down */
int rt_breakeven_main(const char *prog, int argc, char **argv, rt_describe_fn describe, rt_period_fn period);
/* `BIN merge SHARD...`: the shards of one streamed grid into its output */
int rt_merge_main(const char *prog, int argc, char **argv, rt_describe_fn describe);
/* `BIN submit ... -- GRID-OPTIONS`: the shards and their merge as Slurm jobs */
int rt_submit_main(const char *prog, int argc, char **argv);

#endif /* RT_PROJECT_H */
