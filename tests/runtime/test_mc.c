/*
 * test_mc.c — the Monte Carlo paths: Philox4x32-10 against Random123's
 * known answers, the normal quantile against tabulated values, the
 * module's own exp and log against the C library, the Hull-White fit
 * against the curve it is fitted to (exactly with no volatility, in
 * expectation with it), and the paths file reader.
 */
#include "support.h"

#include <math.h>
#include <string.h>

#include "rt_mc.h"

#define NEAR(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

/* Random123's tests/kat_vectors, the three "philox4x32 10" lines */
static void test_philox_kat(void **state)
{
    (void)state;
    static const uint32_t v[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d, 0x41c83b0e, 0xa20bc7c6,
         0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09, 0x94fdcceb, 0x5001e420,
         0x24126ea1},
    };
    for (int i = 0; i < 3; i++) {
        uint32_t out[4];
        rt_philox4x32(&v[i][0], &v[i][4], out);
        for (int k = 0; k < 4; k++)
            assert_int_equal(out[k], v[i][6 + k]);
    }
}

/* standard normal quantiles (Abramowitz and Stegun's tables; 1e-10 from
 * the series): 0.975 -> 1.959963984540054, 0.999 -> 3.090232306167813,
 * Phi(1) = 0.841344746068543 -> 1, 1e-10 -> -6.361340902404056 */
static void test_norm_quantile(void **state)
{
    (void)state;
    NEAR(rt_norm_quantile(0.5), 0, 0);
    NEAR(rt_norm_quantile(0.975), 1.959963984540054, 1e-14);
    NEAR(rt_norm_quantile(0.025), -1.959963984540054, 1e-14);
    NEAR(rt_norm_quantile(0.999), 3.090232306167813, 1e-14);
    NEAR(rt_norm_quantile(0.841344746068543), 1.0, 1e-12);
    NEAR(rt_norm_quantile(1e-10), -6.361340902404056, 1e-12);
    NEAR(rt_norm_quantile(1e-300), -37.0471, 1e-3); /* the far tail (the third branch) */
}

/* within two ulps of the C library over the ranges used */
static void test_exp_log(void **state)
{
    (void)state;
    for (int i = -2000; i <= 2000; i++) {
        double x = i * 0.0137;
        NEAR(rt_mc_exp(x), exp(x), 2.5e-16 * exp(x));
        NEAR(rt_mc_expm1(x / 100), expm1(x / 100), 2.5e-16 * fabs(expm1(x / 100)) + 1e-300);
    }
    for (int i = 1; i <= 4000; i++) {
        double x = i * 0.00025, y = i * 1.7e-9;
        NEAR(rt_mc_log(x), log(x), 4.5e-16 * fabs(log(x)) + 1e-300);
        NEAR(rt_mc_log(y), log(y), 4.5e-16 * fabs(log(y)));
    }
    NEAR(rt_mc_log(1.0), 0, 0);
    NEAR(rt_mc_exp(0), 1, 0);
}

/* path k does not depend on which paths were drawn before it */
static void test_counter_based(void **state)
{
    (void)state;
    double a = rt_mc_normal(7, 12345, 17), b;
    for (int k = 0; k < 100; k++)
        (void)rt_mc_normal(7, (uint64_t)k, 3);
    b = rt_mc_normal(7, 12345, 17);
    assert_true(a == b);
    assert_true(rt_mc_normal(7, 12345, 17) != rt_mc_normal(8, 12345, 17));
    assert_true(rt_mc_normal(7, 12345, 17) != rt_mc_normal(7, 12345, 18));
    /* the draws have mean 0 and variance 1: 200,000 of them within 4
     * standard errors (0.009 and 0.013) */
    double s = 0, s2 = 0;
    for (int k = 0; k < 100000; k++)
        for (int t = 1; t <= 2; t++) {
            double z = rt_mc_normal(1, (uint64_t)k, t);
            s += z;
            s2 += z * z;
        }
    NEAR(s / 200000, 0, 0.009);
    NEAR(s2 / 200000, 1, 0.013);
}

/* No volatility: the path is the curve. A flat 4% forward: every month's
 * index is (e^(0.04/12) - 1) x 12 = 4.006674080251%, 40,066,740,802.5 units
 * of 10^-12 (the half is the double's: either neighbour), and a month
 * discounts at
 * e^(-0.04/12). A curve rising from 2% at 0 to 6% at 10 years: month 1's
 * forward averages 2% + 0.4%/24 = 2.016667%. */
static void test_hw_no_vol(void **state)
{
    (void)state;
    rt_hw m;
    char msg[128];
    double ten[] = {1}, fwd[] = {0.04};
    assert_true(rt_hw_fit(&m, 0.1, 0, ten, fwd, 1, 360, msg, sizeof msg));
    rt_dec rate[360];
    double disc[360];
    rt_hw_path(&m, 1, 0, 360, rate, disc);
    for (int t = 0; t < 360; t++) {
        assert_true(rate[t] == 40066740802LL || rate[t] == 40066740803LL);
        NEAR(disc[t], exp(-0.04 / 12), 1e-15);
    }
    double ten2[] = {0, 10}, fwd2[] = {0.02, 0.06};
    assert_true(rt_hw_fit(&m, 0.1, 0, ten2, fwd2, 2, 360, msg, sizeof msg));
    rt_hw_path(&m, 1, 0, 360, rate, disc);
    NEAR((double)rate[0] / 1e12, (exp((0.02 + 0.4 / 100 / 24) / 12) - 1) * 12, 1e-12);
    /* a negative volatility or mean reversion is refused */
    assert_false(rt_hw_fit(&m, 0.1, -0.01, ten, fwd, 1, 360, msg, sizeof msg));
    assert_non_null(strstr(msg, "volatility"));
    assert_false(rt_hw_fit(&m, -0.1, 0.01, ten, fwd, 1, 360, msg, sizeof msg));
}

/* With volatility the fit holds in expectation: the mean over paths of
 * each path's discount factor to 10 and 30 years is the curve's,
 * e^(-0.04 t), within 4 standard errors of the sample mean; and the factor
 * x has the variance the model gives it, sigma^2 (1 - beta^(2t)) / (2a). */
static void test_hw_calibrated(void **state)
{
    (void)state;
    rt_hw m;
    char msg[128];
    double ten[] = {1}, fwd[] = {0.04};
    const double a = 0.1, sigma = 0.01;
    assert_true(rt_hw_fit(&m, a, sigma, ten, fwd, 1, 360, msg, sizeof msg));
    const int n = 20000;
    rt_dec rate[360];
    double disc[360];
    double s120 = 0, q120 = 0, s360 = 0, q360 = 0;
    for (int k = 0; k < n; k++) {
        rt_hw_path(&m, 42, (uint64_t)k, 360, rate, disc);
        double d = 1;
        for (int t = 0; t < 360; t++) {
            d *= disc[t];
            if (t == 119) {
                s120 += d;
                q120 += d * d;
            }
        }
        s360 += d;
        q360 += d * d;
    }
    double m120 = s120 / n, se120 = sqrt((q120 / n - m120 * m120) / n);
    double m360 = s360 / n, se360 = sqrt((q360 / n - m360 * m360) / n);
    assert_true(fabs(m120 - exp(-0.4)) <= 4 * se120);
    assert_true(fabs(m360 - exp(-1.2)) <= 4 * se360);
    /* the short rate of month 121 is phi + x_120; its spread over paths */
    double sx = 0, sx2 = 0;
    for (int k = 0; k < n; k++) {
        rt_hw_path(&m, 43, (uint64_t)k, 121, rate, NULL);
        double r = log1p((double)rate[120] / 1e12 / 12) * 12;
        sx += r;
        sx2 += r * r;
    }
    double var = sx2 / n - (sx / n) * (sx / n), want = sigma * sigma * (1 - exp(-2 * a * 10)) / (2 * a);
    assert_true(fabs(var - want) <= 0.05 * want); /* the sample variance's error is about 1% */
}

static void test_pathfile(void **state)
{
    (void)state;
    t_write("paths.txt", "# two paths\n1.5 1.6, 1.7\n\n2*3 2.5%\n");
    rt_pathfile pf;
    rt_err e;
    assert_true(rt_pathfile_open(&pf, t_path("paths.txt"), &e));
    assert_int_equal(pf.count, 2);
    rt_dec r[5];
    assert_true(rt_pathfile_read(&pf, 1, r, 5, &e));
    assert_true(r[0] == 20000000000LL && r[2] == 20000000000LL && r[3] == 25000000000LL && r[4] == 25000000000LL);
    assert_true(rt_pathfile_read(&pf, 0, r, 2, &e)); /* back to the start */
    assert_true(r[0] == 15000000000LL && r[1] == 16000000000LL);
    rt_pathfile_close(&pf);

    /* a repeat past the projection is counted, not walked (the fuzzer
     * found one of a billion) */
    t_write("long.txt", "3.1\n2*999999999\n");
    assert_true(rt_pathfile_open(&pf, t_path("long.txt"), &e));
    assert_true(rt_pathfile_read(&pf, 1, r, 5, &e));
    assert_true(r[0] == 20000000000LL && r[4] == 20000000000LL);
    rt_pathfile_close(&pf);

    t_write("bad1.txt", "1 2\n3 x4\n");
    assert_false(rt_pathfile_open(&pf, t_path("bad1.txt"), &e));
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 3);
    t_write("bad2.txt", "1 2*0\n");
    assert_false(rt_pathfile_open(&pf, t_path("bad2.txt"), &e));
    assert_int_equal(e.col, 5);
    t_write("bad3.txt", "# nothing\n");
    assert_false(rt_pathfile_open(&pf, t_path("bad3.txt"), &e));
    assert_non_null(strstr(e.msg, "no paths"));
    t_write("bad4.txt", "5 2000\n");
    assert_false(rt_pathfile_open(&pf, t_path("bad4.txt"), &e));
    assert_non_null(strstr(e.msg, "outside"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_kat),    cmocka_unit_test(test_norm_quantile),
        cmocka_unit_test(test_exp_log),       cmocka_unit_test(test_counter_based),
        cmocka_unit_test(test_hw_no_vol),     cmocka_unit_test(test_hw_calibrated),
        cmocka_unit_test(test_pathfile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
