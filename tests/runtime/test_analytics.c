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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wal),
        cmocka_unit_test(test_bullet_at_par),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_duration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
