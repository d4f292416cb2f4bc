/*
 * bench/projection — how fast a compiled deal projects, against the same
 * waterfall written by hand in C (gmacm_handwritten.c), both driven by the
 * same collateral engine and invariant checks (rt_proj_run).
 *
 *   1. GMACM 2003-HE2 from its one representative line, 360 months, at a
 *      spread of prepayment and default speeds: scenarios per second with
 *      the compiled dealc_period and with the hand-written one; the ratio.
 *   2. A 100,000-loan pool (the representative line split into 100,000
 *      loans of varied rate and term), 360 months: loan-months per second.
 *
 * A program, not a test (docs/performance.md records its figures):
 *   build/bin/bench_projection [SECONDS_PER_MEASURE] [LOANS]   (LOANS 0 skips part 2)
 * Each part also prints a digest of every figure of its first 20 scenarios:
 * the compiled and hand-written deals must agree, and a change meant only
 * to be faster must leave both digests as they were.
 */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gmacm_handwritten.h"
#include "rt_project.h"

void dealc_describe(rt_deal *d);
int32_t dealc_period(rt_dec *slot, rt_run *run);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* FNV-1a over bytes: a digest of what the first scenarios produced, so two
 * builds (or the compiled and the hand-written deal) can be compared at a
 * glance: equal digests, the same figures */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ull;
    }
    return h;
}

#define DIGEST_SCENARIOS 20

static uint64_t digest(uint64_t h, const rt_deal *d, const rt_proj_result *r)
{
    size_t nc = (size_t)rt_deal_layout(d)->nclasses, ng = (size_t)rt_deal_layout(d)->ngroups, k = (size_t)r->nperiods;
    h = fnv(h, &r->nperiods, sizeof r->nperiods);
    h = fnv(h, r->date, k * sizeof *r->date);
    h = fnv(h, r->class_begin, k * nc * sizeof *r->class_begin);
    h = fnv(h, r->class_int, k * nc * sizeof *r->class_int);
    h = fnv(h, r->class_prin, k * nc * sizeof *r->class_prin);
    h = fnv(h, r->class_end, k * nc * sizeof *r->class_end);
    h = fnv(h, r->class_coupon, k * nc * sizeof *r->class_coupon);
    /* the flows as they were digested before rt_flows gained `drawn`
     * (zero here: no draw rate), so the digests stay comparable across
     * that change; a draw, were there one, is digested after them */
    for (size_t i = 0; i < k * ng; i++) {
        const rt_flows *f = &r->flows[i];
        h = fnv(h, f, offsetof(rt_flows, drawn));
        h = fnv(h, &f->loans, sizeof *f - offsetof(rt_flows, loans));
        if (f->drawn)
            h = fnv(h, &f->drawn, sizeof f->drawn);
    }
    return h;
}

/* run scenarios with the given period function for about `seconds` (and
 * at least DIGEST_SCENARIOS); returns scenarios per second, and in
 * *checksum the digest of the first DIGEST_SCENARIOS */
static double measure(rt_deal *d, rt_period_fn period, double seconds, uint64_t *checksum)
{
    rt_proj *w = rt_proj_new(d, period, NULL, 12, 400);
    if (!w) { fprintf(stderr, "bench: cannot start the projection\n"); exit(1); }
    rt_dec libor = RT_SCALE / 100 * 110 / 100; /* 1.10% flat */
    rt_index_path paths[2] = { { &libor, 1 }, { NULL, 0 } };
    rt_dec inputs[2] = { libor, (rt_dec)77450000000LL };
    char msg[512];
    int n = 0;
    double t0 = now(), t = 0;
    uint64_t sum = 1469598103934665603ull;
    while ((t = now() - t0) < seconds || n < DIGEST_SCENARIOS) {
        rt_assump a;
        memset(&a, 0, sizeof a);
        a.prepay.kind = RT_CURVE_CPR;
        a.prepay.level = 0.05 + 0.01 * (n % 30);     /* 5% .. 34% CPR */
        a.dflt.kind = RT_CURVE_CPR;
        a.dflt.level = 0.005 * (n % 10);             /* 0% .. 4.5% CDR */
        a.severity = 0.4;
        a.lag = 6;
        a.advancing = 1;
        a.index = paths;
        a.input = inputs;
        a.periods = 360;
        if (!rt_proj_run(w, &a, msg, sizeof msg)) { fprintf(stderr, "bench: %s\n", msg); exit(1); }
        if (n < DIGEST_SCENARIOS)
            sum = digest(sum, d, rt_proj_result_get(w));
        n++;
    }
    *checksum = sum;
    rt_proj_free(w);
    return n / t;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    if (seconds <= 0) seconds = 3.0;
    rt_deal *d = rt_deal_new();
    dealc_describe(d);
    gmacm_handwritten_init(rt_deal_layout(d));

    uint64_t sum_c = 0, sum_h = 0;
    double hand = measure(d, gmacm_handwritten_period, seconds, &sum_h);
    double compiled = measure(d, dealc_period, seconds, &sum_c);
    printf("GMACM 2003-HE2, one representative line, 360 months, 5-34%% CPR x 0-4.5%% CDR:\n");
    printf("  compiled deal      %10.0f scenarios/s\n", compiled);
    printf("  hand-written C     %10.0f scenarios/s\n", hand);
    printf("  compiled time / hand-written time  %.3f  (target: 1.25 or less)\n", hand / compiled);
    printf("  digest of the first %d scenarios: compiled %016llx, hand-written %016llx%s\n", DIGEST_SCENARIOS,
           (unsigned long long)sum_c, (unsigned long long)sum_h, sum_c == sum_h ? "" : "  DIFFERENT");

    /* a 100,000-loan pool: the engine's per loan-month cost */
    int nloans = argc > 2 ? atoi(argv[2]) : 100000;
    if (nloans <= 0) {
        rt_deal_free(d);
        return 0;
    }
    rt_deal *big = rt_deal_new();
    dealc_describe(big);
    /* the declared line stays and the loans go beside it: the pool is then
     * 100,001 lines over the same waterfall */
    for (int i = 0; i < nloans; i++) {
        int32_t l = rt_add_collateral(big, 0);
        rt_set_collateral(big, l, RT_L_BALANCE, (rt_dec)(50000 + (i % 200) * 500) * RT_SCALE);
        rt_set_collateral(big, l, RT_L_GROSS_RATE, (rt_dec)(70000000000LL + (i % 40) * 1000000000LL));
        rt_set_collateral(big, l, RT_L_NET_RATE, (rt_dec)(65000000000LL + (i % 40) * 1000000000LL));
        rt_set_collateral(big, l, RT_L_ORIGINAL_TERM, (rt_dec)(i % 3 ? 360 : 180) * RT_SCALE);
        rt_set_collateral(big, l, RT_L_REMAINING_TERM, (rt_dec)((i % 3 ? 360 : 180) - i % 12) * RT_SCALE);
        rt_set_collateral(big, l, RT_L_AGE, (rt_dec)(i % 12) * RT_SCALE);
    }
    double t0 = now();
    uint64_t sum_b = 0;
    double sc = measure(big, dealc_period, 0.0, &sum_b);
    double el = now() - t0;
    (void)sc;
    /* measure() runs DIGEST_SCENARIOS scenarios when given no time */
    double loan_months = (double)DIGEST_SCENARIOS * (nloans + 1) * 360.0;
    printf("%d-loan pool, 360 months, %d scenarios in %.2f s: %.0f loan-months/s (%.2f s per scenario)\n",
           nloans + 1, DIGEST_SCENARIOS, el, loan_months / el, el / DIGEST_SCENARIOS);
    printf("  digest %016llx\n", (unsigned long long)sum_b);
    rt_deal_free(big);
    rt_deal_free(d);
    return 0;
}
