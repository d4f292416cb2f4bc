/*
 * test_collateral.c — the collateral engine's formulas against figures
 * worked by hand (each in the comment above its assertion).
 */
#include "support.h"

#include <math.h>
#include <string.h>

#include "rt_project.h"

#define NEAR(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

/* 100,000.00 at 6% over 360 months: r = 0.005, v = 1.005^360 = 6.022575212
 * payment = 100,000 x 0.005 x v / (v - 1) = 599.5505 -> 599.55;
 * 1,000,000.00: 5,995.5053 -> 5,995.51; 0%: 120,000 / 360 = 333.33;
 * one month left: the whole balance is due, at 6% 1,000 x 1.005 = 1,005.00 */
static void test_level_payment(void **state)
{
    (void)state;
    assert_int_equal(rt_level_payment(10000000, 0.06, 360), 59955);
    assert_int_equal(rt_level_payment(100000000, 0.06, 360), 599551);
    assert_int_equal(rt_level_payment(12000000, 0, 360), 33333);
    assert_int_equal(rt_level_payment(100000, 0.06, 1), 100500);
    assert_int_equal(rt_level_payment(0, 0.06, 360), 0);
}

/* SMM from 6% CPR: 1 - 0.94^(1/12) = 0.00514301283; 100% CPR -> 1; 0 -> 0 */
static void test_smm(void **state)
{
    (void)state;
    NEAR(rt_monthly_rate(0.06), 0.00514301283, 1e-11);
    NEAR(rt_monthly_rate(1.0), 1.0, 0);
    NEAR(rt_monthly_rate(0), 0, 0);
    rt_curve c = {RT_CURVE_SMM, 0.01, 0, 0, NULL, 0};
    NEAR(rt_curve_monthly(&c, 5, 5), 0.01, 1e-15); /* SMM is taken as given */
}

/* 100% PSA: 0.2% CPR x age to 6% at 30: age 1 0.2%, 15 3%, 30 6%, 200 6%;
 * 150% PSA at 10: 1.5 x 2% = 3%; 50% at 40: 3% */
static void test_psa(void **state)
{
    (void)state;
    rt_curve c = {RT_CURVE_PSA, 1.0, 0, 0, NULL, 0};
    NEAR(rt_curve_annual(&c, 1, 1), 0.002, 1e-15);
    NEAR(rt_curve_annual(&c, 15, 1), 0.03, 1e-15);
    NEAR(rt_curve_annual(&c, 30, 1), 0.06, 1e-15);
    NEAR(rt_curve_annual(&c, 200, 1), 0.06, 1e-15);
    c.level = 1.5;
    NEAR(rt_curve_annual(&c, 10, 1), 0.03, 1e-15);
    c.level = 0.5;
    NEAR(rt_curve_annual(&c, 40, 1), 0.03, 1e-15);
    /* and its SMM at month 30 of 100%: 1 - 0.94^(1/12) as above */
    c.level = 1.0;
    NEAR(rt_curve_monthly(&c, 30, 1), 0.00514301283, 1e-11);
}

/* 100% SDA: age 1 0.02%, 30 0.60%, 45 0.60%, 60 0.60%, 61 0.60 - 0.0095 =
 * 0.5905%, 90 0.60 - 30 x 0.0095 = 0.315%, 120 0.03%, 300 0.03%;
 * 200% SDA at 10: 2 x 0.2% = 0.4% */
static void test_sda(void **state)
{
    (void)state;
    rt_curve c = {RT_CURVE_SDA, 1.0, 0, 0, NULL, 0};
    NEAR(rt_curve_annual(&c, 1, 1), 0.0002, 1e-15);
    NEAR(rt_curve_annual(&c, 30, 1), 0.006, 1e-15);
    NEAR(rt_curve_annual(&c, 45, 1), 0.006, 1e-15);
    NEAR(rt_curve_annual(&c, 60, 1), 0.006, 1e-15);
    NEAR(rt_curve_annual(&c, 61, 1), 0.005905, 1e-15);
    NEAR(rt_curve_annual(&c, 90, 1), 0.00315, 1e-15);
    NEAR(rt_curve_annual(&c, 120, 1), 0.0003, 1e-15);
    NEAR(rt_curve_annual(&c, 300, 1), 0.0003, 1e-15);
    c.level = 2;
    NEAR(rt_curve_annual(&c, 10, 1), 0.004, 1e-15);
}

/* HEP "4% CPR rising to 25% CPR over 12 months": age 1 4%, age 12 25%,
 * age 6 4 + 21 x 5/11 = 13.5454..%, age 50 25%. Vectors by projection
 * month, the last value holding. */
static void test_ramp_vector(void **state)
{
    (void)state;
    rt_curve c = {RT_CURVE_RAMP, 0.25, 0.04, 12, NULL, 0};
    NEAR(rt_curve_annual(&c, 1, 1), 0.04, 1e-15);
    NEAR(rt_curve_annual(&c, 12, 1), 0.25, 1e-15);
    NEAR(rt_curve_annual(&c, 6, 1), 0.04 + 0.21 * 5 / 11, 1e-15);
    NEAR(rt_curve_annual(&c, 50, 1), 0.25, 1e-15);
    double v[] = {0.01, 0.02, 0.03};
    rt_curve vc = {RT_CURVE_VECTOR, 0, 0, 0, v, 3};
    NEAR(rt_curve_annual(&vc, 99, 2), 0.02, 0);
    NEAR(rt_curve_annual(&vc, 99, 7), 0.03, 0);
}

/* Resets: index + margin, at most the periodic cap from the current rate,
 * within the life cap and floor.
 *   5% now, index 4% + 2.75% = 6.75% -> periodic cap 1%: 6%
 *   10.5% now, 9% + 2.75% = 11.75% -> cap 11.5% -> life cap 11%
 *   5% now, 0.1% + 2.75% = 2.85% -> periodic floor 4%
 *   3.5% now, 0% + 2.75% = 2.75% -> life floor 3%
 *   no periodic cap (0): 5% now, 4% + 2.75% = 6.75% */
static void test_arm_reset(void **state)
{
    (void)state;
    rt_dec m = D("2.75%"), pc = D("1%"), lc = D("11%"), lf = D("3%");
    assert_true(rt_arm_reset(D("5%"), D("4%"), m, pc, lc, lf) == D("6%"));
    assert_true(rt_arm_reset(D("10.5%"), D("9%"), m, pc, lc, lf) == D("11%"));
    assert_true(rt_arm_reset(D("5%"), D("0.1%"), m, pc, lc, lf) == D("4%"));
    assert_true(rt_arm_reset(D("3.5%"), 0, m, pc, lc, lf) == D("3%"));
    assert_true(rt_arm_reset(D("5%"), D("4%"), m, 0, lc, lf) == D("6.75%"));
}

/* a one-group deal with the given lines, built the way dealc_describe would */
static rt_deal *deal_with(int nlines)
{
    rt_deal *d = rt_deal_new();
    rt_deal_name(d, "engine");
    rt_deal_dates(d, rt_days_from_civil(2024, 1, 30), rt_days_from_civil(2024, 2, 25), 25, RT_BDC_NONE);
    rt_add_group(d, "G");
    rt_add_input(d, "Index", RT_UNIT_RATE);
    for (int i = 0; i < nlines; i++)
        rt_add_collateral(d, 0);
    return d;
}

static void set(rt_deal *d, int line, int field, const char *v)
{
    rt_set_collateral(d, line, field, D(v));
}

/* Defaults, lag and severity. 1,200,000.00 at 12% gross and net (1% a
 * month), 360 months; MDR 1% (a monthly default rate), no prepayment,
 * severity 40%, lag 2, advancing on.
 *  month 1: D = 12,000.00; S = 1,188,000.00; interest 11,880.00, advanced
 *           on 12,000.00: 120.00 -> 12,000.00 collected; payment on S over
 *           360: 1,188,000 x 0.01 x v/(v-1), v = 1.01^360 = 35.9496413
 *           -> 12,219.92, less 11,880.00 interest: 339.92 scheduled;
 *           nothing liquidated; pool 1,188,000 - 339.92 + 12,000 =
 *           1,199,660.08
 *  month 2: B = 1,187,660.08; D = 11,876.60 (11,876.6008 -> .60); S =
 *           1,175,783.48; interest 11,757.83 (11,757.8348); advanced on
 *           12,000.00 + 11,876.60: 238.77 (238.766); scheduled 339.89
 *  month 3: the month-1 default is liquidated: 12,000.00 x 60% = 7,200.00
 *           recovered, 4,800.00 lost; principal collections = scheduled +
 *           7,200.00; pool end = begin - scheduled - 12,000.00 */
static void test_default_sequence(void **state)
{
    (void)state;
    rt_deal *d = deal_with(1);
    set(d, 0, RT_L_BALANCE, "1200000.00");
    set(d, 0, RT_L_GROSS_RATE, "12%");
    set(d, 0, RT_L_NET_RATE, "12%");
    rt_set_collateral(d, 0, RT_L_ORIGINAL_TERM, 360 * RT_SCALE);
    rt_pool *p = rt_pool_new(d, 6, 400);
    assert_non_null(p);
    rt_assump a;
    memset(&a, 0, sizeof a);
    a.prepay.kind = RT_CURVE_CPR;
    a.dflt.kind = RT_CURVE_SMM;
    a.dflt.level = 0.01;
    a.severity = 0.4;
    a.lag = 2;
    a.advancing = 1;
    char msg[256];
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_flows f;
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.begin, 120000000);
    assert_int_equal(f.defaulted, 1200000);
    assert_int_equal(f.interest, 1200000);
    assert_int_equal(f.advanced, 12000);
    assert_int_equal(f.scheduled, 33992);
    assert_int_equal(f.prepaid, 0);
    assert_int_equal(f.liquidated, 0);
    assert_int_equal(f.end, 119966008);
    rt_pool_month(p, 2, &f);
    assert_int_equal(f.begin, 119966008);
    assert_int_equal(f.defaulted, 1187660);
    assert_int_equal(f.interest, 1175783 + 23877);
    assert_int_equal(f.advanced, 23877);
    assert_int_equal(f.scheduled, 33989);
    rt_pool_month(p, 3, &f);
    assert_int_equal(f.liquidated, 1200000);
    assert_int_equal(f.recoveries, 720000);
    assert_int_equal(f.loss, 480000);
    assert_int_equal(f.defaulted, 1175444);
    assert_int_equal(f.end, f.begin - f.scheduled - f.prepaid - f.liquidated);
    assert_int_equal(f.end, 118698034);
    rt_pool_month(p, 4, &f);
    assert_int_equal(f.liquidated, 1187660);
    assert_int_equal(f.recoveries, 712596); /* 11,876.60 x 60% = 7,125.96 */
    assert_int_equal(f.loss, 475064);

    /* advancing off: only the survivors' interest, 11,880.00 in month 1 */
    a.advancing = 0;
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.interest, 1188000);
    assert_int_equal(f.advanced, 0);

    /* lag 0: liquidated the month it defaults */
    a.lag = 0;
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.liquidated, 1200000);
    assert_int_equal(f.recoveries, 720000);
    assert_int_equal(f.end, 120000000 - 33992 - 1200000);

    /* a lag beyond the pool's capacity is refused */
    a.lag = 7;
    assert_false(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_pool_free(p);
    rt_deal_free(d);
}

/* Prepayment after scheduled principal: 1,000,000.00 at 6%/5.5%, 360
 * months, 6% CPR. Month 1: interest 1,000,000 x 5.5%/12 = 4,583.33;
 * scheduled 5,995.51 - 5,000.00 = 995.51; prepaid (1,000,000 - 995.51) x
 * 0.00514301283 = 5,137.89 (5,137.8929). Zero speeds: 360 months pay
 * exactly the balance, the last one what is left. */
static void test_prepay_and_maturity(void **state)
{
    (void)state;
    rt_deal *d = deal_with(1);
    set(d, 0, RT_L_BALANCE, "1000000.00");
    set(d, 0, RT_L_GROSS_RATE, "6%");
    set(d, 0, RT_L_NET_RATE, "5.5%");
    rt_set_collateral(d, 0, RT_L_REMAINING_TERM, 360 * RT_SCALE);
    rt_pool *p = rt_pool_new(d, 0, 400);
    rt_assump a;
    memset(&a, 0, sizeof a);
    a.prepay.kind = RT_CURVE_CPR;
    a.prepay.level = 0.06;
    char msg[256];
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_flows f;
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.interest, 458333);
    assert_int_equal(f.scheduled, 99551);
    assert_int_equal(f.prepaid, 513789);

    a.prepay.level = 0;
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    int64_t total = 0;
    for (int t = 1; t <= 360; t++) {
        rt_pool_month(p, t, &f);
        total += f.scheduled;
        if (t < 360)
            assert_true(f.end > 0);
    }
    assert_int_equal(total, 100000000);
    assert_int_equal(f.end, 0);
    rt_pool_month(p, 361, &f);
    assert_int_equal(f.begin, 0);
    rt_pool_free(p);
    rt_deal_free(d);
}

/* Interest only for 2 months, then level pay; a balloon at age 4.
 * 120,000.00 at 12%: months 1-2 pay 1,200.00 interest and no principal;
 * month 3 the level payment over 358 months: 120,000 x 0.01 x v/(v-1),
 * v = 1.01^358 = 35.2413 -> 1,235.05, principal 35.05; month 4 the rest. */
static void test_io_balloon(void **state)
{
    (void)state;
    rt_deal *d = deal_with(1);
    set(d, 0, RT_L_BALANCE, "120000.00");
    set(d, 0, RT_L_GROSS_RATE, "12%");
    set(d, 0, RT_L_NET_RATE, "12%");
    rt_set_collateral(d, 0, RT_L_ORIGINAL_TERM, 360 * RT_SCALE);
    rt_set_collateral(d, 0, RT_L_IO_MONTHS, 2 * RT_SCALE);
    rt_set_collateral(d, 0, RT_L_BALLOON, 4 * RT_SCALE);
    rt_pool *p = rt_pool_new(d, 0, 400);
    rt_assump a;
    memset(&a, 0, sizeof a);
    char msg[256];
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_flows f;
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.interest, 120000);
    assert_int_equal(f.scheduled, 0);
    rt_pool_month(p, 2, &f);
    assert_int_equal(f.scheduled, 0);
    rt_pool_month(p, 3, &f);
    assert_int_equal(f.scheduled, rt_level_payment(12000000, 0.12, 358) - 120000);
    assert_int_equal(f.scheduled, 3505);
    rt_pool_month(p, 4, &f);
    assert_int_equal(f.scheduled, 12000000 - 3505);
    assert_int_equal(f.end, 0);
    rt_pool_free(p);
    rt_deal_free(d);
}

/* Draws on a revolving line. 60,000.00 drawn of a 100,000.00 limit, 12%
 * gross and net, 300 months with 120 interest only; a draw rate of 1% a
 * month (SMM-style) of the undrawn limit, no defaults.
 *  month 1: undrawn 100,000.00 - 60,000.00 = 40,000.00 -> 400.00 drawn;
 *           interest 600.00 on the 60,000.00; end 60,400.00
 *  month 2: undrawn 39,600.00 -> 396.00; interest 604.00; end 60,796.00
 * With 10% a month prepaid: month 1 prepays 6,000.00 and still draws on
 * what was undrawn at the start, 400.00: end 54,400.00. A closed-end line
 * beside it draws nothing; no draw rate, no draws. Scaled to 30,000.00 the
 * line keeps its 60% utilisation: limit 50,000.00, draw 200.00. */
static void test_draws(void **state)
{
    (void)state;
    rt_deal *d = deal_with(2);
    set(d, 0, RT_L_BALANCE, "60000.00");
    set(d, 0, RT_L_CREDIT_LIMIT, "100000.00");
    set(d, 1, RT_L_BALANCE, "10000.00");
    for (int i = 0; i < 2; i++) {
        set(d, i, RT_L_GROSS_RATE, "12%");
        set(d, i, RT_L_NET_RATE, "12%");
        rt_set_collateral(d, i, RT_L_ORIGINAL_TERM, 300 * RT_SCALE);
        rt_set_collateral(d, i, RT_L_IO_MONTHS, 120 * RT_SCALE);
    }
    rt_pool *p = rt_pool_new(d, 0, 400);
    assert_non_null(p);
    rt_assump a;
    memset(&a, 0, sizeof a);
    a.draw.kind = RT_CURVE_SMM;
    a.draw.level = 0.01;
    char msg[256];
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_flows f;
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.drawn, 40000);
    assert_int_equal(f.interest, 60000 + 10000);
    assert_int_equal(f.end, 6040000 + 1000000);
    rt_pool_month(p, 2, &f);
    assert_int_equal(f.drawn, 39600);
    assert_int_equal(f.interest, 60400 + 10000);
    assert_int_equal(f.end, 6079600 + 1000000);

    a.prepay.kind = RT_CURVE_SMM;
    a.prepay.level = 0.10;
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.prepaid, 600000 + 100000);
    assert_int_equal(f.drawn, 40000);
    assert_int_equal(f.end, f.begin - f.prepaid + f.drawn);
    assert_int_equal(f.end, 5440000 + 900000);

    memset(&a, 0, sizeof a);
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.drawn, 0);
    assert_int_equal(f.end, 7000000);

    a.draw.kind = RT_CURVE_SMM;
    a.draw.level = 0.01;
    int64_t scale[1] = {3500000}; /* 70,000.00 -> 35,000.00: each line halved */
    assert_true(rt_pool_start(p, &a, scale, 0, msg, sizeof msg));
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.begin, 3500000);
    assert_int_equal(f.drawn, 20000);
    rt_pool_free(p);

    /* a limit below the balance is refused at the start */
    set(d, 0, RT_L_CREDIT_LIMIT, "50000.00");
    p = rt_pool_new(d, 0, 400);
    assert_false(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    assert_non_null(strstr(msg, "credit limit is below its balance"));
    rt_pool_free(p);
    rt_deal_free(d);
}

/* A draw term ends a line's draw period. The line of test_draws (60,000.00
 * of 100,000.00, interest only, 1% a month of the undrawn limit) with a
 * draw term of 2 months and age 0 at the cut-off: months 1 and 2 (ages 1
 * and 2) draw 400.00 and 396.00 as there; month 3 (age 3) draws nothing
 * and, interest only, the balance stays 60,796.00. Aged 1 at the cut-off,
 * only month 1 (age 2) draws. */
static void test_draw_term(void **state)
{
    (void)state;
    rt_deal *d = deal_with(1);
    set(d, 0, RT_L_BALANCE, "60000.00");
    set(d, 0, RT_L_CREDIT_LIMIT, "100000.00");
    set(d, 0, RT_L_GROSS_RATE, "12%");
    set(d, 0, RT_L_NET_RATE, "12%");
    rt_set_collateral(d, 0, RT_L_ORIGINAL_TERM, 300 * RT_SCALE);
    rt_set_collateral(d, 0, RT_L_IO_MONTHS, 120 * RT_SCALE);
    rt_set_collateral(d, 0, RT_L_DRAW_TERM, 2 * RT_SCALE);
    rt_pool *p = rt_pool_new(d, 0, 400);
    assert_non_null(p);
    rt_assump a;
    memset(&a, 0, sizeof a);
    a.draw.kind = RT_CURVE_SMM;
    a.draw.level = 0.01;
    char msg[256];
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_flows f;
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.drawn, 40000);
    rt_pool_month(p, 2, &f);
    assert_int_equal(f.drawn, 39600);
    assert_int_equal(f.end, 6079600);
    rt_pool_month(p, 3, &f);
    assert_int_equal(f.drawn, 0);
    assert_int_equal(f.end, 6079600);
    rt_pool_free(p);

    rt_set_collateral(d, 0, RT_L_AGE, 1 * RT_SCALE);
    p = rt_pool_new(d, 0, 400);
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.drawn, 40000);
    rt_pool_month(p, 2, &f);
    assert_int_equal(f.drawn, 0);
    rt_pool_free(p);
    rt_deal_free(d);
}

/* An adjustable line: 100,000.00 at 5% gross / 4.5% net, margin 2.75%,
 * first reset at age 3, every 12 months, periodic cap 1%, life cap 11%,
 * floor 3%; index 4% then 9%. Age 3: 4% + 2.75% = 6.75% -> capped 6%, net
 * 5.5% (the 0.5% strip kept). Age 15: 9% + 2.75% -> 7%. Interest in month
 * 3 on the surviving balance B3: B3 x 5.5% / 12. */
static void test_arm_engine(void **state)
{
    (void)state;
    rt_deal *d = deal_with(1);
    set(d, 0, RT_L_BALANCE, "100000.00");
    set(d, 0, RT_L_GROSS_RATE, "5%");
    set(d, 0, RT_L_NET_RATE, "4.5%");
    rt_set_collateral(d, 0, RT_L_ORIGINAL_TERM, 360 * RT_SCALE);
    rt_set_collateral(d, 0, RT_L_INDEX, 0);
    set(d, 0, RT_L_MARGIN, "2.75%");
    rt_set_collateral(d, 0, RT_L_FIRST_RESET, 3 * RT_SCALE);
    rt_set_collateral(d, 0, RT_L_RESET_EVERY, 12 * RT_SCALE);
    set(d, 0, RT_L_PERIODIC_CAP, "1%");
    set(d, 0, RT_L_LIFE_CAP, "11%");
    set(d, 0, RT_L_LIFE_FLOOR, "3%");
    rt_pool *p = rt_pool_new(d, 0, 400);
    rt_dec path[15];
    for (int i = 0; i < 15; i++)
        path[i] = i < 14 ? D("4%") : D("9%");
    rt_index_path ix = {path, 15};
    rt_dec in[1] = {0};
    rt_assump a;
    memset(&a, 0, sizeof a);
    a.index = &ix;
    a.input = in;
    char msg[256];
    assert_true(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    rt_flows f;
    rt_pool_month(p, 1, &f);
    assert_int_equal(f.interest, 37500); /* 100,000 x 4.5% / 12 */
    rt_pool_month(p, 2, &f);
    int64_t b3 = f.end;
    rt_pool_month(p, 3, &f);
    assert_int_equal(f.interest, (b3 * 55 + 6000) / 12000); /* B3 x 5.5% / 12, half-up */
    /* the payment re-amortises at 6% over the 358 months left */
    assert_int_equal(f.scheduled, rt_level_payment(b3, 0.06, 358) - (b3 * 6 + 600) / 1200);
    for (int t = 4; t <= 15; t++)
        rt_pool_month(p, t, &f);
    /* age 15: 6% + 1% periodic cap = 7%; net 6.5% */
    int64_t b15 = f.begin;
    assert_int_equal(f.interest, (b15 * 65 + 6000) / 12000);

    /* without an index path the line cannot be projected */
    rt_index_path none = {NULL, 0};
    a.index = &none;
    assert_false(rt_pool_start(p, &a, NULL, 0, msg, sizeof msg));
    assert_non_null(strstr(msg, "\"Index\""));
    rt_pool_free(p);
    rt_deal_free(d);
}

/* Scaling to a state's balance and ageing: two lines 300,000 and 100,000
 * scaled to 200,000.01: 150,000.01 (150,000.005 -> half-up) and the rest,
 * 50,000.00, so the group sums exactly. Aged 30 months at 100% PSA the
 * first month's CPR is the age-31 rate, 6%. */
static void test_scale_age(void **state)
{
    (void)state;
    rt_deal *d = deal_with(2);
    for (int i = 0; i < 2; i++) {
        set(d, i, RT_L_BALANCE, i ? "100000.00" : "300000.00");
        set(d, i, RT_L_GROSS_RATE, "6%");
        set(d, i, RT_L_NET_RATE, "6%");
        rt_set_collateral(d, i, RT_L_ORIGINAL_TERM, 360 * RT_SCALE);
    }
    rt_pool *p = rt_pool_new(d, 0, 400);
    rt_assump a;
    memset(&a, 0, sizeof a);
    a.prepay.kind = RT_CURVE_PSA;
    a.prepay.level = 1;
    int64_t target = 20000001;
    char msg[256];
    assert_true(rt_pool_start(p, &a, &target, 30, msg, sizeof msg));
    assert_int_equal(rt_pool_balance(p, 0), 20000001);
    rt_flows f;
    rt_pool_month(p, 1, &f);
    /* all of the pool at 6% CPR after its scheduled principal over 330
     * months: prepaid = sum over lines of (B - sched) x 0.00514301283 */
    int64_t s1 = rt_level_payment(15000001, 0.06, 330) - (15000001 * 5 + 500) / 1000;
    int64_t s2 = rt_level_payment(5000000, 0.06, 330) - 25000;
    assert_int_equal(f.scheduled, s1 + s2);
    int64_t p1 = (int64_t)((15000001 - s1) * rt_monthly_rate(0.06) + 0.5);
    int64_t p2 = (int64_t)((5000000 - s2) * rt_monthly_rate(0.06) + 0.5);
    assert_int_equal(f.prepaid, p1 + p2);
    rt_pool_free(p);
    rt_deal_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_payment), cmocka_unit_test(test_smm),
        cmocka_unit_test(test_psa),           cmocka_unit_test(test_sda),
        cmocka_unit_test(test_ramp_vector),   cmocka_unit_test(test_arm_reset),
        cmocka_unit_test(test_default_sequence), cmocka_unit_test(test_prepay_and_maturity),
        cmocka_unit_test(test_io_balloon),    cmocka_unit_test(test_arm_engine),
        cmocka_unit_test(test_scale_age),     cmocka_unit_test(test_draws), cmocka_unit_test(test_draw_term),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
