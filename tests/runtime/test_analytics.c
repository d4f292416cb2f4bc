/*
 * test_analytics.c — WAL, yield, price and duration against figures worked
 * by hand.
 */
#include "support.h"

#include <math.h>

#include "rt_project.h"

#define NEAR(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

/* 100 repaid at 1 year and 300 at 2 years: (100 x 1 + 300 x 2) / 400 = 1.75 */
static void test_wal(void **state)
{
    (void)state;
    double p[] = {100, 0, 300}, t[] = {1, 1.5, 2};
    NEAR(rt_wal(p, t, 3), 1.75, 1e-15);
    double z[] = {0, 0};
    NEAR(rt_wal(z, t, 2), 0, 0);
}

/* A 5-year bullet paying 5% semiannually (2.50 a half year, 102.50 at the
 * end), at par: its bond-equivalent yield is the coupon, 5%. At 6% it is
 * worth 100 - 2.5 x annuity factor difference: sum 2.5/1.03^k + 100/1.03^10
 * = 2.5 x 8.5302028 + 74.4093915 = 95.7349 */
static void test_bullet_at_par(void **state)
{
    (void)state;
    double cf[10], t[10];
    for (int k = 0; k < 10; k++) {
        cf[k] = k == 9 ? 102.5 : 2.5;
        t[k] = (k + 1) / 2.0;
    }
    double y = 0;
    assert_true(rt_yield(cf, t, 10, 100, 2, &y));
    NEAR(y, 0.05, 1e-12);
    NEAR(rt_pv(cf, t, 10, 0.06, 2), 95.734899, 1e-6);
}

/* price -> yield -> price round trip on monthly mortgage-like flows */
static void test_round_trip(void **state)
{
    (void)state;
    double cf[360], t[360];
    for (int k = 0; k < 360; k++) {
        cf[k] = 599.55 + (k % 7);
        t[k] = (k + 1) / 12.0 + 0.01;
    }
    double prices[] = {80000, 95000, 100000, 120000};
    for (int i = 0; i < 4; i++) {
        double y = 0;
        assert_true(rt_yield(cf, t, 360, prices[i], 2, &y));
        NEAR(rt_pv(cf, t, 360, y, 2), prices[i], 1e-8);
    }
    /* no yield makes positive flows worth nothing or a negative price */
    double y;
    assert_false(rt_yield(cf, t, 360, -5, 2, &y));
}

/* A zero at 2 years, 6% semiannual: modified duration 2 / 1.03 = 1.9417476 */
static void test_duration(void **state)
{
    (void)state;
    double cf[] = {100}, t[] = {2};
    NEAR(rt_mod_duration(cf, t, 1, 0.06, 2), 2 / 1.03, 1e-12);
}

/* The same zero's convexity: t (t + 1/2) / 1.03^2 = 2 x 2.5 / 1.0609
 * = 4.7129795; two zeros of equal value weigh their convexities equally:
 * 100 at 1 year and 100 at 2 years at 0% give (1 x 1.5 + 2 x 2.5) / 2 = 3.25 */
static void test_convexity(void **state)
{
    (void)state;
    double cf[] = {100}, t[] = {2};
    NEAR(rt_convexity(cf, t, 1, 0.06, 2), 5 / 1.0609, 1e-12);
    double cf2[] = {100, 100}, t2[] = {1, 2};
    NEAR(rt_convexity(cf2, t2, 2, 0, 2), 3.25, 1e-12);
}

/* Z-spread: 100 at 1 year on a 4% zero and 100 at 2 years on a 6% zero
 * (semiannual), priced 100/1.025^2 + 100/1.035^4 = 95.1814396 + 87.1442228
 * = 182.3256624: 1% over each zero rate, 100 bp. On a flat curve the
 * Z-spread is the yield less the curve: the 5% bullet at par over a flat 4%
 * zero curve is 100 bp. */
static void test_zspread(void **state)
{
    (void)state;
    double cf[] = {100, 100}, t[] = {1, 2}, zero[] = {0.04, 0.06}, z = 0;
    assert_true(rt_zspread(cf, t, zero, 2, 182.32566238913148, 2, &z));
    NEAR(z, 0.01, 1e-11);
    double bcf[10], bt[10], flat[10];
    for (int k = 0; k < 10; k++) {
        bcf[k] = k == 9 ? 102.5 : 2.5;
        bt[k] = (k + 1) / 2.0;
        flat[k] = 0.04;
    }
    assert_true(rt_zspread(bcf, bt, flat, 10, 100, 2, &z));
    NEAR(z, 0.01, 1e-11);
    /* no spread makes positive flows worth less than nothing */
    assert_false(rt_zspread(bcf, bt, flat, 10, -1, 2, &z));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal),
        cmocka_unit_test(test_bullet_at_par),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_convexity),
        cmocka_unit_test(test_zspread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
