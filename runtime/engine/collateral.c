/*
 * collateral.c — the collateral cash-flow engine: month by month, for each
 * collateral line, defaults, interest, scheduled principal, prepayments and
 * liquidations, summed per group into the figures a remittance reports.
 *
 * Speed matters (thousands of 360-month scenarios a second), so the month
 * step is a few dozen integer and floating operations per line: balances
 * are whole cents in int64_t, rates rt_dec values in int64_t, and the speed
 * curves are turned into monthly rates once per scenario, into tables
 * indexed by loan age or projection month. Exactness matters too: every
 * amount is rounded half-up to the cent where it is computed and the
 * balances are then moved by those rounded amounts only, so the pool
 * balance identity (end = begin - principal - loss) holds to the cent.
 * The order of operations is docs/projection.md's; keep the two in step.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_project.h"

/* ---- curves ----------------------------------------------------------------------- */

double rt_monthly_rate(double annual)
{
    if (annual <= 0)
        return 0;
    if (annual >= 1)
        return 1;
    return 1.0 - pow(1.0 - annual, 1.0 / 12.0);
}

/* 100% PSA: 0.2% CPR in month 1, 0.2% more each month to 6% at 30, then 6% */
static double psa(int32_t age)
{
    if (age < 1)
        age = 1;
    return 0.002 * (age < 30 ? age : 30);
}

/* 100% SDA: 0.02% CDR at month 1 rising 0.02% a month to 0.60% at 30, flat
 * to 60, falling 0.0095% a month to 0.03% at 120, flat after */
static double sda(int32_t age)
{
    if (age < 1)
        age = 1;
    if (age <= 30)
        return 0.0002 * age;
    if (age <= 60)
        return 0.006;
    if (age <= 120)
        return 0.006 - 0.000095 * (age - 60);
    return 0.0003;
}

double rt_curve_annual(const rt_curve *c, int32_t age, int32_t month)
{
    double v = 0;
    switch (c->kind) {
    case RT_CURVE_CPR:
    case RT_CURVE_SMM:
        v = c->level;
        break;
    case RT_CURVE_PSA:
        v = c->level * psa(age);
        break;
    case RT_CURVE_SDA:
        v = c->level * sda(age);
        break;
    case RT_CURVE_RAMP:
        /* start at age 1, level at age `months`, linearly between */
        if (c->months <= 1 || age >= c->months)
            v = c->level;
        else if (age <= 1)
            v = c->start;
        else
            v = c->start + (c->level - c->start) * (double)(age - 1) / (double)(c->months - 1);
        break;
    case RT_CURVE_VECTOR:
        if (c->nvec > 0)
            v = c->vec[month < 1 ? 0 : month > c->nvec ? c->nvec - 1 : month - 1];
        break;
    }
    if (v < 0)
        v = 0;
    if (v > 1)
        v = 1;
    return v;
}

double rt_curve_monthly(const rt_curve *c, int32_t age, int32_t month)
{
    double v = rt_curve_annual(c, age, month);
    return c->kind == RT_CURVE_SMM ? v : rt_monthly_rate(v);
}

/* ---- the formulas --------------------------------------------------------------------- */

/* half-up to the cent of a non-negative product in cents */
static int64_t cents(double x)
{
    return x <= 0 ? 0 : (int64_t)(x + 0.5);
}

int64_t rt_level_payment(int64_t balance, double annual_rate, int32_t n)
{
    if (balance <= 0)
        return 0;
    if (n < 1)
        n = 1;
    double r = annual_rate / 12.0;
    if (r <= 0)
        return cents((double)balance / n);
    /* B r / (1 - (1+r)^-n), written as B r v / (v - 1) with v = (1+r)^n to
     * keep the one pow and avoid a small difference near 1 */
    double v = pow(1.0 + r, n);
    return cents((double)balance * r * v / (v - 1.0));
}

/* balance (cents) x annual rate (rt_dec) / 12, half-up, exact: with
 * n = balance * rate (one 64x64 product) and D = 12 * 10^12, the quotient
 * q = floor(n / D) goes up by one when the remainder r has 2r >= D.
 *
 * This runs two or three times per line and month. A single loan's
 * product fits 64 bits (a $10 million loan at 18% is 1.8e18 < 2^64), and
 * then q and r are one 64-bit division by a constant (a multiplication)
 * inline; the same q and r as the 128-bit division, so the same result.
 * Bigger products (a representative line of a whole pool) take the 128-bit
 * path out of line. */
static __attribute__((noinline)) int64_t month_interest_wide(unsigned __int128 n)
{
    /* D = 2^14 * 732421875: below 2^78 a shift and a division by a
     * constant, else the library's 128-bit division */
    const uint64_t D = 12000000000000ull;
    uint64_t q = (n >> 78) == 0 ? (uint64_t)(n >> 14) / 732421875ull : (uint64_t)(n / D);
    unsigned __int128 r = n - (unsigned __int128)q * D;
    if (r >= D - r)
        q++;
    return (int64_t)q;
}

static inline int64_t month_interest(int64_t balance, int64_t rate)
{
    if (balance <= 0 || rate <= 0)
        return 0;
    unsigned __int128 n = (unsigned __int128)(uint64_t)balance * (uint64_t)rate;
    if ((uint64_t)(n >> 64) != 0)
        return month_interest_wide(n);
    const uint64_t D = 12000000000000ull, lo = (uint64_t)n;
    uint64_t q = lo / D, r = lo - q * D;
    return (int64_t)(q + (r >= D - r));
}

int64_t rt_month_interest(int64_t balance, int64_t rate)
{
    return month_interest(balance, rate);
}

rt_dec rt_arm_reset(rt_dec current, rt_dec index, rt_dec margin, rt_dec periodic_cap,
                    rt_dec life_cap, rt_dec life_floor)
{
    rt_dec r = index + margin;
    if (periodic_cap > 0) {
        if (r > current + periodic_cap)
            r = current + periodic_cap;
        if (r < current - periodic_cap)
            r = current - periodic_cap;
    }
    if (life_cap > 0 && r > life_cap)
        r = life_cap;
    if (r < life_floor)
        r = life_floor;
    if (r < 0)
        r = 0;
    return r;
}

/* ---- the pool ---------------------------------------------------------------------------- */

/*
 * Layout. The lines are kept as a struct of arrays, sorted by group and
 * padded with empty lines so that every block of LANES lines belongs to
 * one group. A line's collateral does not depend on the waterfall, so the
 * engine works ahead of the runner: rt_pool_month computes CHUNK months at
 * a time, block by block, each block's lines taken through every month of
 * the chunk while they sit in the first-level cache, and hands the months
 * out one by one. A pool of 100,000 lines is some 8 MB of state: read and
 * written once a chunk instead of once a month, the engine is no longer
 * waiting on memory (docs/performance.md has the figures).
 *
 * Within a block-month the lanes run on AVX-512 when the processor has it
 * and every line with a balance is "regular" this month: not at a reset,
 * past its interest-only months, before its balloon and last month, a
 * positive rate, its (1 + r)^n carried from last month, and small enough
 * for the vector month-interest (balance below 2^40 cents, rate below
 * 2^44 rt_dec units: $11 billion and 1,759%). Any other block-month runs
 * lane by lane through line_month, the scalar code. Both compute the same
 * operations on the same values in the same order (no fused multiply-add:
 * the runtime is compiled with -ffp-contract=off), so the results do not
 * depend on which ran, nor on the processor: tests/runtime/test_engine.c
 * checks both against the engine as it was before (bench/ref_engine.c).
 */
#define LANES 8
#define CHUNK 12
#define RUN 16 /* blocks a chunk takes through its months together */
/* Pools of at most this many lines are computed a month at a time, line
 * by line (the same line code, so the same figures): for a representative
 * line or a few, clearing and adding up a chunk's lanes of sums costs more
 * than the lines (bench_engine: 1 line 0.68x today's engine chunked, 0.98x
 * direct; 6 lines 1.03x chunked; 9 lines 1.43x). A big pool is worked
 * ahead in chunks even without vector lanes: month by month it streams
 * every array of the struct of arrays through memory (0.57x today's at
 * 100,000 lines, against 0.96x in chunks). */
#define DIRECT_LINES 5

/* the sums a month adds per group (begin is the last month's end, loss is
 * liquidated less recoveries) */
enum { S_SCHED, S_PREPAID, S_DEFAULTED, S_LIQUIDATED, S_RECOVERIES, S_INTEREST, S_ADVANCED, S_LOANS, S_END, S_DRAWN, S_COUNT };

/* An adjustable line's reset terms: read only at a reset */
typedef struct arm_terms {
    int64_t strip;      /* gross - net at cut-off: servicing and fees, kept on resets */
    int64_t margin, pcap, lcap, lfloor;
    int32_t first_reset, reset_every;
} arm_terms;

struct rt_pool {
    const rt_deal *d;
    int32_t nlines, ngroups, max_lag, max_periods;
    int32_t cap, nblocks; /* slots (a multiple of LANES) and blocks of LANES */
    int32_t *blk_group;   /* nblocks: the group of every line of the block */
    int32_t *slot_of;     /* declared line -> slot */
    /* per slot; the hot state first */
    int64_t *perf;        /* performing balance, cents */
    int64_t *pipe_sum;    /* defaulted, awaiting liquidation */
    int64_t *gross, *net; /* current annual rates, rt_dec units */
    double *r;            /* gross / 12 as a double, for the level payment */
    double *v;            /* (1 + r)^v_left, carried from month to month */
    int32_t *age;         /* age of the last month paid */
    int32_t *left;        /* amortisation months left */
    int32_t *v_left;      /* the months v is for; 0: compute afresh */
    int32_t *io;          /* interest-only months */
    int32_t *lim;         /* the vector path takes ages below lim and below */
    int32_t *hold;        /*   hold (see set_lim) */
    int32_t *next_reset;  /* the next age that may reset the rate */
    int32_t *balloon, *index;
    arm_terms *arm;
    int64_t *pipe;        /* per block (max_lag + 1) rows of LANES: defaults by
                             month, a ring; a block's ring is one run of memory */
    int32_t lag;
    double severity;
    int advancing;
    const rt_assump *a;
    /* monthly rates for this scenario: a constant, or a table by key */
    double pp_const, df_const;
    int pp_kind, df_kind; /* 0 constant, 1 by age, 2 by month */
    double *pp_tab, *df_tab;
    int32_t tab_n;        /* table size: ages and months both below it */
    /* draws on revolving lines: the credit limit per slot (cents, 0: a
     * closed-end line) and the monthly draw rate of the undrawn limit */
    int64_t *limit;
    int32_t *draw_end;    /* the month of age its draw period ends (0: its term) */
    double dr_const;
    int dr_kind;
    double *dr_tab;
    int draws;            /* this scenario draws: a limit and a rate above 0 */
    /* the months worked ahead */
    int64_t *acc;         /* CHUNK * ngroups * S_COUNT * LANES partial sums */
    rt_flows *ahead;      /* CHUNK * ngroups */
    int32_t ahead_t0, ahead_n; /* months ahead_t0 .. ahead_t0 + ahead_n - 1 */
    int32_t horizon;      /* the last month a run asks for (a chunk stops there) */
    int64_t *end_now;     /* per group: the balance after the last month handed out */
    int started;          /* a month has been handed out since rt_pool_start */
    int simd;             /* the vector path is in use */
    int direct;           /* a few lines: each month computed when asked, line by line */
};

static void *alloc_lines(size_t n, size_t size)
{
    /* 64-byte aligned: a block's LANES values are one cache line */
    size_t bytes = (n * size + 63) / 64 * 64;
    void *p = aligned_alloc(64, bytes ? bytes : 64);
    if (p)
        memset(p, 0, bytes ? bytes : 64);
    return p;
}

static int cpu_has_avx512(void);

rt_pool *rt_pool_new(const rt_deal *d, int32_t max_lag, int32_t max_periods)
{
    rt_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->d = d;
    p->nlines = d->collateral.n;
    p->ngroups = d->groups.n;
    p->max_lag = max_lag < 0 ? 0 : max_lag;
    p->max_periods = max_periods < 1 ? 1 : max_periods;
    /* ages run to the longest term (or any age a line declares) plus the
     * projection; the table covers both keys, age and month */
    int32_t top = p->max_periods;
    for (int32_t i = 0; i < p->nlines; i++) {
        rt_dec a = d->collateral.v[i].field[RT_L_AGE] / RT_SCALE;
        if (a > 0 && a < 100000 && (int32_t)a + p->max_periods > top)
            top = (int32_t)a + p->max_periods;
    }
    p->tab_n = top + 2;
    /* slots: each group's lines padded to whole blocks (a line naming no
     * group is refused by rt_pool_start; it gets no slot) */
    int32_t ng = p->ngroups > 0 ? p->ngroups : 1;
    int32_t *count = calloc((size_t)ng, sizeof *count);
    if (!count) {
        free(p);
        return NULL;
    }
    for (int32_t i = 0; i < p->nlines; i++) {
        int32_t g = d->collateral.v[i].group;
        if (g >= 0 && g < p->ngroups)
            count[g]++;
    }
    int32_t cap = 0;
    for (int32_t g = 0; g < p->ngroups; g++)
        cap += (count[g] + LANES - 1) / LANES * LANES;
    p->cap = cap;
    p->nblocks = cap / LANES;
    size_t n = (size_t)cap + 1;
    p->blk_group = calloc((size_t)p->nblocks + 1, sizeof *p->blk_group);
    p->slot_of = calloc((size_t)p->nlines + 1, sizeof *p->slot_of);
    p->perf = alloc_lines(n, sizeof(int64_t));
    p->pipe_sum = alloc_lines(n, sizeof(int64_t));
    p->gross = alloc_lines(n, sizeof(int64_t));
    p->net = alloc_lines(n, sizeof(int64_t));
    p->r = alloc_lines(n, sizeof(double));
    p->v = alloc_lines(n, sizeof(double));
    p->age = alloc_lines(n, sizeof(int32_t));
    p->left = alloc_lines(n, sizeof(int32_t));
    p->v_left = alloc_lines(n, sizeof(int32_t));
    p->io = alloc_lines(n, sizeof(int32_t));
    p->lim = alloc_lines(n, sizeof(int32_t));
    p->hold = alloc_lines(n, sizeof(int32_t));
    p->next_reset = alloc_lines(n, sizeof(int32_t));
    p->balloon = alloc_lines(n, sizeof(int32_t));
    p->index = alloc_lines(n, sizeof(int32_t));
    p->arm = calloc(n, sizeof *p->arm);
    p->pipe = alloc_lines(((size_t)p->nblocks + 1) * (size_t)(p->max_lag + 1) * LANES, sizeof(int64_t));
    p->pp_tab = calloc((size_t)p->tab_n, sizeof *p->pp_tab);
    p->df_tab = calloc((size_t)p->tab_n, sizeof *p->df_tab);
    p->dr_tab = calloc((size_t)p->tab_n, sizeof *p->dr_tab);
    p->limit = alloc_lines(n, sizeof(int64_t));
    p->draw_end = alloc_lines(n, sizeof(int32_t));
    p->acc = alloc_lines((size_t)CHUNK * (size_t)ng * S_COUNT * LANES, sizeof(int64_t));
    p->ahead = calloc((size_t)CHUNK * (size_t)ng, sizeof *p->ahead);
    p->end_now = calloc((size_t)ng, sizeof *p->end_now);
    if (!p->blk_group || !p->slot_of || !p->perf || !p->pipe_sum || !p->gross || !p->net || !p->r || !p->v ||
        !p->age || !p->left || !p->v_left || !p->io || !p->lim || !p->hold || !p->next_reset || !p->balloon || !p->index ||
        !p->arm || !p->pipe || !p->pp_tab || !p->df_tab || !p->dr_tab || !p->limit || !p->draw_end || !p->acc || !p->ahead || !p->end_now) {
        free(count);
        rt_pool_free(p);
        return NULL;
    }
    /* the slots in group order, each group from a block boundary */
    int32_t next = 0;
    for (int32_t g = 0; g < p->ngroups; g++) {
        int32_t first = next;
        for (int32_t i = 0; i < p->nlines; i++)
            if (d->collateral.v[i].group == g)
                p->slot_of[i] = next++;
        next = (next + LANES - 1) / LANES * LANES;
        for (int32_t b = first / LANES; b < next / LANES; b++)
            p->blk_group[b] = g;
    }
    for (int32_t i = 0; i < p->nlines; i++) {
        int32_t g = d->collateral.v[i].group;
        if (g < 0 || g >= p->ngroups)
            p->slot_of[i] = -1;
    }
    free(count);
    p->simd = cpu_has_avx512();
    p->direct = p->nlines <= DIRECT_LINES;
    return p;
}

void rt_pool_free(rt_pool *p)
{
    if (!p)
        return;
    free(p->blk_group);
    free(p->slot_of);
    free(p->perf);
    free(p->pipe_sum);
    free(p->gross);
    free(p->net);
    free(p->r);
    free(p->v);
    free(p->age);
    free(p->left);
    free(p->v_left);
    free(p->io);
    free(p->lim);
    free(p->hold);
    free(p->next_reset);
    free(p->balloon);
    free(p->index);
    free(p->arm);
    free(p->pipe);
    free(p->pp_tab);
    free(p->df_tab);
    free(p->dr_tab);
    free(p->limit);
    free(p->draw_end);
    free(p->acc);
    free(p->ahead);
    free(p->end_now);
    free(p);
}

int rt_pool_set_simd(rt_pool *p, int on)
{
    p->simd = on && cpu_has_avx512();
    return p->simd;
}

/* whole months of a count field, with a sanity bound */
static int32_t months_of(rt_dec v)
{
    rt_dec m = v / RT_SCALE;
    if (m < 0)
        return 0;
    return m > 100000 ? 100000 : (int32_t)m;
}

/* Fills a curve's monthly rates: constant curves once, age curves for ages
 * [lo, hi], vectors for months [1, hi_month]. */
static int prepare_curve(const rt_curve *c, double *cst, int *kind, double *tab, int32_t lo, int32_t hi,
                         int32_t hi_month)
{
    if (c->kind == RT_CURVE_CPR || c->kind == RT_CURVE_SMM) {
        *kind = 0;
        *cst = rt_curve_monthly(c, 1, 1);
        return 1;
    }
    if (c->kind == RT_CURVE_VECTOR) {
        *kind = 2;
        for (int32_t t = 1; t <= hi_month; t++)
            tab[t] = (t >= 2 && t > c->nvec) ? tab[t - 1] : rt_curve_monthly(c, 1, t);
        return 1;
    }
    *kind = 1;
    for (int32_t a = lo; a <= hi; a++)
        tab[a] = (a > lo && ((c->kind == RT_CURVE_PSA && a > 30) || (c->kind == RT_CURVE_SDA && a > 120) ||
                             (c->kind == RT_CURVE_RAMP && a > c->months)))
                     ? tab[a - 1] /* flat from here on: no need for pow again */
                     : rt_curve_monthly(c, a, 1);
    return 1;
}

/* the smallest age above `age` at which an adjustable line resets (the
 * condition line_month tests), or INT32_MAX */
static int32_t next_reset_after(const arm_terms *A, int32_t age)
{
    int32_t a0 = age + 1, fr = A->first_reset, re = A->reset_every;
    if (a0 <= fr)
        return fr;
    if (re <= 0)
        return INT32_MAX;
    int64_t k = ((int64_t)a0 - fr + re - 1) / re;
    int64_t n = (int64_t)fr + k * re;
    return n > INT32_MAX ? INT32_MAX : (int32_t)n;
}

/* The vector path takes a line at age' (the month's age) when age' < hold
 * and, if it has a performing balance, age' > io, age' < lim and
 * v_left == left. hold is the next age that may reset the rate (age' never
 * passes it: it is the first reset age after the last month), or 0 when
 * the line's balances or rates are beyond what the vector month-interest
 * holds exactly (a balance of 2^40 cents, a rate of 2^44 rt_dec units:
 * $11 billion and 1,759%). lim folds in what does not change from month
 * to month: before the balloon; before the last month of the term (age +
 * left is the same every month, as one grows as the other shrinks, so
 * left > 1 is age' < age + left); and a positive rate. A line with no
 * performing balance (only defaults awaiting liquidation) has no
 * scheduled principal whatever its term, so only hold applies to it. */
static void set_lim(rt_pool *p, size_t j, int64_t biggest)
{
    int64_t lim = (int64_t)p->age[j] + p->left[j];
    if (p->balloon[j] > 0 && p->balloon[j] < lim)
        lim = p->balloon[j];
    if (!(p->r[j] > 0))
        lim = 0;
    p->lim[j] = lim > INT32_MAX ? INT32_MAX : (int32_t)lim;
    int small = biggest < ((int64_t)1 << 40) && p->gross[j] < ((int64_t)1 << 44) && p->net[j] < ((int64_t)1 << 44);
    p->hold[j] = small ? p->next_reset[j] : 0;
}

int rt_pool_start(rt_pool *p, const rt_assump *a, const int64_t *scale, int32_t age_shift, char *msg,
                  size_t msgsize)
{
    const rt_deal *d = p->d;
    if (a->lag < 0 || a->lag > p->max_lag) {
        snprintf(msg, msgsize, "recovery lag %d is outside 0..%d", (int)a->lag, (int)p->max_lag);
        return 0;
    }
    p->a = a;
    p->lag = a->lag;
    p->severity = a->severity < 0 ? 0 : a->severity > 1 ? 1 : a->severity;
    p->advancing = a->advancing;
    p->ahead_t0 = 1;
    p->ahead_n = 0;
    p->started = 0;
    p->horizon = a->periods > 0 && a->periods < p->max_periods ? a->periods : p->max_periods;
    /* the ring rows this scenario's lag uses, block by block */
    for (int32_t b = 0; b < p->nblocks; b++)
        memset(&p->pipe[(size_t)b * (size_t)(p->max_lag + 1) * LANES], 0,
               (size_t)(p->lag + 1) * LANES * sizeof *p->pipe);
    /* empty slots: padding stays empty (no balance, nothing pending) */
    memset(p->perf, 0, (size_t)p->cap * sizeof *p->perf);
    memset(p->pipe_sum, 0, (size_t)p->cap * sizeof *p->pipe_sum);

    int32_t lo = 0x7fffffff, hi = 1;
    for (int32_t i = 0; i < p->nlines; i++) {
        const rt_collateral_line *cl = &d->collateral.v[i];
        if (cl->group < 0 || cl->group >= p->ngroups) {
            snprintf(msg, msgsize, "collateral line %d belongs to no group", (int)i + 1);
            return 0;
        }
        const rt_dec *f = cl->field;
        size_t j = (size_t)p->slot_of[i];
        p->perf[j] = (int64_t)(rt_dec_round_cents(f[RT_L_BALANCE]) / RT_CENT);
        p->limit[j] = f[RT_L_CREDIT_LIMIT] > 0 ? (int64_t)(rt_dec_round_cents(f[RT_L_CREDIT_LIMIT]) / RT_CENT) : 0;
        if (p->limit[j] > 0 && p->limit[j] < p->perf[j]) {
            snprintf(msg, msgsize, "collateral line %d: its credit limit is below its balance", (int)i + 1);
            return 0;
        }
        p->pipe_sum[j] = 0;
        p->gross[j] = (int64_t)f[RT_L_GROSS_RATE];
        p->net[j] = (int64_t)f[RT_L_NET_RATE];
        if (f[RT_L_BALANCE] > RT_LINE_MAX || f[RT_L_CREDIT_LIMIT] > RT_LINE_MAX) {
            snprintf(msg, msgsize, "collateral line %d: a balance or credit limit above %s", (int)i + 1,
                     RT_LINE_MAX_TEXT);
            return 0;
        }
        if (f[RT_L_BALANCE] < 0 || f[RT_L_GROSS_RATE] < 0 || f[RT_L_NET_RATE] < 0 ||
            f[RT_L_GROSS_RATE] > 10 * RT_SCALE || f[RT_L_NET_RATE] > f[RT_L_GROSS_RATE]) {
            snprintf(msg, msgsize,
                     "collateral line %d: balance and rates must be non-negative, net rate at most gross",
                     (int)i + 1);
            return 0;
        }
        arm_terms *A = &p->arm[j];
        A->strip = p->gross[j] - p->net[j];
        p->age[j] = months_of(f[RT_L_AGE]);
        int32_t rem = months_of(f[RT_L_REMAINING_TERM]);
        int32_t orig = months_of(f[RT_L_ORIGINAL_TERM]);
        p->left[j] = rem > 0 ? rem : orig - p->age[j];
        p->balloon[j] = months_of(f[RT_L_BALLOON]);
        p->io[j] = months_of(f[RT_L_IO_MONTHS]);
        p->draw_end[j] = months_of(f[RT_L_DRAW_TERM]);
        p->index[j] = (int32_t)(f[RT_L_INDEX] / RT_SCALE);
        if (f[RT_L_INDEX] < 0)
            p->index[j] = -1;
        if (p->index[j] >= d->inputs.n) {
            snprintf(msg, msgsize, "collateral line %d: index %d is not a deal input", (int)i + 1,
                     (int)p->index[j]);
            return 0;
        }
        if (p->index[j] >= 0 && (!a->index || a->index[p->index[j]].n == 0)) {
            snprintf(msg, msgsize, "collateral line %d needs the index \"%s\"", (int)i + 1,
                     d->inputs.v[p->index[j]].name);
            return 0;
        }
        A->margin = (int64_t)f[RT_L_MARGIN];
        A->first_reset = months_of(f[RT_L_FIRST_RESET]);
        A->reset_every = months_of(f[RT_L_RESET_EVERY]);
        A->pcap = (int64_t)f[RT_L_PERIODIC_CAP];
        A->lcap = (int64_t)f[RT_L_LIFE_CAP];
        A->lfloor = (int64_t)f[RT_L_LIFE_FLOOR];
        /* ageing to the projection's start: the rate stays as declared (the
         * index history is unknown) until the next reset */
        p->age[j] += age_shift;
        p->left[j] -= age_shift;
        if (p->left[j] < 1)
            p->left[j] = 1; /* past its term: pays off in month 1 */
        p->r[j] = (double)p->gross[j] / (double)RT_SCALE / 12.0;
        p->v[j] = 0;
        p->v_left[j] = 0;
        if (p->age[j] + 1 < lo)
            lo = p->age[j] + 1;
        int32_t last = p->age[j] + (p->left[j] < p->max_periods ? p->left[j] : p->max_periods);
        if (last > hi)
            hi = last;
    }
    if (scale) {
        /* pro rata to the target per group, in declared order; the rounding
         * left over goes to the group's last line so the group sums to the
         * target exactly */
        for (int32_t g = 0; g < p->ngroups; g++) {
            int64_t total = 0, given = 0;
            int32_t lastline = -1;
            for (int32_t i = 0; i < p->nlines; i++)
                if (d->collateral.v[i].group == g) {
                    total += p->perf[p->slot_of[i]];
                    lastline = i;
                }
            if (lastline < 0 || total == 0) {
                if (scale[g] != 0) {
                    snprintf(msg, msgsize, "group \"%s\" has a pool balance but no collateral lines to project",
                             d->groups.v[g]);
                    return 0;
                }
                continue;
            }
            for (int32_t i = 0; i < p->nlines; i++) {
                if (d->collateral.v[i].group != g)
                    continue;
                int64_t *b = &p->perf[p->slot_of[i]];
                int64_t was = *b;
                if (i == lastline) {
                    *b = scale[g] - given;
                } else {
                    *b = (int64_t)(((rt_dec)*b * scale[g] + total / 2) / total);
                    given += *b;
                }
                /* a revolving line keeps its utilisation (balance / limit) */
                int64_t *lim = &p->limit[p->slot_of[i]];
                if (*lim > 0 && was > 0)
                    *lim = (int64_t)(((rt_dec)*lim * *b + was / 2) / was);
                if (*lim > 0 && *lim < *b)
                    *lim = *b;
            }
        }
    }
    for (int32_t i = 0; i < p->nlines; i++) {
        size_t j = (size_t)p->slot_of[i];
        p->next_reset[j] = p->index[j] >= 0 ? next_reset_after(&p->arm[j], p->age[j]) : INT32_MAX;
        set_lim(p, j, p->perf[j]);
    }
    for (int32_t g = 0; g < p->ngroups; g++)
        p->end_now[g] = 0;
    for (int32_t i = 0; i < p->nlines; i++)
        p->end_now[d->collateral.v[i].group] += p->perf[p->slot_of[i]];
    if (lo > hi)
        lo = hi;
    if (hi >= p->tab_n)
        hi = p->tab_n - 1;
    if (lo < 1)
        lo = 1;
    int32_t hm = p->max_periods < p->tab_n - 1 ? p->max_periods : p->tab_n - 1;
    prepare_curve(&a->prepay, &p->pp_const, &p->pp_kind, p->pp_tab, lo, hi, hm);
    prepare_curve(&a->dflt, &p->df_const, &p->df_kind, p->df_tab, lo, hi, hm);
    /* draws: only with a rate given and a line that has a limit; the vector
     * path does not draw, so a drawing scenario runs the scalar one */
    p->draws = 0;
    if (a->draw.kind == RT_CURVE_VECTOR || a->draw.level > 0)
        for (int32_t i = 0; i < p->nlines && !p->draws; i++)
            p->draws = p->limit[p->slot_of[i]] > 0;
    if (p->draws)
        prepare_curve(&a->draw, &p->dr_const, &p->dr_kind, p->dr_tab, lo, hi, hm);
    return 1;
}

static inline double rate_at(int kind, double cst, const double *tab, int32_t age, int32_t t, int32_t n)
{
    if (kind == 0)
        return cst;
    int32_t k = kind == 1 ? age : t;
    if (k >= n)
        k = n - 1;
    return tab[k < 0 ? 0 : k];
}

/* One line's month t, the scalar way (the order of operations is
 * docs/projection.md's); acc points at the month's sums, stride apart. */
static inline __attribute__((always_inline)) void line_month_at(rt_pool *p, size_t j, int32_t t, int64_t *pw,
                                                                int64_t *pr, int64_t *acc, const int stride)
{
    int64_t b = p->perf[j];
    if (b == 0 && p->pipe_sum[j] == 0)
        return;
    int32_t age = ++p->age[j];

    /* 1. a reset sets this month's rate */
    if (p->index[j] >= 0) {
        const arm_terms *A = &p->arm[j];
        if (age >= A->first_reset && ((A->reset_every > 0 && (age - A->first_reset) % A->reset_every == 0) ||
                                      (A->reset_every == 0 && age == A->first_reset))) {
            const rt_index_path *ix = &p->a->index[p->index[j]];
            rt_dec iv = ix->values[t <= ix->n ? t - 1 : ix->n - 1];
            p->gross[j] = (int64_t)rt_arm_reset(p->gross[j], iv, A->margin, A->pcap, A->lcap, A->lfloor);
            p->net[j] = p->gross[j] - A->strip;
            if (p->net[j] < 0)
                p->net[j] = 0;
            p->r[j] = (double)p->gross[j] / (double)RT_SCALE / 12.0;
            p->v_left[j] = 0;
        }
        p->next_reset[j] = next_reset_after(A, age);
        set_lim(p, j, b + p->pipe_sum[j]);
    }

    /* 2. defaults from the beginning performing balance */
    double mdr = rate_at(p->df_kind, p->df_const, p->df_tab, age, t, p->tab_n);
    int64_t def = cents((double)b * mdr);
    if (def > b)
        def = b;
    int64_t s = b - def;

    /* 3. interest: the survivors pay; advances cover the defaulted
     * balance still in the pool (this month's defaults included) */
    int64_t net = p->net[j];
    int64_t in = month_interest(s, net);
    int64_t adv = p->advancing ? month_interest(def + p->pipe_sum[j], net) : 0;

    /* 4. scheduled principal of the survivors: the level payment over the
     * months left less the month's gross interest, as a servicer applies a
     * payment (recomputed each month from the surviving balance, so
     * prepayments shorten nothing and defaults re-amortise) */
    int64_t sp;
    int32_t left = p->left[j];
    double r = p->r[j];
    if (p->balloon[j] > 0 && age >= p->balloon[j])
        sp = s;
    else if (age <= p->io[j] && left > 1)
        sp = 0;
    else if (left <= 1)
        sp = s;
    else if (r <= 0)
        sp = cents((double)s / left);
    else {
        /* (1+r)^n: one pow at the start and after a rate change, then
         * divided by 1 + r as n counts down (the drift is ~1e-14 relative,
         * far below a cent); next month's (1+r)^(n-1) is divided out now,
         * off the payment's chain of dependent operations. v is
         * (1+r)^v_left; it is this month's when v_left is left. */
        double v = p->v_left[j] == left ? p->v[j] : pow(1.0 + r, left);
        p->v[j] = v / (1.0 + r);
        p->v_left[j] = left - 1;
        sp = cents((double)s * r * v / (v - 1.0)) - month_interest(s, p->gross[j]);
    }
    if (sp > s)
        sp = s;
    if (sp < 0)
        sp = 0;

    /* 5. prepayment of what is left after scheduled principal */
    double smm = rate_at(p->pp_kind, p->pp_const, p->pp_tab, age, t, p->tab_n);
    int64_t pre = cents((double)(s - sp) * smm);
    if (pre > s - sp)
        pre = s - sp;

    /* 6. liquidation of the defaults of month t - lag (with lag 0 the
     * two ring slots are one: this month's default is liquidated now) */
    *pw += def;
    p->pipe_sum[j] += def;
    int64_t liq = *pr;
    *pr = 0;
    p->pipe_sum[j] -= liq;
    int64_t rec = cents((double)liq * (1.0 - p->severity));
    if (rec > liq)
        rec = liq;

    p->perf[j] = s - sp - pre;
    p->left[j] = left - 1;

    /* 7. a revolving line still open draws the month's rate of what its
     * limit left undrawn at the start of the month (after its draw term
     * or its term, or once paid off or defaulted in full, nothing) */
    if (p->draws && p->limit[j] > 0 && p->perf[j] > 0 && left > 1 && (p->draw_end[j] == 0 || age <= p->draw_end[j])) {
        double mdraw = rate_at(p->dr_kind, p->dr_const, p->dr_tab, age, t, p->tab_n);
        int64_t room = p->limit[j] - b;
        int64_t dr = room > 0 ? cents((double)room * mdraw) : 0;
        if (dr > room)
            dr = room;
        if (dr > 0) {
            p->perf[j] += dr;
            acc[S_DRAWN * stride] += dr;
        }
    }
    int64_t rest = p->perf[j] + p->pipe_sum[j];
    acc[S_END * stride] += rest;
    acc[S_LOANS * stride] += rest > 0;
    acc[S_SCHED * stride] += sp;
    acc[S_PREPAID * stride] += pre;
    acc[S_DEFAULTED * stride] += def;
    acc[S_LIQUIDATED * stride] += liq;
    acc[S_RECOVERIES * stride] += rec;
    acc[S_INTEREST * stride] += in + adv;
    acc[S_ADVANCED * stride] += adv;
}

/* line_month_at for one lane of a block's sums (LANES apart) */
static __attribute__((noinline)) void line_month(rt_pool *p, size_t j, int32_t t, int64_t *pw, int64_t *pr,
                                                 int64_t *acc)
{
    line_month_at(p, j, t, pw, pr, acc, LANES);
}

/* ---- the vector path ------------------------------------------------------------------- */

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512dq,avx512vl")))

static int cpu_has_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
}

/* cents() of a value that is not negative (or NaN): x <= 0 ? 0 :
 * (int64_t)(x + 0.5) is then the truncation of x + 0.5 (at x = +0 or -0 it
 * is 0 either way; a NaN converts to the same INT64_MIN both ways). Every
 * amount the vector path rounds is a product of non-negative figures. */
AVX512 static inline __m512i v_cents(__m512d x)
{
    return _mm512_cvttpd_epi64(_mm512_add_pd(x, _mm512_set1_pd(0.5)));
}

/* month_interest(): balance x rate / D, D = 12 x 10^12, half-up, exact, for
 * balances below 2^40 and rates below 2^44 (both >= 0). The result is
 * Q = floor((n + D/2) / D), n = balance x rate (below 2^84; Q below 2^41).
 * It is estimated in doubles, bd x k + 0.5 with k = rate / D: bd and rate
 * are exact, so the estimate is within Q x 2^-50 < 0.002 of n / D + 1/2 and
 * its truncation q is Q - 1, Q or Q + 1 (a fused multiply-add is used for
 * the estimate only: its rounding cannot matter). The remainder
 * r = n - q D is then exact from the products modulo 2^64 (it lies within
 * 1.5 D of 0), and q is Q exactly when -D/2 <= r < D/2; one step either
 * way corrects it. That is the scalar's q + (r >= D - r) for its q = n / D. */
AVX512 static inline __m512i v_month_interest(__m512i bal, __m512d bd, __m512i rate, __m512d k)
{
    const __m512i D = _mm512_set1_epi64(12000000000000LL), one = _mm512_set1_epi64(1);
    const __m512i half = _mm512_set1_epi64(6000000000000LL), mhalf = _mm512_set1_epi64(-6000000000000LL);
    __m512i q = _mm512_cvttpd_epi64(_mm512_fmadd_pd(bd, k, _mm512_set1_pd(0.5)));
    __m512i r = _mm512_sub_epi64(_mm512_mullo_epi64(bal, rate), _mm512_mullo_epi64(q, D));
    q = _mm512_mask_sub_epi64(q, _mm512_cmplt_epi64_mask(r, mhalf), q, one);
    return _mm512_mask_add_epi64(q, _mm512_cmpge_epi64_mask(r, half), q, one);
}

AVX512 static inline __m512d v_rate(int kind, double cst, const double *tab, __m256i age, int32_t t, int32_t n)
{
    if (kind == 0)
        return _mm512_set1_pd(cst);
    if (kind == 2)
        return _mm512_set1_pd(tab[t < n ? t : n - 1]);
    __m256i k = _mm256_min_epi32(age, _mm256_set1_epi32(n - 1));
    return _mm512_i32gather_pd(k, tab, 8);
}

/* what a run of blocks reads in every block-month, and its month's sums */
typedef struct vrun {
    int64_t *perf, *ps, *pipe;
    const int64_t *net, *gross;
    const double *r, *df_tab, *pp_tab;
    double *v;
    int32_t *age, *left, *vl;
    int df_kind, pp_kind, advancing;
    int32_t tab_n;
    __m512d mdr_c, smm_c, recovered;
    __m512i a_sched, a_pre, a_def, a_liq, a_rec, a_int, a_adv, a_loans, a_end;
} vrun;

/* One block-month on the vector path for the lanes in act (every line with
 * a balance, or, masked, those that are regular while line_month has done
 * the others). Unmasked, the lines with nothing left ("dead": no balance,
 * nothing awaiting liquidation, and so never again) compute zeros: b = 0
 * gives def = 0, s = 0 and no interest, the ring holds nothing for them,
 * and the level payment, which may be 0/0 for them, is masked to 0; their
 * age and counters move on, which nothing reads again (line_month skips a
 * dead line before reading anything). Lines with no performing balance
 * (b = 0, defaults awaiting liquidation) compute the same way: no
 * scheduled principal, advances on what awaits liquidation; their v and
 * v_left are then never read again (b stays 0). */
AVX512 static inline __attribute__((always_inline)) void block_v(vrun *B, size_t j0, __m512i b, __m512i ps,
                                                                 __m256i age, __m256i left, __mmask8 act,
                                                                 const int masked, int32_t t, int64_t *pw,
                                                                 int64_t *pr)
{
    const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi64(1);
    const __m512d oned = _mm512_set1_pd(1.0), inv_d = _mm512_set1_pd(1.0 / 12e12);
    const __m256i one32 = _mm256_set1_epi32(1);

    /* 2. defaults */
    const __m512d mdr = B->df_kind == 1 ? v_rate(1, 0, B->df_tab, age, t, B->tab_n) : B->mdr_c;
    __m512i def = _mm512_min_epi64(v_cents(_mm512_mul_pd(_mm512_cvtepi64_pd(b), mdr)), b);
    if (masked)
        def = _mm512_maskz_mov_epi64(act, def);
    const __m512i s = _mm512_sub_epi64(b, def);
    const __m512d sd = _mm512_cvtepi64_pd(s);

    /* 3. interest */
    const __m512i net = _mm512_load_si512(&B->net[j0]);
    const __m512d knet = _mm512_mul_pd(_mm512_cvtepi64_pd(net), inv_d);
    const __m512i in = v_month_interest(s, sd, net, knet);
    __m512i adv = zero;
    if (B->advancing) {
        const __m512i owed = _mm512_add_epi64(def, ps);
        adv = v_month_interest(owed, _mm512_cvtepi64_pd(owed), net, knet);
    }

    /* 4. scheduled principal: the level payment, v carried */
    const __m512d r = _mm512_load_pd(&B->r[j0]);
    const __m512d v = _mm512_load_pd(&B->v[j0]);
    const __m512d vn = _mm512_div_pd(v, _mm512_add_pd(oned, r));
    const __m256i left1 = _mm256_sub_epi32(left, one32);
    const __m512d pay = _mm512_div_pd(_mm512_mul_pd(_mm512_mul_pd(sd, r), v), _mm512_sub_pd(v, oned));
    const __m512i gross = _mm512_load_si512(&B->gross[j0]);
    const __m512i gi = v_month_interest(s, sd, gross, _mm512_mul_pd(_mm512_cvtepi64_pd(gross), inv_d));
    /* no performing balance: nothing scheduled (the formula may be 0/0) */
    const __mmask8 paying = _mm512_test_epi64_mask(b, _mm512_set1_epi64(-1));
    const __m512i sp =
        _mm512_maskz_max_epi64(act & paying, _mm512_min_epi64(_mm512_sub_epi64(v_cents(pay), gi), s), zero);

    /* 5. prepayment */
    const __m512d smm = B->pp_kind == 1 ? v_rate(1, 0, B->pp_tab, age, t, B->tab_n) : B->smm_c;
    const __m512i rem = _mm512_sub_epi64(s, sp);
    __m512i pre = _mm512_min_epi64(v_cents(_mm512_mul_pd(_mm512_cvtepi64_pd(rem), smm)), rem);
    if (masked)
        pre = _mm512_maskz_mov_epi64(act, pre);

    /* 6. liquidation; the write row first, then the read row (one row with
     * lag 0, as in line_month) */
    _mm512_store_si512(pw, _mm512_add_epi64(_mm512_load_si512(pw), def));
    __m512i liq = _mm512_load_si512(pr);
    if (masked) {
        liq = _mm512_maskz_mov_epi64(act, liq);
        _mm512_mask_store_epi64(pr, act, zero);
    } else {
        _mm512_store_si512(pr, zero);
    }
    ps = _mm512_sub_epi64(_mm512_add_epi64(ps, def), liq);
    const __m512i rec = _mm512_min_epi64(v_cents(_mm512_mul_pd(_mm512_cvtepi64_pd(liq), B->recovered)), liq);

    const __m512i perf = _mm512_sub_epi64(rem, pre);
    __m512i rest = _mm512_add_epi64(perf, ps);
    __m512i inadv = _mm512_add_epi64(in, adv);
    if (masked) {
        _mm512_mask_store_pd(&B->v[j0], act, vn);
        _mm256_mask_store_epi32(&B->vl[j0], act, left1);
        _mm512_mask_store_epi64(&B->perf[j0], act, perf);
        _mm512_mask_store_epi64(&B->ps[j0], act, ps);
        _mm256_mask_store_epi32(&B->age[j0], act, age);
        _mm256_mask_store_epi32(&B->left[j0], act, left1);
        /* sp, def, pre and liq are 0 outside act already; rec follows */
        rest = _mm512_maskz_mov_epi64(act, rest);
        inadv = _mm512_maskz_mov_epi64(act, inadv);
        adv = _mm512_maskz_mov_epi64(act, adv);
    } else {
        _mm512_store_pd(&B->v[j0], vn);
        _mm256_store_si256((__m256i *)&B->vl[j0], left1);
        _mm512_store_si512(&B->perf[j0], perf);
        _mm512_store_si512(&B->ps[j0], ps);
        _mm256_store_si256((__m256i *)&B->age[j0], age);
        _mm256_store_si256((__m256i *)&B->left[j0], left1);
    }
    B->a_end = _mm512_add_epi64(B->a_end, rest);
    B->a_loans = _mm512_mask_add_epi64(B->a_loans, _mm512_cmpgt_epi64_mask(rest, zero), B->a_loans, one);
    B->a_sched = _mm512_add_epi64(B->a_sched, sp);
    B->a_pre = _mm512_add_epi64(B->a_pre, pre);
    B->a_def = _mm512_add_epi64(B->a_def, def);
    B->a_liq = _mm512_add_epi64(B->a_liq, liq);
    B->a_rec = _mm512_add_epi64(B->a_rec, rec);
    B->a_int = _mm512_add_epi64(B->a_int, inadv);
    B->a_adv = _mm512_add_epi64(B->a_adv, adv);
}

/* Months t0 .. t0 + n - 1 of blocks [b0, b1) (one group's): month by month,
 * and within a month block after block, so that the blocks' independent
 * chains of operations overlap (a block's next month waits for this one);
 * the run's state stays in the first-level cache throughout.
 *
 * A block-month runs here when every line with a balance is regular (see
 * set_lim); else its lanes go through line_month. Lines with nothing left
 * ("dead": no balance, nothing awaiting liquidation, and so never again)
 * compute zeros here: b = 0 gives def = 0, s = 0 and no interest, the ring
 * holds nothing for them, and the level payment, which may be 0/0 for
 * them, is masked to 0; their age and counters move on, which nothing
 * reads again (line_month skips them before reading anything). */
AVX512 static void run_months_v(rt_pool *p, int32_t b0, int32_t b1, int32_t t0, int32_t n)
{
    const int32_t ng = p->ngroups, ring = p->lag + 1, g = p->blk_group[b0], tab_n = p->tab_n;
    const size_t ring_stride = (size_t)(p->max_lag + 1) * LANES;
    const int32_t *const io_a = p->io, *const lim_a = p->lim, *const hold_a = p->hold, *const vl_a = p->v_left;
    int64_t *const pipe = p->pipe;
    const __m256i one32 = _mm256_set1_epi32(1);
    vrun B;
    B.perf = p->perf;
    B.ps = p->pipe_sum;
    B.pipe = p->pipe;
    B.net = p->net;
    B.gross = p->gross;
    B.r = p->r;
    B.df_tab = p->df_tab;
    B.pp_tab = p->pp_tab;
    B.v = p->v;
    B.age = p->age;
    B.left = p->left;
    B.vl = p->v_left;
    B.df_kind = p->df_kind;
    B.pp_kind = p->pp_kind;
    B.advancing = p->advancing;
    B.tab_n = tab_n;
    B.recovered = _mm512_set1_pd(1.0 - p->severity);
    for (int32_t m = 0; m < n; m++) {
        const int32_t t = t0 + m;
        const int32_t wr = t % ring, rd = wr + 1 == ring ? 0 : wr + 1;
        int64_t *acc = &p->acc[((size_t)m * ng + g) * S_COUNT * LANES];
        const __m512i zero = _mm512_setzero_si512();
        B.a_sched = B.a_pre = B.a_def = B.a_liq = B.a_rec = B.a_int = B.a_adv = B.a_loans = B.a_end = zero;
        B.mdr_c = _mm512_set1_pd(p->df_kind == 0 ? p->df_const : p->df_tab[t < tab_n ? t : tab_n - 1]);
        B.smm_c = _mm512_set1_pd(p->pp_kind == 0 ? p->pp_const : p->pp_tab[t < tab_n ? t : tab_n - 1]);
        for (int32_t blk = b0; blk < b1; blk++) {
            const size_t j0 = (size_t)blk * LANES;
            int64_t *const pw = &pipe[(size_t)blk * ring_stride + (size_t)wr * LANES];
            int64_t *const pr = &pipe[(size_t)blk * ring_stride + (size_t)rd * LANES];
            const __m512i b = _mm512_load_si512(&B.perf[j0]);
            const __m512i ps = _mm512_load_si512(&B.ps[j0]);
            const __mmask8 alive = _mm512_test_epi64_mask(_mm512_or_si512(b, ps), _mm512_set1_epi64(-1));
            if (!alive)
                continue;
            const __m256i age = _mm256_add_epi32(_mm256_load_si256((const __m256i *)&B.age[j0]), one32);
            const __m256i left = _mm256_load_si256((const __m256i *)&B.left[j0]);
            const __mmask8 paying = _mm512_test_epi64_mask(b, _mm512_set1_epi64(-1));
            const __mmask8 reg =
                _mm256_cmplt_epi32_mask(age, _mm256_load_si256((const __m256i *)&hold_a[j0])) &
                (~paying | (_mm256_cmpgt_epi32_mask(age, _mm256_load_si256((const __m256i *)&io_a[j0])) &
                            _mm256_cmplt_epi32_mask(age, _mm256_load_si256((const __m256i *)&lim_a[j0])) &
                            _mm256_cmpeq_epi32_mask(left, _mm256_load_si256((const __m256i *)&vl_a[j0]))));
            const __mmask8 odd = alive & ~reg;
            if (odd) {
                /* those lines one by one (they change only their own
                 * lanes), then the others here, masked */
                for (int k = 0; k < LANES; k++)
                    if (odd >> k & 1)
                        line_month(p, j0 + k, t, pw + k, pr + k, acc + k);
                if (!(alive & reg))
                    continue;
                block_v(&B, j0, b, ps, age, left, alive & reg, 1, t, pw, pr);
            } else {
                block_v(&B, j0, b, ps, age, left, alive, 0, t, pw, pr);
            }
        }
#define FLUSH(k, x) _mm512_store_si512(&acc[(k) * LANES], _mm512_add_epi64(_mm512_load_si512(&acc[(k) * LANES]), x))
        FLUSH(S_END, B.a_end);
        FLUSH(S_LOANS, B.a_loans);
        FLUSH(S_SCHED, B.a_sched);
        FLUSH(S_PREPAID, B.a_pre);
        FLUSH(S_DEFAULTED, B.a_def);
        FLUSH(S_LIQUIDATED, B.a_liq);
        FLUSH(S_RECOVERIES, B.a_rec);
        FLUSH(S_INTEREST, B.a_int);
        FLUSH(S_ADVANCED, B.a_adv);
#undef FLUSH
    }
}
AVX512 static void month_interest_lanes_v(const int64_t *bal, const int64_t *rate, int64_t *out)
{
    __m512i b = _mm512_loadu_si512(bal), r = _mm512_loadu_si512(rate);
    __m512d k = _mm512_mul_pd(_mm512_cvtepi64_pd(r), _mm512_set1_pd(1.0 / 12e12));
    _mm512_storeu_si512(out, v_month_interest(b, _mm512_cvtepi64_pd(b), r, k));
}
#else
static int cpu_has_avx512(void)
{
    return 0;
}
static void month_interest_lanes_v(const int64_t *bal, const int64_t *rate, int64_t *out)
{
    for (int k = 0; k < LANES; k++)
        out[k] = month_interest(bal[k], rate[k]);
}
static void run_months_v(rt_pool *p, int32_t b0, int32_t b1, int32_t t0, int32_t n)
{
    (void)p, (void)b0, (void)b1, (void)t0, (void)n;
}
#endif

int rt_month_interest_lanes(const int64_t *bal, const int64_t *rate, int64_t *out)
{
    if (!cpu_has_avx512()) {
        for (int k = 0; k < LANES; k++)
            out[k] = month_interest(bal[k], rate[k]);
        return 0;
    }
    month_interest_lanes_v(bal, rate, out);
    return 1;
}

/* the scalar run: the same order, the month's sums in locals */
static void run_months(rt_pool *p, int32_t b0, int32_t b1, int32_t t0, int32_t n)
{
    const int32_t ng = p->ngroups, ring = p->lag + 1, g = p->blk_group[b0];
    const size_t ring_stride = (size_t)(p->max_lag + 1) * LANES;
    for (int32_t m = 0; m < n; m++) {
        int32_t t = t0 + m;
        /* one division, not two: (t + 1) % ring is the next slot round */
        int32_t wr = t % ring, rd = wr + 1 == ring ? 0 : wr + 1;
        int64_t sums[S_COUNT] = {0};
        for (int32_t blk = b0; blk < b1; blk++) {
            size_t j0 = (size_t)blk * LANES;
            int64_t *ringb = &p->pipe[(size_t)blk * ring_stride];
            int64_t *pw = &ringb[(size_t)wr * LANES], *pr = &ringb[(size_t)rd * LANES];
            for (int k = 0; k < LANES; k++)
                line_month_at(p, j0 + k, t, pw + k, pr + k, sums, 1);
        }
        int64_t *acc = &p->acc[((size_t)m * ng + g) * S_COUNT * LANES];
        for (int k = 0; k < S_COUNT; k++)
            acc[k * LANES] += sums[k];
    }
}

/* ---- months ahead ---------------------------------------------------------------------- */

/* Computes months t0 .. t0 + n - 1 of every line into p->ahead. */
static void compute_ahead(rt_pool *p, int32_t t0, int32_t n)
{
    const int32_t ng = p->ngroups;
    memset(p->acc, 0, (size_t)n * (size_t)ng * S_COUNT * LANES * sizeof *p->acc);
    /* runs of at most RUN blocks of one group */
    for (int32_t b0 = 0; b0 < p->nblocks;) {
        int32_t b1 = b0 + 1;
        while (b1 < p->nblocks && b1 - b0 < RUN && p->blk_group[b1] == p->blk_group[b0])
            b1++;
        if (p->simd && !p->draws)
            run_months_v(p, b0, b1, t0, n);
        else
            run_months(p, b0, b1, t0, n);
        b0 = b1;
    }
    for (int32_t m = 0; m < n; m++)
        for (int32_t g = 0; g < ng; g++) {
            const int64_t *acc = &p->acc[((size_t)m * ng + g) * S_COUNT * LANES];
            int64_t s[S_COUNT];
            for (int k = 0; k < S_COUNT; k++) {
                s[k] = 0;
                for (int l = 0; l < LANES; l++)
                    s[k] += acc[k * LANES + l];
            }
            rt_flows *f = &p->ahead[(size_t)m * ng + g];
            f->begin = m == 0 ? p->end_now[g] : p->ahead[(size_t)(m - 1) * ng + g].end;
            f->scheduled = s[S_SCHED];
            f->prepaid = s[S_PREPAID];
            f->defaulted = s[S_DEFAULTED];
            f->liquidated = s[S_LIQUIDATED];
            f->recoveries = s[S_RECOVERIES];
            f->loss = s[S_LIQUIDATED] - s[S_RECOVERIES];
            f->interest = s[S_INTEREST];
            f->advanced = s[S_ADVANCED];
            f->sold = 0;
            f->drawn = s[S_DRAWN];
            f->loans = s[S_LOANS];
            f->end = s[S_END];
        }
    p->ahead_t0 = t0;
    p->ahead_n = n;
}

/* month t of every line, now, into out (the direct way) */
static void month_direct(rt_pool *p, int32_t t, rt_flows *out)
{
    const int32_t ng = p->ngroups, ring = p->lag + 1;
    const int32_t wr = t % ring, rd = wr + 1 == ring ? 0 : wr + 1;
    const size_t ring_stride = (size_t)(p->max_lag + 1) * LANES;
    int64_t *sums = p->acc; /* ngroups x S_COUNT here */
    memset(sums, 0, (size_t)ng * S_COUNT * sizeof *sums);
    for (int32_t blk = 0; blk < p->nblocks; blk++) {
        size_t j0 = (size_t)blk * LANES;
        int64_t *ringb = &p->pipe[(size_t)blk * ring_stride];
        int64_t *pw = &ringb[(size_t)wr * LANES], *pr = &ringb[(size_t)rd * LANES];
        int64_t *acc = &sums[(size_t)p->blk_group[blk] * S_COUNT];
        for (int k = 0; k < LANES; k++)
            line_month_at(p, j0 + k, t, pw + k, pr + k, acc, 1);
    }
    for (int32_t g = 0; g < ng; g++) {
        const int64_t *x = &sums[(size_t)g * S_COUNT];
        rt_flows *f = &out[g];
        f->begin = p->end_now[g];
        f->scheduled = x[S_SCHED];
        f->prepaid = x[S_PREPAID];
        f->defaulted = x[S_DEFAULTED];
        f->liquidated = x[S_LIQUIDATED];
        f->recoveries = x[S_RECOVERIES];
        f->loss = x[S_LIQUIDATED] - x[S_RECOVERIES];
        f->interest = x[S_INTEREST];
        f->advanced = x[S_ADVANCED];
        f->sold = 0;
        f->drawn = x[S_DRAWN];
        f->loans = x[S_LOANS];
        f->end = x[S_END];
        p->end_now[g] = f->end;
    }
}

void rt_pool_month(rt_pool *p, int32_t t, rt_flows *out)
{
    int32_t ng = p->ngroups;
    if (p->direct) {
        month_direct(p, t, out);
        p->started = 1;
        return;
    }
    if (t < p->ahead_t0 || t >= p->ahead_t0 + p->ahead_n) {
        /* months come in order: the next chunk starts where the last ended */
        int32_t n = CHUNK;
        if (t <= p->horizon && t + n - 1 > p->horizon)
            n = p->horizon - t + 1;
        compute_ahead(p, t, n);
    }
    const rt_flows *f = &p->ahead[(size_t)(t - p->ahead_t0) * ng];
    memcpy(out, f, (size_t)ng * sizeof *out);
    for (int32_t g = 0; g < ng; g++)
        p->end_now[g] = f[g].end;
    p->started = 1;
}

void rt_pool_sell(rt_pool *p, rt_flows *out)
{
    /* every line's remaining balance, performing and awaiting liquidation,
     * is what the month ended with: bought at par, nothing is left */
    for (int32_t g = 0; g < p->ngroups; g++) {
        out[g].sold += out[g].end;
        out[g].end = 0;
        out[g].loans = 0;
        p->end_now[g] = 0;
    }
    memset(p->perf, 0, (size_t)p->cap * sizeof *p->perf);
    memset(p->pipe_sum, 0, (size_t)p->cap * sizeof *p->pipe_sum);
    memset(p->pipe, 0, (size_t)p->nblocks * (size_t)(p->max_lag + 1) * LANES * sizeof *p->pipe);
    /* the months worked ahead are void: later months are computed afresh
     * (from nothing, so they are all zero) */
    p->ahead_t0 += p->ahead_n;
    p->ahead_n = 0;
}

int64_t rt_pool_balance(const rt_pool *p, int32_t g)
{
    return g >= 0 && g < p->ngroups ? p->end_now[g] : 0;
}
