/*
 * test_engine.c — the collateral engine, both of its paths (AVX-512 lanes
 * where the processor has them, and the scalar code), against the engine
 * as it stood before its rewrite (bench/ref_engine.c, kept verbatim):
 * every flow of every month of every group, to the cent, on pools built to
 * reach every branch — fixed and adjustable lines with resets, caps and
 * floors, interest-only months, balloons, a 0% rate, lines past their
 * term, empty lines, balances too big for the vector month-interest,
 * several groups, recovery lags 0 to 12, advancing on and off, constant,
 * age-keyed (PSA, SDA, HEP) and month-keyed (vector) curves, pro rata
 * scaling and ageing to a state, the clean-up call's sale, and a horizon.
 * The expected figures are the old engine's, which the hand-worked tests
 * of test_collateral.c pin down; this test pins the new one to it.
 */
#include "support.h"

#include <string.h>

#include "ref_engine.h"
#include "rt_project.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int64_t pick(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
}

/* a pool of n lines over ngroups groups, one index input */
static rt_deal *random_pool(int n, int ngroups, int wild)
{
    rt_deal *d = rt_deal_new();
    rt_deal_name(d, "engine test");
    rt_deal_dates(d, rt_days_from_civil(2024, 1, 30), rt_days_from_civil(2024, 2, 25), 25, RT_BDC_NONE);
    for (int g = 0; g < ngroups; g++) {
        char name[16];
        snprintf(name, sizeof name, "G%d", g);
        rt_add_group(d, name);
    }
    rt_add_input(d, "Index", RT_UNIT_RATE);
    for (int i = 0; i < n; i++) {
        int32_t l = rt_add_collateral(d, (int32_t)pick(0, ngroups - 1));
        int64_t bal = pick(0, 40) == 0 ? 0 : pick(1000, 50000000); /* cents, some empty */
        if (wild && pick(0, 30) == 0)
            bal = pick((int64_t)1 << 40, (int64_t)1 << 45); /* past the vector month-interest */
        rt_set_collateral(d, l, RT_L_BALANCE, (rt_dec)bal * RT_CENT);
        int64_t gross = pick(0, 12) == 0 ? 0 : pick(10, 1500) * 100000000LL; /* 0.1%-15% */
        rt_set_collateral(d, l, RT_L_GROSS_RATE, gross);
        rt_set_collateral(d, l, RT_L_NET_RATE, gross - gross / pick(5, 40));
        int32_t term = pick(0, 2) == 0 ? 180 : pick(0, 5) == 0 ? (int32_t)pick(2, 60) : 360;
        rt_set_collateral(d, l, RT_L_ORIGINAL_TERM, (rt_dec)term * RT_SCALE);
        int32_t age = (int32_t)pick(0, 24);
        if (pick(0, 4) == 0)
            rt_set_collateral(d, l, RT_L_REMAINING_TERM, (rt_dec)pick(1, 400) * RT_SCALE);
        rt_set_collateral(d, l, RT_L_AGE, (rt_dec)age * RT_SCALE);
        if (pick(0, 6) == 0)
            rt_set_collateral(d, l, RT_L_IO_MONTHS, (rt_dec)pick(1, 120) * RT_SCALE);
        if (pick(0, 8) == 0)
            rt_set_collateral(d, l, RT_L_BALLOON, (rt_dec)pick(1, 200) * RT_SCALE);
        if (pick(0, 3) == 0) {
            rt_set_collateral(d, l, RT_L_INDEX, 0);
            rt_set_collateral(d, l, RT_L_MARGIN, pick(100, 400) * 100000000LL);
            rt_set_collateral(d, l, RT_L_FIRST_RESET, (rt_dec)pick(0, 60) * RT_SCALE);
            rt_set_collateral(d, l, RT_L_RESET_EVERY, (rt_dec)(pick(0, 4) == 0 ? 0 : pick(1, 12)) * RT_SCALE);
            if (pick(0, 1))
                rt_set_collateral(d, l, RT_L_PERIODIC_CAP, pick(25, 300) * 100000000LL);
            if (pick(0, 1))
                rt_set_collateral(d, l, RT_L_LIFE_CAP, pick(500, 1800) * 100000000LL);
            rt_set_collateral(d, l, RT_L_LIFE_FLOOR, pick(0, 400) * 100000000LL);
        }
    }
    return d;
}

static void random_curve(rt_curve *c, double *vec, int annual_max_pct)
{
    memset(c, 0, sizeof *c);
    switch (pick(0, 5)) {
    case 0: c->kind = RT_CURVE_CPR; c->level = pick(0, annual_max_pct) / 100.0; break;
    case 1: c->kind = RT_CURVE_SMM; c->level = pick(0, annual_max_pct) / 1200.0; break;
    case 2: c->kind = RT_CURVE_PSA; c->level = pick(0, 400) / 100.0; break;
    case 3: c->kind = RT_CURVE_SDA; c->level = pick(0, 400) / 100.0; break;
    case 4:
        c->kind = RT_CURVE_RAMP;
        c->start = pick(0, 10) / 100.0;
        c->level = pick(0, annual_max_pct) / 100.0;
        c->months = (int32_t)pick(1, 36);
        break;
    default:
        c->kind = RT_CURVE_VECTOR;
        c->nvec = (int32_t)pick(1, 100);
        for (int i = 0; i < c->nvec; i++)
            vec[i] = pick(0, annual_max_pct) / 100.0;
        c->vec = vec;
    }
}

static void same(const rt_flows *a, const rt_flows *b, int32_t t, int g, const char *what)
{
    if (memcmp(a, b, sizeof *a) == 0)
        return;
    print_error("%s: month %d group %d differs: begin %lld/%lld sched %lld/%lld pre %lld/%lld def %lld/%lld "
                "liq %lld/%lld rec %lld/%lld loss %lld/%lld int %lld/%lld adv %lld/%lld sold %lld/%lld "
                "loans %lld/%lld end %lld/%lld\n",
                what, (int)t, g, (long long)a->begin, (long long)b->begin, (long long)a->scheduled,
                (long long)b->scheduled, (long long)a->prepaid, (long long)b->prepaid, (long long)a->defaulted,
                (long long)b->defaulted, (long long)a->liquidated, (long long)b->liquidated,
                (long long)a->recoveries, (long long)b->recoveries, (long long)a->loss, (long long)b->loss,
                (long long)a->interest, (long long)b->interest, (long long)a->advanced, (long long)b->advanced,
                (long long)a->sold, (long long)b->sold, (long long)a->loans, (long long)b->loans,
                (long long)a->end, (long long)b->end);
    fail();
}

/* one pool under `scenarios` random scenarios: the three engines agree */
static void check_pool(rt_deal *d, int scenarios, int32_t max_lag, int32_t max_periods)
{
    int ng = rt_deal_layout(d)->ngroups;
    ref_pool *rp = ref_pool_new(d, max_lag, max_periods);
    rt_pool *sp = rt_pool_new(d, max_lag, max_periods), *vp = rt_pool_new(d, max_lag, max_periods);
    assert_non_null(rp);
    assert_non_null(sp);
    assert_non_null(vp);
    assert_int_equal(rt_pool_set_simd(sp, 0), 0);
    int simd = rt_pool_set_simd(vp, 1); /* 0 on a processor without AVX-512: then both are scalar */
    rt_flows fr[8], fs[8], fv[8];
    double pvec[128], dvec[128];
    rt_dec path[400];
    for (int i = 0; i < 400; i++)
        path[i] = pick(-50, 1200) * 1000000000LL; /* -0.5% .. 12% */
    rt_index_path ix = {path, (int32_t)pick(1, 400)};
    rt_dec inputs[1] = {path[0]};
    for (int sc = 0; sc < scenarios; sc++) {
        rt_assump a;
        memset(&a, 0, sizeof a);
        random_curve(&a.prepay, pvec, 60);
        random_curve(&a.dflt, dvec, 25);
        a.severity = pick(0, 100) / 100.0;
        a.lag = (int32_t)pick(0, max_lag);
        a.advancing = (int)pick(0, 1);
        a.index = &ix;
        a.input = inputs;
        a.periods = pick(0, 3) == 0 ? (int32_t)pick(1, max_periods) : 0;
        int64_t scale[8];
        int use_scale = pick(0, 3) == 0;
        int32_t shift = use_scale ? (int32_t)pick(0, 30) : 0;
        char m1[256], m2[256], m3[256];
        int ok1 = ref_pool_start(rp, &a, NULL, 0, m1, sizeof m1);
        if (use_scale) {
            for (int g = 0; g < ng; g++)
                scale[g] = ok1 ? ref_pool_balance(rp, g) * pick(1, 100) / 100 : 0;
            ok1 = ref_pool_start(rp, &a, scale, shift, m1, sizeof m1);
        }
        int ok2 = rt_pool_start(sp, &a, use_scale ? scale : NULL, shift, m2, sizeof m2);
        int ok3 = rt_pool_start(vp, &a, use_scale ? scale : NULL, shift, m3, sizeof m3);
        assert_int_equal(ok1, ok2);
        assert_int_equal(ok1, ok3);
        if (!ok1) {
            assert_string_equal(m1, m2);
            assert_string_equal(m1, m3);
            continue;
        }
        for (int g = 0; g < ng; g++) {
            assert_int_equal(ref_pool_balance(rp, g), rt_pool_balance(sp, g));
            assert_int_equal(ref_pool_balance(rp, g), rt_pool_balance(vp, g));
        }
        int32_t months = a.periods > 0 ? a.periods : max_periods;
        int32_t sell_at = pick(0, 4) == 0 ? (int32_t)pick(1, months) : 0;
        for (int32_t t = 1; t <= months; t++) {
            ref_pool_month(rp, t, fr);
            rt_pool_month(sp, t, fs);
            rt_pool_month(vp, t, fv);
            if (t == sell_at) {
                ref_pool_sell(rp, fr);
                rt_pool_sell(sp, fs);
                rt_pool_sell(vp, fv);
            }
            for (int g = 0; g < ng; g++) {
                same(&fr[g], &fs[g], t, g, "scalar");
                same(&fr[g], &fv[g], t, g, simd ? "AVX-512" : "scalar (no AVX-512 here)");
                assert_int_equal(rt_pool_balance(vp, g), fr[g].end);
            }
        }
    }
    ref_pool_free(rp);
    rt_pool_free(sp);
    rt_pool_free(vp);
}

/* ordinary pools: every branch, month by month */
static void test_random_pools(void **state)
{
    (void)state;
    for (int k = 0; k < 24; k++) {
        rt_deal *d = random_pool((int)pick(1, 300), (int)pick(1, 4), 0);
        check_pool(d, 6, 12, 400);
        rt_deal_free(d);
    }
}

/* balances past 2^40 cents, which the vector path leaves to the scalar code */
static void test_big_balances(void **state)
{
    (void)state;
    for (int k = 0; k < 8; k++) {
        rt_deal *d = random_pool((int)pick(8, 120), (int)pick(1, 3), 1);
        check_pool(d, 4, 6, 400);
        rt_deal_free(d);
    }
}

/* The vector month-interest against the scalar one: random operands over
 * the whole range it takes (balances below 2^40, rates below 2^44), where
 * the double estimate of the quotient is often one off either way (the
 * larger the quotient, the more often), and operands just either side of
 * a half cent, where the rounding turns. */
static void test_month_interest_lanes(void **state)
{
    (void)state;
    int64_t b[8], r[8], out[8];
    const int64_t D = 12000000000000LL;
    for (int it = 0; it < 300000; it++) {
        for (int k = 0; k < 8; k++) {
            int bits_b = (int)pick(0, 40), bits_r = (int)pick(0, 44);
            b[k] = (int64_t)(next() & (((uint64_t)1 << bits_b) - 1));
            r[k] = (int64_t)(next() & (((uint64_t)1 << bits_r) - 1));
            if (k == 7 && b[k] > 0) {
                /* a rate putting balance x rate at (q + 1/2) D + delta */
                int64_t q = pick(0, ((int64_t)1 << 40) / (b[k] + 1));
                __int128 n = (__int128)q * D + D / 2 + pick(-3, 3) * b[k];
                r[k] = (int64_t)(n / b[k]);
                if (r[k] < 0 || r[k] >= ((int64_t)1 << 44))
                    r[k] = 0;
            }
        }
        rt_month_interest_lanes(b, r, out);
        for (int k = 0; k < 8; k++)
            if (out[k] != rt_month_interest(b[k], r[k])) {
                print_error("balance %lld rate %lld: %lld, scalar %lld\n", (long long)b[k], (long long)r[k],
                            (long long)out[k], (long long)rt_month_interest(b[k], r[k]));
                fail();
            }
    }
}

/* one bigger pool, long lags, a long horizon */
static void test_bigger_pool(void **state)
{
    (void)state;
    rt_deal *d = random_pool(3000, 2, 0);
    check_pool(d, 3, 120, 480);
    rt_deal_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_month_interest_lanes),
        cmocka_unit_test(test_random_pools),
        cmocka_unit_test(test_big_balances),
        cmocka_unit_test(test_bigger_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
