/*
 * bench/engine — the loan-level collateral engine alone, against the engine
 * as it stood before (bench/ref_engine.c), in one run:
 *
 *   build/bin/bench_engine [LOANS] [SCENARIOS] [ROUNDS]
 *
 * A pool of LOANS lines (default 100,000; the same pool bench_projection
 * uses: balances 50,000-149,500, rates 7-10.9%, terms 360 and 180, ages
 * 0-11) projected 360 months under SCENARIOS scenarios (5-34% CPR, 0-4.5%
 * CDR, 40% severity, 6-month lag, advancing on). Each round times the
 * three engines one after another (today's, the new one's scalar code, the
 * new one's vector code) on the same scenarios, so their ratios come from
 * one run on the same machine state; the best round of each is reported.
 * Every month's flows of every scenario are digested: the three digests
 * must be equal (the program says DIFFERENT and exits 1 when not).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ref_engine.h"
#include "rt_project.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ull;
    }
    return h;
}

static rt_deal *pool_deal(int nloans)
{
    rt_deal *d = rt_deal_new();
    rt_deal_name(d, "bench pool");
    rt_deal_dates(d, rt_days_from_civil(2024, 1, 30), rt_days_from_civil(2024, 2, 25), 25, RT_BDC_NONE);
    rt_add_group(d, "Pool");
    for (int i = 0; i < nloans; i++) {
        int32_t l = rt_add_collateral(d, 0);
        rt_set_collateral(d, l, RT_L_BALANCE, (rt_dec)(50000 + (i % 200) * 500) * RT_SCALE);
        rt_set_collateral(d, l, RT_L_GROSS_RATE, (rt_dec)(70000000000LL + (i % 40) * 1000000000LL));
        rt_set_collateral(d, l, RT_L_NET_RATE, (rt_dec)(65000000000LL + (i % 40) * 1000000000LL));
        rt_set_collateral(d, l, RT_L_ORIGINAL_TERM, (rt_dec)(i % 3 ? 360 : 180) * RT_SCALE);
        rt_set_collateral(d, l, RT_L_REMAINING_TERM, (rt_dec)((i % 3 ? 360 : 180) - i % 12) * RT_SCALE);
        rt_set_collateral(d, l, RT_L_AGE, (rt_dec)(i % 12) * RT_SCALE);
    }
    return d;
}

static void scenario(rt_assump *a, int n)
{
    memset(a, 0, sizeof *a);
    a->prepay.kind = RT_CURVE_CPR;
    a->prepay.level = 0.05 + 0.01 * (n % 30);
    a->dflt.kind = RT_CURVE_CPR;
    a->dflt.level = 0.005 * (n % 10);
    a->severity = 0.4;
    a->lag = 6;
    a->advancing = 1;
    a->periods = 360;
}

/* engine 0: today's; 1: new, scalar; 2: new, vector */
static double run(int engine, rt_deal *d, int nscen, uint64_t *digest)
{
    ref_pool *rp = engine == 0 ? ref_pool_new(d, 12, 400) : NULL;
    rt_pool *np = engine > 0 ? rt_pool_new(d, 12, 400) : NULL;
    if ((engine == 0 && !rp) || (engine > 0 && !np)) {
        fprintf(stderr, "bench_engine: out of memory\n");
        exit(1);
    }
    if (np && rt_pool_set_simd(np, engine == 2) != (engine == 2)) {
        ref_pool_free(rp);
        rt_pool_free(np);
        return -1; /* no AVX-512 here */
    }
    uint64_t h = 1469598103934665603ull;
    char msg[256];
    double t0 = now();
    for (int n = 0; n < nscen; n++) {
        rt_assump a;
        scenario(&a, n);
        int ok = rp ? ref_pool_start(rp, &a, NULL, 0, msg, sizeof msg) : rt_pool_start(np, &a, NULL, 0, msg, sizeof msg);
        if (!ok) {
            fprintf(stderr, "bench_engine: %s\n", msg);
            exit(1);
        }
        for (int32_t t = 1; t <= 360; t++) {
            rt_flows f;
            if (rp)
                ref_pool_month(rp, t, &f);
            else
                rt_pool_month(np, t, &f);
            h = fnv(h, &f, sizeof f);
        }
    }
    double el = now() - t0;
    ref_pool_free(rp);
    rt_pool_free(np);
    *digest = h;
    return el / nscen;
}

int main(int argc, char **argv)
{
    int nloans = argc > 1 ? atoi(argv[1]) : 100000;
    int nscen = argc > 2 ? atoi(argv[2]) : 3;
    int rounds = argc > 3 ? atoi(argv[3]) : 3;
    if (nloans < 1 || nscen < 1 || rounds < 1) {
        fprintf(stderr, "usage: bench_engine [LOANS] [SCENARIOS] [ROUNDS]\n");
        return 2;
    }
    rt_deal *d = pool_deal(nloans);
    static const char *const name[3] = {"today's engine", "new engine, scalar", "new engine, AVX-512"};
    double best[3] = {0, 0, 0};
    uint64_t dig[3] = {0, 0, 0};
    for (int r = 0; r < rounds; r++)
        for (int e = 0; e < 3; e++) {
            double s = run(e, d, nscen, &dig[e]);
            if (s >= 0 && (best[e] == 0 || s < best[e]))
                best[e] = s;
        }
    printf("%d loans x 360 months, %d scenarios a round, best of %d rounds:\n", nloans, nscen, rounds);
    int differ = 0;
    for (int e = 0; e < 3; e++) {
        if (best[e] <= 0) {
            printf("  %-22s (not available on this processor)\n", name[e]);
            continue;
        }
        printf("  %-22s %8.4f s a scenario  %6.1f million loan-months/s  %5.2fx today's  digest %016llx\n",
               name[e], best[e], nloans * 360.0 / best[e] / 1e6, best[0] / best[e], (unsigned long long)dig[e]);
        differ |= dig[e] != dig[0];
    }
    if (differ)
        printf("  DIFFERENT\n");
    rt_deal_free(d);
    return differ;
}
