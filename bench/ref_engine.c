/*
 * ref_engine.c — the collateral engine as it stood before the loan-level
 * rewrite (runtime/engine/collateral.c at 38d031b: one line at a time, every line
 * every month, an array of structs), kept verbatim but for its names.
 * Two uses: bench_projection measures the new engine against it in the
 * same run, and tests/runtime/test_engine.c checks, month by month and
 * cent for cent, that the new engine computes exactly what it computed.
 * Not part of the runtime; do not change it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref_engine.h"

/* The 8-byte fields first and the 4-byte ones packed after them: 80
 * bytes, no padding (a big pool reads every line every month). */
typedef struct line {
    int64_t perf;       /* performing balance, cents */
    int64_t gross, net; /* current annual rates, rt_dec units */
    int64_t pipe_sum;   /* defaulted, awaiting liquidation */
    double r;           /* gross / 12 as a double, for the level payment */
    double v;           /* (1 + r)^v_left, carried from month to month */
    int32_t group;
    int32_t age;        /* age of the last month paid */
    int32_t left;       /* amortisation months left */
    int32_t balloon, io, index;
    int32_t v_left;     /* the months v is for; 0: compute afresh */
} line;

/* An adjustable line's reset terms: read only at a reset, so kept out of
 * the per-month state, which a big pool streams through the cache every
 * month (the smaller it is, the faster) */
typedef struct arm_terms {
    int64_t strip;      /* gross - net at cut-off: servicing and fees, kept on resets */
    int64_t margin, pcap, lcap, lfloor;
    int32_t first_reset, reset_every;
} arm_terms;

struct ref_pool {
    const rt_deal *d;
    int32_t nlines, ngroups, max_lag, max_periods;
    line *l;
    arm_terms *arm;     /* nlines, beside l */
    int64_t *pipe;      /* (max_lag + 1) rows of nlines: defaults by month, a
                           ring; month-major so a month walks two rows in
                           order (a big tape's lines stay in cache order) */
    int32_t lag;
    double severity;
    int advancing;
    const rt_assump *a;
    /* monthly rates for this scenario: a constant, or a table by key */
    double pp_const, df_const;
    int pp_kind, df_kind; /* 0 constant, 1 by age, 2 by month */
    double *pp_tab, *df_tab;
    int32_t tab_n;        /* table size: ages and months both below it */
};

/* half-up to the cent of a non-negative product in cents */
static int64_t cents(double x)
{
    return x <= 0 ? 0 : (int64_t)(x + 0.5);
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

/* ---- the pool ---------------------------------------------------------------------------- */

ref_pool *ref_pool_new(const rt_deal *d, int32_t max_lag, int32_t max_periods)
{
    ref_pool *p = calloc(1, sizeof *p);
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
    p->l = calloc((size_t)p->nlines + 1, sizeof *p->l);
    p->arm = calloc((size_t)p->nlines + 1, sizeof *p->arm);
    p->pipe = calloc(((size_t)p->nlines + 1) * (size_t)(p->max_lag + 1), sizeof *p->pipe);
    p->pp_tab = calloc((size_t)p->tab_n, sizeof *p->pp_tab);
    p->df_tab = calloc((size_t)p->tab_n, sizeof *p->df_tab);
    if (!p->l || !p->arm || !p->pipe || !p->pp_tab || !p->df_tab) {
        ref_pool_free(p);
        return NULL;
    }
    return p;
}

void ref_pool_free(ref_pool *p)
{
    if (!p)
        return;
    free(p->l);
    free(p->arm);
    free(p->pipe);
    free(p->pp_tab);
    free(p->df_tab);
    free(p);
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

int ref_pool_start(ref_pool *p, const rt_assump *a, const int64_t *scale, int32_t age_shift, char *msg,
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
    memset(p->pipe, 0, (size_t)p->nlines * (size_t)(p->max_lag + 1) * sizeof *p->pipe);

    /* declared balances, per group, for pro rata scaling */
    int32_t lo = 0x7fffffff, hi = 1;
    for (int32_t i = 0; i < p->nlines; i++) {
        const rt_collateral_line *cl = &d->collateral.v[i];
        line *L = &p->l[i];
        memset(L, 0, sizeof *L);
        if (cl->group < 0 || cl->group >= p->ngroups) {
            snprintf(msg, msgsize, "collateral line %d belongs to no group", (int)i + 1);
            return 0;
        }
        const rt_dec *f = cl->field;
        L->group = cl->group;
        L->perf = (int64_t)(rt_dec_round_cents(f[RT_L_BALANCE]) / RT_CENT);
        L->gross = (int64_t)f[RT_L_GROSS_RATE];
        L->net = (int64_t)f[RT_L_NET_RATE];
        if (f[RT_L_BALANCE] < 0 || f[RT_L_GROSS_RATE] < 0 || f[RT_L_NET_RATE] < 0 ||
            f[RT_L_GROSS_RATE] > 10 * RT_SCALE || f[RT_L_NET_RATE] > f[RT_L_GROSS_RATE] ||
            f[RT_L_BALANCE] > RT_DEC_LIMIT / 1000) {
            snprintf(msg, msgsize,
                     "collateral line %d: balance and rates must be non-negative, net rate at most gross",
                     (int)i + 1);
            return 0;
        }
        arm_terms *A = &p->arm[i];
        A->strip = L->gross - L->net;
        L->age = months_of(f[RT_L_AGE]);
        int32_t rem = months_of(f[RT_L_REMAINING_TERM]);
        int32_t orig = months_of(f[RT_L_ORIGINAL_TERM]);
        L->left = rem > 0 ? rem : orig - L->age;
        L->balloon = months_of(f[RT_L_BALLOON]);
        L->io = months_of(f[RT_L_IO_MONTHS]);
        L->index = (int32_t)(f[RT_L_INDEX] / RT_SCALE);
        if (f[RT_L_INDEX] < 0)
            L->index = -1;
        if (L->index >= d->inputs.n) {
            snprintf(msg, msgsize, "collateral line %d: index %d is not a deal input", (int)i + 1, (int)L->index);
            return 0;
        }
        if (L->index >= 0 && (!a->index || a->index[L->index].n == 0)) {
            snprintf(msg, msgsize, "collateral line %d needs the index \"%s\"", (int)i + 1,
                     d->inputs.v[L->index].name);
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
        L->age += age_shift;
        L->left -= age_shift;
        if (L->left < 1)
            L->left = 1; /* past its term: pays off in month 1 */
        L->r = (double)L->gross / (double)RT_SCALE / 12.0;
        if (L->age + 1 < lo)
            lo = L->age + 1;
        int32_t last = L->age + (L->left < p->max_periods ? L->left : p->max_periods);
        if (last > hi)
            hi = last;
    }
    if (scale) {
        /* pro rata to the target per group; the rounding left over goes to
         * the group's last line so the group sums to the target exactly */
        for (int32_t g = 0; g < p->ngroups; g++) {
            int64_t total = 0, given = 0;
            int32_t lastline = -1;
            for (int32_t i = 0; i < p->nlines; i++)
                if (p->l[i].group == g) {
                    total += p->l[i].perf;
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
                if (p->l[i].group != g)
                    continue;
                if (i == lastline) {
                    p->l[i].perf = scale[g] - given;
                } else {
                    p->l[i].perf = (int64_t)(((rt_dec)p->l[i].perf * scale[g] + total / 2) / total);
                    given += p->l[i].perf;
                }
            }
        }
    }
    if (lo > hi)
        lo = hi;
    if (hi >= p->tab_n)
        hi = p->tab_n - 1;
    if (lo < 1)
        lo = 1;
    int32_t hm = p->max_periods < p->tab_n - 1 ? p->max_periods : p->tab_n - 1;
    prepare_curve(&a->prepay, &p->pp_const, &p->pp_kind, p->pp_tab, lo, hi, hm);
    prepare_curve(&a->dflt, &p->df_const, &p->df_kind, p->df_tab, lo, hi, hm);
    return 1;
}

static double rate_at(int kind, double cst, const double *tab, int32_t age, int32_t t, int32_t n)
{
    if (kind == 0)
        return cst;
    int32_t k = kind == 1 ? age : t;
    if (k >= n)
        k = n - 1;
    return tab[k < 0 ? 0 : k];
}

/* single is a constant where this is inlined: with one group the month's
 * sums are locals (registers, mostly), with more they go to out[group].
 * What does not change during the month is read into locals first: the
 * lines' stores could otherwise alias it and force reloads. */
static inline void pool_month(ref_pool *p, int32_t t, rt_flows *out, const int single)
{
    memset(out, 0, (size_t)p->ngroups * sizeof *out);
    const int32_t ring = p->lag + 1;
    /* one division, not two: (t + 1) % ring is the next slot round */
    const int32_t wr = t % ring, rd = wr + 1 == ring ? 0 : wr + 1;
    const int32_t nlines = p->nlines, tab_n = p->tab_n;
    const int df_kind = p->df_kind, pp_kind = p->pp_kind, advancing = p->advancing;
    const double df_const = p->df_const, pp_const = p->pp_const, severity = p->severity;
    const double *const df_tab = p->df_tab, *const pp_tab = p->pp_tab;
    int64_t *const pipe_w = &p->pipe[(size_t)wr * (size_t)nlines];
    int64_t *const pipe_r = &p->pipe[(size_t)rd * (size_t)nlines];
    line *const lines = p->l;
    int64_t s_begin = 0, s_scheduled = 0, s_prepaid = 0, s_defaulted = 0, s_liquidated = 0, s_recoveries = 0,
            s_loss = 0, s_interest = 0, s_advanced = 0, s_loans = 0, s_end = 0;
#define ADD(field, v)                   \
    do {                                \
        if (single)                     \
            s_##field += (v);           \
        else                            \
            out[L->group].field += (v); \
    } while (0)
    for (int32_t i = 0; i < nlines; i++) {
        line *L = &lines[i];
        int64_t b = L->perf;
        ADD(begin, b + L->pipe_sum);
        if (b == 0 && L->pipe_sum == 0)
            continue;
        int32_t age = ++L->age;

        /* 1. a reset sets this month's rate */
        const arm_terms *A = L->index >= 0 ? &p->arm[i] : NULL;
        if (A && age >= A->first_reset &&
            ((A->reset_every > 0 && (age - A->first_reset) % A->reset_every == 0) ||
             (A->reset_every == 0 && age == A->first_reset))) {
            const rt_index_path *ix = &p->a->index[L->index];
            rt_dec iv = ix->values[t <= ix->n ? t - 1 : ix->n - 1];
            L->gross = (int64_t)rt_arm_reset(L->gross, iv, A->margin, A->pcap, A->lcap, A->lfloor);
            L->net = L->gross - A->strip;
            if (L->net < 0)
                L->net = 0;
            L->r = (double)L->gross / (double)RT_SCALE / 12.0;
            L->v_left = 0;
        }

        /* 2. defaults from the beginning performing balance */
        double mdr = rate_at(df_kind, df_const, df_tab, age, t, tab_n);
        int64_t def = cents((double)b * mdr);
        if (def > b)
            def = b;
        int64_t s = b - def;

        /* 3. interest: the survivors pay; advances cover the defaulted
         * balance still in the pool (this month's defaults included) */
        int64_t in = month_interest(s, L->net);
        int64_t adv = advancing ? month_interest(def + L->pipe_sum, L->net) : 0;

        /* 4. scheduled principal of the survivors: the level payment over
         * the months left less the month's gross interest, as a servicer
         * applies a payment (recomputed each month from the surviving
         * balance, so prepayments shorten nothing and defaults re-amortise) */
        int64_t sp;
        if (L->balloon > 0 && age >= L->balloon)
            sp = s;
        else if (age <= L->io && L->left > 1)
            sp = 0;
        else if (L->left <= 1)
            sp = s;
        else if (L->r <= 0)
            sp = cents((double)s / L->left);
        else {
            /* (1+r)^n: one pow at the start and after a rate change, then
             * divided by 1 + r as n counts down (pow is most of the cost
             * of a month; the drift is ~1e-14 relative, far below a cent).
             * Next month's (1+r)^(n-1) is divided out here, where nothing
             * waits for it, rather than next month at the head of the
             * payment's chain of dependent operations: the same division of
             * the same numbers, so the same v, one month earlier. L->v is
             * (1+r)^v_left; it is next month's when v_left is then left
             * (this month took this branch and no reset came between: a
             * reset sets v_left to 0, and left >= 2 here). */
            double v = L->v_left == L->left ? L->v : pow(1.0 + L->r, L->left);
            L->v = v / (1.0 + L->r);
            L->v_left = L->left - 1;
            sp = cents((double)s * L->r * v / (v - 1.0)) - month_interest(s, L->gross);
        }
        if (sp > s)
            sp = s;
        if (sp < 0)
            sp = 0;

        /* 5. prepayment of what is left after scheduled principal */
        double smm = rate_at(pp_kind, pp_const, pp_tab, age, t, tab_n);
        int64_t pre = cents((double)(s - sp) * smm);
        if (pre > s - sp)
            pre = s - sp;

        /* 6. liquidation of the defaults of month t - lag */
        int64_t *pw = &pipe_w[i];
        int64_t *pr = &pipe_r[i];
        *pw += def;
        L->pipe_sum += def;
        int64_t liq = *pr;
        *pr = 0;
        L->pipe_sum -= liq;
        int64_t rec = cents((double)liq * (1.0 - severity));
        if (rec > liq)
            rec = liq;

        L->perf = s - sp - pre;
        L->left--;
        /* what is left of the line: performing and awaiting liquidation
         * (a line skipped above has nothing left, so adds nothing) */
        int64_t rest = L->perf + L->pipe_sum;
        ADD(end, rest);
        ADD(loans, rest > 0);
        ADD(scheduled, sp);
        ADD(prepaid, pre);
        ADD(defaulted, def);
        ADD(liquidated, liq);
        ADD(recoveries, rec);
        ADD(loss, liq - rec);
        ADD(interest, in + adv);
        ADD(advanced, adv);
    }
#undef ADD
    if (single) {
        out[0].begin = s_begin;
        out[0].scheduled = s_scheduled;
        out[0].prepaid = s_prepaid;
        out[0].defaulted = s_defaulted;
        out[0].liquidated = s_liquidated;
        out[0].recoveries = s_recoveries;
        out[0].loss = s_loss;
        out[0].interest = s_interest;
        out[0].advanced = s_advanced;
        out[0].loans = s_loans;
        out[0].end = s_end;
    }
}

void ref_pool_month(ref_pool *p, int32_t t, rt_flows *out)
{
    if (p->ngroups == 1)
        pool_month(p, t, out, 1);
    else
        pool_month(p, t, out, 0);
}

void ref_pool_sell(ref_pool *p, rt_flows *out)
{
    for (int32_t i = 0; i < p->nlines; i++) {
        line *L = &p->l[i];
        out[L->group].sold += L->perf + L->pipe_sum;
        out[L->group].end -= L->perf + L->pipe_sum;
        out[L->group].loans -= (L->perf + L->pipe_sum) > 0;
        L->perf = 0;
        L->pipe_sum = 0;
        for (int32_t k = 0; k <= p->max_lag; k++)
            p->pipe[(size_t)k * (size_t)p->nlines + (size_t)i] = 0;
    }
}

int64_t ref_pool_balance(const ref_pool *p, int32_t g)
{
    int64_t s = 0;
    for (int32_t i = 0; i < p->nlines; i++)
        if (p->l[i].group == g)
            s += p->l[i].perf + p->l[i].pipe_sum;
    return s;
}
