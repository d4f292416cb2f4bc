/*
 * test_project.c — projections end to end against proj_deal.c: the runner
 * through its API (zero speeds pay the scheduled flows exactly, cash is
 * conserved under stress), and `project` / `grid` through rt_main (formats,
 * scenario and vector files, the clean-up call, a saved state, pricing, the
 * HTML report, thread-count independence, and every usage and file error).
 */
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "proj_deal.h"
#include "rt_project.h"

#define RUN(...) t_run(proj_describe, proj_period, (const char *const[]){"proj-deal", __VA_ARGS__, NULL})

static int setup(void **state)
{
    (void)state;
    proj_current = PROJ_FIXED;
    return 0;
}

static rt_deal *load(void)
{
    rt_deal *d = rt_deal_new();
    proj_describe(d);
    char msg[256];
    assert_true(rt_deal_validate(d, msg, sizeof msg));
    return d;
}

/* half-up cents of balance x rate x days / 360 (cents, basis points) */
static int64_t accrual(int64_t cents, int bp, int days)
{
    return (int64_t)(((__int128)cents * bp * days + 1800000) / 3600000);
}

/* Zero prepayment and default: every period the classes are paid exactly
 * the pool's scheduled principal (A first, then B) and the interest their
 * coupons accrue (25 days 30/360 in the first period, 30 after); after 360
 * periods A has received 700,000.00 and B 300,000.00 and nothing is left. */
static void test_zero_speeds(void **state)
{
    (void)state;
    rt_deal *d = load();
    rt_proj *w = rt_proj_new(d, proj_period, NULL, 0, 400);
    assert_non_null(w);
    rt_assump a;
    memset(&a, 0, sizeof a);
    char msg[RT_ERRMAX];
    assert_true(rt_proj_run(w, &a, msg, sizeof msg));
    const rt_proj_result *r = rt_proj_result_get(w);
    assert_int_equal(r->nperiods, 360);
    int64_t bal[2] = {70000000, 30000000}, paid[2] = {0, 0}, sched = 0;
    for (int32_t k = 0; k < r->nperiods; k++) {
        const rt_flows *f = &r->flows[k];
        int days = k == 0 ? 25 : 30;
        int64_t pa = r->class_prin[k * 2], pb = r->class_prin[k * 2 + 1];
        assert_int_equal(pa + pb, f->scheduled);
        assert_int_equal(f->prepaid + f->defaulted + f->loss, 0);
        int64_t wa = f->scheduled < bal[0] ? f->scheduled : bal[0];
        assert_int_equal(pa, wa);
        assert_int_equal(r->class_int[k * 2], accrual(bal[0], 500, days));
        assert_int_equal(r->class_int[k * 2 + 1], accrual(bal[1], 525, days));
        bal[0] -= pa;
        bal[1] -= pb;
        paid[0] += pa;
        paid[1] += pb;
        sched += f->scheduled;
        assert_int_equal(r->class_end[k * 2], bal[0]);
    }
    assert_int_equal(paid[0], 70000000);
    assert_int_equal(paid[1], 30000000);
    assert_int_equal(sched, 100000000);
    assert_int_equal(r->flows[359].end, 0);
    /* the first month's scheduled principal, by hand: 5,995.51 - 5,000.00 */
    assert_int_equal(r->flows[0].scheduled, 99551);
    rt_proj_free(w);
    rt_deal_free(d);
}

/* High defaults, a short lag, deep severity, fast prepayments: every period
 * passes replay's invariant checks (rt_proj_run runs them) and the pool
 * rolls forward to the cent. */
static void test_stress_conservation(void **state)
{
    (void)state;
    rt_deal *d = load();
    rt_proj *w = rt_proj_new(d, proj_period, NULL, 6, 400);
    static const double cdr[] = {0.1, 0.4, 0.9}, sev[] = {0.35, 0.75, 1.0}, psa[] = {0, 4, 20};
    char msg[RT_ERRMAX];
    int runs = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++)
                for (int lag = 0; lag <= 6; lag += 3) {
                    rt_assump a;
                    memset(&a, 0, sizeof a);
                    a.prepay.kind = RT_CURVE_PSA;
                    a.prepay.level = psa[k];
                    a.dflt.kind = RT_CURVE_CPR;
                    a.dflt.level = cdr[i];
                    a.severity = sev[j];
                    a.lag = lag;
                    a.advancing = (i + j) % 2;
                    a.to_call = k == 1;
                    if (!rt_proj_run(w, &a, msg, sizeof msg))
                        fail_msg("scenario %d/%d/%d lag %d: %s", i, j, k, lag, msg);
                    const rt_proj_result *r = rt_proj_result_get(w);
                    int64_t prev = 100000000, lost = 0, prin = 0;
                    for (int32_t p = 0; p < r->nperiods; p++) {
                        const rt_flows *f = &r->flows[p];
                        assert_int_equal(f->begin, prev);
                        assert_int_equal(f->end, f->begin - f->scheduled - f->prepaid - f->liquidated - f->sold);
                        assert_int_equal(f->liquidated, f->recoveries + f->loss);
                        prev = f->end;
                        lost += f->loss;
                        prin += r->class_prin[p * 2] + r->class_prin[p * 2 + 1];
                    }
                    assert_int_equal(prev, 0);
                    /* the classes never get more principal than the pool had */
                    assert_true(prin <= 100000000);
                    (void)lost;
                    runs++;
                }
    assert_int_equal(runs, 81);
    rt_proj_free(w);
    rt_deal_free(d);
}

static void test_project_table(void **state)
{
    (void)state;
    t_result r = RUN("project", "--cpr", "0", "--cdr", "0");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Projection: Projection Test Trust 2024-P\n");
    assert_contains(r.out, "Assumptions: 0% CPR, 0% CDR, severity 0%, recovery lag 0 months, advancing on, to maturity");
    assert_contains(r.out, "\nClass A\nPeriod  Date");
    assert_contains(r.out, "1       2024-02-25  699,004.49    2,430.56      995.51   5.00000      3,426.07\n");
    assert_contains(r.out, "Total                         ");
    assert_contains(r.out, "700,000.00");
    assert_contains(r.out, "\nCollateral Pool\n");
    t_result_free(&r);

    r = RUN("project", "--format", "csv", "--cpr=0");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "table,row,column,value\n");
    assert_contains(r.out, "Class A,Total,Principal,700000.00\n");
    assert_contains(r.out, "Class B,Total,Principal,300000.00\n");
    assert_contains(r.out, "Summary,A,Final payment,");
    t_result_free(&r);

    r = RUN("project", "--format", "json", "--psa", "150", "--sda", "100", "--severity", "40", "--recovery-lag", "6");
    assert_int_equal(r.status, 0);
    rt_err e;
    rt_jnode *j = rt_json_parse(r.out, strlen(r.out), &e);
    assert_non_null(j);
    rt_json_free(j);
    assert_contains(r.out, "\"title\": \"Projection: Projection Test Trust 2024-P\"");
    assert_contains(r.out, "150% PSA, 100% SDA, severity 40%, recovery lag 6 months");
    t_result_free(&r);
}

/* the same assumptions from a scenario file print the same bytes; flags
 * override the file */
static void test_scenario_file(void **state)
{
    (void)state;
    t_write("vec.txt", "# CPR by month\n2 4 6*3, ramp 6 12 4\n10\n");
    t_write("scen.txt", "# a stress\ncpr = 10\ncdr = 2   # annual\nseverity = 40%\nrecovery-lag = 3\n"
                        "advancing = off\nperiods = 24\n");
    t_result a = RUN("project", "--scenario", t_path("scen.txt"));
    t_result b = RUN("project", "--cpr", "10", "--cdr", "2", "--severity", "40", "--recovery-lag", "3",
                     "--advancing", "off", "--periods", "24");
    assert_int_equal(a.status, 0);
    assert_int_equal(b.status, 0);
    assert_string_equal(a.out, b.out);
    assert_contains(a.out, "; 24 periods");
    t_result c = RUN("project", "--scenario", t_path("scen.txt"), "--periods", "12");
    assert_int_equal(c.status, 0);
    assert_contains(c.out, "; 12 periods");
    t_result_free(&a);
    t_result_free(&b);
    t_result_free(&c);

    /* a vector file named in the scenario is found next to it */
    t_write("scen2.txt", "prepay-vector = vec.txt\ncdr = 1\n");
    a = RUN("project", "--scenario", t_path("scen2.txt"), "--periods", "12");
    assert_int_equal(a.status, 0);
    assert_contains(a.out, "CPR vector vec.txt");
    t_result_free(&a);
}

static void test_grid_threads(void **state)
{
    (void)state;
    t_result a = RUN("grid", "--cpr", "0,10,20,30", "--cdr", "0,2,4", "--severity", "50", "--recovery-lag", "4",
                     "--threads", "1");
    assert_int_equal(a.status, 0);
    assert_contains(a.out, "Weighted average life (years)");
    assert_contains(a.out, "Percent of original balance outstanding: Class A");
    assert_contains(a.out, "0% CPR / 0% CDR");
    assert_contains(a.out, "30% CPR / 4% CDR");
    for (int i = 0; i < 3; i++) {
        const char *th = i == 0 ? "2" : i == 1 ? "5" : "12";
        t_result b = RUN("grid", "--cpr", "0,10,20,30", "--cdr", "0,2,4", "--severity", "50", "--recovery-lag", "4",
                         "--threads", th);
        assert_int_equal(b.status, 0);
        assert_string_equal(a.out, b.out);
        t_result_free(&b);
    }
    t_result_free(&a);
    a = RUN("grid", "--psa", "100,300", "--sda", "100,200", "--format", "csv", "--threads", "1");
    t_result b = RUN("grid", "--psa", "100,300", "--sda", "100,200", "--format", "csv", "--threads", "3");
    assert_int_equal(a.status, 0);
    assert_string_equal(a.out, b.out);
    assert_contains(a.out, "Weighted average life (years),A,100% PSA / 100% SDA,");
    t_result_free(&a);
    t_result_free(&b);
    a = RUN("grid", "--hep", "4,25,12;2,15,24", "--threads", "2", "--format", "json");
    assert_int_equal(a.status, 0);
    assert_contains(a.out, "HEP 4%-25% CPR over 12 months / 0% CDR");
    t_result_free(&a);
}

/* Zero speeds: the decrement table follows the amortisation; at 0% the A
 * class is 99% outstanding after a year (about 11,900 of 700,000 paid) */
static void test_grid_decrement(void **state)
{
    (void)state;
    t_result a = RUN("grid", "--cpr", "0", "--format", "csv");
    assert_int_equal(a.status, 0);
    assert_contains(a.out, "Percent of original balance outstanding: Class A,Start,0% CPR / 0% CDR,100\n");
    assert_contains(a.out, "Percent of original balance outstanding: Class A,2025-01-30,0% CPR / 0% CDR,98\n");
    t_result_free(&a);
}

static void test_call_state(void **state)
{
    (void)state;
    t_result r = RUN("project", "--cpr", "25", "--to-call");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "ended by the clean-up call");
    assert_contains(r.out, "to the clean-up call");
    assert_contains(r.out, "\nClass B\n");
    t_result_free(&r);
    r = RUN("project", "--cpr", "25", "--to-call", "--format", "csv");
    assert_contains(r.out, "Class A,Total,Principal,700000.00\n");
    assert_contains(r.out, "Class B,Total,Principal,300000.00\n");
    t_result_free(&r);

    t_write("open.json", "{\"deal\": \"Projection Test Trust 2024-P\", \"payment_date\": \"2025-01-25\",\n"
                         " \"distribution_number\": 12,\n"
                         " \"groups\": [{\"group\": \"Pool\", \"pool_balance\": \"900,000.00\", \"cumulative_loss\": 0}],\n"
                         " \"classes\": [{\"class\": \"A\", \"balance\": 600000}, {\"class\": \"B\", \"balance\": 300000}]}\n");
    r = RUN("project", "--state", t_path("open.json"), "--periods", "2", "--format", "csv");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Collateral Pool,13,Date,2025-02-25\n");
    assert_contains(r.out, "Collateral Pool,13,Beginning,900000.00\n");
    assert_contains(r.out, "Class A,12,Balance,600000.00\n");
    t_result_free(&r);
}

static void test_pricing(void **state)
{
    (void)state;
    t_result r = RUN("project", "--cpr", "6", "--settle", "2024-01-30", "--price", "100", "--class", "A",
                     "--format", "csv", "--benchmark", "4");
    assert_int_equal(r.status, 0);
    const char *y = strstr(r.out, "Summary,A,Yield %,");
    assert_non_null(y);
    char yield[32];
    sscanf(y + strlen("Summary,A,Yield %,"), "%31[0-9.]", yield);
    assert_contains(r.out, "Summary,A,Spread bp,");
    /* and back: that yield prices the class at 100 */
    t_result b = RUN("project", "--cpr", "6", "--settle", "2024-01-30", "--yield", yield, "--class", "A",
                     "--format", "csv");
    assert_int_equal(b.status, 0);
    assert_contains(b.out, "Summary,A,Price,100.0000");
    t_result_free(&r);
    t_result_free(&b);

    t_write("curve.txt", "# tenor yield\n1 4.0\n5 4.5%\n10 5\n");
    r = RUN("project", "--cpr", "6", "--settle", "2024-02-01", "--price", "99.5", "--curve", t_path("curve.txt"));
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Spread bp");
    assert_contains(r.out, "Z-spread bp");
    t_result_free(&r);

    /* On a flat zero curve the Z-spread is the yield less the curve, to the
     * rounding of the printed figures; class A's flows do not depend on
     * any rate, so its effective duration is the finite difference of its
     * price at the yield 25 bp either way, which differs from the
     * modified duration only by terms in the shift squared (< 0.001 here) */
    t_write("flat.txt", "1 4\n30 4\n");
    r = RUN("project", "--cpr", "6", "--settle", "2024-01-30", "--price", "101", "--class", "A", "--format",
            "csv", "--curve", t_path("flat.txt"));
    assert_int_equal(r.status, 0);
    const char *yv = strstr(r.out, "Summary,A,Yield %,"), *zv = strstr(r.out, "Summary,A,Z-spread bp,");
    const char *md = strstr(r.out, "Summary,A,Mod duration,"), *ed = strstr(r.out, "Summary,A,Eff duration,");
    assert_non_null(yv);
    assert_non_null(zv);
    assert_non_null(md);
    assert_non_null(ed);
    double yy = strtod(yv + strlen("Summary,A,Yield %,"), NULL), zz = strtod(zv + strlen("Summary,A,Z-spread bp,"), NULL);
    double mdv = strtod(md + strlen("Summary,A,Mod duration,"), NULL), edv = strtod(ed + strlen("Summary,A,Eff duration,"), NULL);
    assert_true(fabs((yy - 4) * 100 - zz) <= 0.051);
    assert_true(fabs(mdv - edv) <= 0.001);
    assert_true(mdv > 1);
    t_result_free(&r);

    /* A payment delay: settling 2024-03-10, a class with a 24-day delay
     * has March's interest paid on 2024-04-25 and February's on
     * 2024-03-25, which the seller keeps: the buyer's first payment is
     * April's, and accrued interest runs from 2024-03-01 (9 days).
     * Without the delay the buyer gets 2024-03-25's payment and accrued
     * interest from 2024-02-25 (15 days). At the same yield the price with
     * the delay is lower: its flows come a month later. */
    t_result a1 = RUN("project", "--settle", "2024-03-10", "--yield", "5", "--class", "A", "--format", "csv");
    t_result a2 = RUN("project", "--settle", "2024-03-10", "--yield", "5", "--class", "A", "--format", "csv",
                      "--delay", "24");
    assert_int_equal(a1.status, 0);
    assert_int_equal(a2.status, 0);
    const char *p1 = strstr(a1.out, "Summary,A,Price,"), *p2 = strstr(a2.out, "Summary,A,Price,");
    assert_non_null(p1);
    assert_non_null(p2);
    assert_true(strtod(p2 + 16, NULL) < strtod(p1 + 16, NULL));
    assert_contains(a2.out, "Payment delay: 24 days for every class");
    t_result_free(&a1);
    t_result_free(&a2);
}

static void test_report_html(void **state)
{
    (void)state;
    t_result r = RUN("project", "--cpr", "10", "--report", t_path("rep.html"), "--periods", "24");
    assert_int_equal(r.status, 0);
    char *h = t_slurp(t_path("rep.html"));
    assert_non_null(h);
    assert_contains(h, "<!DOCTYPE html>");
    assert_contains(h, "<svg");
    assert_contains(h, "<polyline");
    assert_contains(h, "</html>\n");
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "src="));
    assert_null(strstr(h, "href="));
    free(h);
    t_result_free(&r);
    r = RUN("grid", "--cpr", "0,20", "--report", t_path("grid.html"), "--threads", "2");
    assert_int_equal(r.status, 0);
    h = t_slurp(t_path("grid.html"));
    assert_non_null(h);
    assert_contains(h, "Class A: percent of original balance outstanding");
    free(h);
    t_result_free(&r);
    /* a failed run leaves no report behind */
    r = RUN("project", "--cpr", "10", "--report", t_path("never.html"), "--state", t_path("missing.json"));
    assert_int_equal(r.status, 1);
    assert_false(t_exists("never.html"));
    t_result_free(&r);
}

static void test_arm_index(void **state)
{
    (void)state;
    proj_current = PROJ_ARM;
    t_result r = RUN("project", "--cpr", "5");
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "the deal's input \"One-Year CMT\" needs a value");
    t_result_free(&r);
    r = RUN("project", "--cpr", "5", "--index", "One-Year CMT=4.5", "--cdr", "3", "--severity", "45", "--format", "csv");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "note,2,text,\"Index \"\"One-Year CMT\"\": 4.5%\"\n");
    t_result_free(&r);
    t_write("cmt.txt", "4.5*6 ramp 5 8 12\n");
    r = RUN("project", "--index-vector", "One-Year CMT=" "cmt.txt", "--cdr", "30", "--recovery-lag", "1");
    assert_int_equal(r.status, 1); /* relative to the working directory: not there */
    t_result_free(&r);
    char arg[700];
    snprintf(arg, sizeof arg, "One-Year CMT=%s", t_path("cmt.txt"));
    r = RUN("project", "--index-vector", arg, "--cdr", "30", "--recovery-lag", "1", "--severity", "100");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "a vector of 18 rates, from 4.5%");
    t_result_free(&r);
    /* an index far outside any market is a slip, said before anything runs */
    r = RUN("project", "--cpr", "5", "--index", "One-Year CMT=45000");
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "index \"One-Year CMT\": 45000% (month 1) is outside -100% to 1,000%");
    t_result_free(&r);
    /* in a vector file, the error is at the value's line and column */
    t_write("cmt2.txt", "4.5 4.6 1000.01\n");
    snprintf(arg, sizeof arg, "One-Year CMT=%s", t_path("cmt2.txt"));
    r = RUN("project", "--index-vector", arg);
    assert_int_equal(r.status, 1);
    char want[600];
    snprintf(want, sizeof want, "%s:1:9: error: index \"One-Year CMT\" 1000.01%% is outside -100%% to 1,000%%\n",
             t_path("cmt2.txt"));
    assert_contains(r.err, want);
    t_result_free(&r);
    /* an index vector may go below zero, as a constant index may */
    t_write("cmt3.txt", "4.5 -0.25 -100\n");
    snprintf(arg, sizeof arg, "One-Year CMT=%s", t_path("cmt3.txt"));
    r = RUN("project", "--index-vector", arg, "--periods", "3");
    assert_int_equal(r.status, 0);
    t_result_free(&r);
    /* a rate input given with --input is held to the same bounds */
    r = RUN("project", "--cpr", "5", "--input", "One-Year CMT=1000.5%");
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "input \"One-Year CMT\": \"1000.5%\" is not a rate from -100% to 1,000%");
    t_result_free(&r);
    r = RUN("project", "--cpr", "5", "--index", "One-Year CMT=-0.5", "--periods", "3");
    assert_int_equal(r.status, 0);   /* a negative index is a market, not a slip */
    t_result_free(&r);
    proj_current = PROJ_FIXED;
}

/* A loan tape replaces the declared line; loans are counted as they pay off */
static void test_tape(void **state)
{
    (void)state;
    t_write("tape.csv", "Group,Balance,Gross Rate,Net_Rate,remaining-term,age\n"
                        "Pool,400000.00,6.5%,6,360,2\n"
                        "Pool,350000.00,6,5.5%,24,100\n"
                        "Pool,250000.00,7%,6.5%,12,\n");
    t_result r = RUN("project", "--tape", t_path("tape.csv"), "--format", "csv", "--cpr", "0");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Collateral Pool,1,Beginning,1000000.00\n");
    assert_contains(r.out, "Collateral Pool,1,Loans,3\n");
    assert_contains(r.out, "Collateral Pool,12,Loans,2\n"); /* the 12-month loan is gone */
    assert_contains(r.out, "Collateral Pool,24,Loans,1\n");
    assert_contains(r.out, "Class A,Total,Principal,700000.00\n");
    t_result_free(&r);

    /* A revolving loan on a tape: its credit limit is money (it was read
     * as a number of months, so a limit above 1,200 was refused) and its
     * draw term ends its draws. At a 12% a year draw rate the monthly rate
     * is 1 - 0.88^(1/12) = 0.0105962410...; month 1 draws that of the
     * 40,000.00 undrawn: 423.8496... -> 423.85; month 3 (age 3, past the
     * draw term of 2) draws nothing. */
    t_write("heloc.csv", "group,balance,gross_rate,net_rate,remaining_term,age,credit_limit,draw_term\n"
                         "Pool,60000.00,12,12,300,0,100000.00,2\n");
    r = RUN("project", "--tape", t_path("heloc.csv"), "--format", "csv", "--cpr", "0", "--draw-rate", "12");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Collateral Pool,1,Drawn,423.85\n");
    assert_contains(r.out, "Collateral Pool,3,Drawn,0.00\n");
    t_result_free(&r);

    static const struct {
        const char *text, *where;
    } bad[] = {
        {"group,balance,gross_rate\n", ":1:1: error: missing column \"net_rate\""},
        {"group,balance,gross_rate,net_rate,colour\n", ":1:35: error: unknown column \"colour\""},
        {"group,balance,gross_rate,net_rate,original_term\nPool,1.005,6,5,360\n", ":2:6: error: bad amount"},
        {"group,balance,gross_rate,net_rate,original_term\nNope,1,6,5,360\n", ":2:1: error: the deal has no group"},
        {"group,balance,gross_rate,net_rate,original_term\nPool,1,6,7,360\n", ":2:10: error: net rate"},
        {"group,balance,gross_rate,net_rate,original_term\nPool,1,6,5,36.5\n", ":2:12: error: bad number of months"},
        {"group,balance,gross_rate,net_rate,original_term,credit_limit\nPool,1,6,5,360,2.005\n",
         ":2:16: error: bad amount \"2.005\" in column \"credit_limit\""},
        {"group,balance,gross_rate,net_rate\nPool,1,6,5\n", ":1:1: error: the tape needs a column"},
        /* a rate far beyond any loan's was found later as "collateral line
         * 1", with no file, line or column */
        {"group,balance,gross_rate,net_rate,original_term\nPool,1,999999%,5,360\n",
         ":2:8: error: rate \"999999%\" in column \"gross_rate\" is outside -100% to 1,000%"},
        /* a balance beyond the engine's int64 cents was accepted here and
         * refused by the engine as "collateral line 1: balance and rates
         * must be non-negative" (found by fuzz_tape) */
        {"group,balance,gross_rate,net_rate,original_term\nPool,400007777777777770.00,6,5,360\n",
         ":2:6: error: amount \"400007777777777770.00\" in column \"balance\" is above the most a loan may be, "
         "1,000,000,000,000,000.00"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t_write("bad.csv", bad[i].text);
        char want[300];
        snprintf(want, sizeof want, "%s%s", t_path("bad.csv"), bad[i].where);
        r = RUN("project", "--tape", t_path("bad.csv"));
        if (r.status != 1 || !strstr(r.err, want))
            fail_msg("tape case %zu: status %d, wanted \"%s\" in: %s", i, r.status, want, r.err);
        t_result_free(&r);
    }
}

static void test_describe_collateral(void **state)
{
    (void)state;
    t_result r = RUN("describe");
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Collateral lines, for projections (1):\n"
                           "  Pool: 1,000,000.00 at 6% gross, 5.5% net, term 360/360 months, age 0\n"
                           "  cut-off date 2024-01-01\n"
                           "  clean-up call at 10% of the cut-off balance\n");
    t_result_free(&r);
}

typedef struct bad_case {
    const char *argv[12];
    const char *msg;
} bad_case;

static void test_usage_errors(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {{"project", "--cpr", "5", "--psa", "100"}, "only one prepayment assumption"},
        {{"project", "--cdr", "5", "--sda", "100"}, "only one default assumption"},
        {{"project", "--cpr", "abc"}, "cpr needs a percentage"},
        {{"project", "--cpr", "150"}, "is above 100%"},
        {{"project", "--cpr", "5,10"}, "takes one value here"},
        {{"project", "--hep", "4,25"}, "hep needs START,END,MONTHS"},
        {{"project", "--severity", "120"}, "severity needs a percentage from 0 to 100"},
        {{"project", "--recovery-lag", "-1"}, "recovery-lag needs a whole number"},
        {{"project", "--advancing", "maybe"}, "advancing is on or off"},
        {{"project", "--periods", "0"}, "periods needs a whole number"},
        {{"project", "--to-call", "--to-maturity"}, "exclude each other"},
        {{"project", "--to-call=yes"}, "takes no value"},
        {{"project", "--format", "xml"}, "unknown format"},
        {{"project", "--class", "Z"}, "the deal has no class \"Z\""},
        {{"project", "--price", "100"}, "need --settle"},
        {{"project", "--settle", "2024-01-30"}, "--settle needs --price"},
        {{"project", "--settle", "2024-13-30", "--price", "100"}, "--settle needs a date"},
        {{"project", "--settle", "2024-01-30", "--price", "100", "--yield", "5"}, "not both"},
        {{"project", "--settle", "2024-01-30", "--price", "x"}, "--price needs a price"},
        {{"project", "--benchmark", "4"}, "need --settle"},
        {{"project", "--threads", "2"}, "is for grid, not project"},
        {{"grid", "--price", "100"}, "need --settle"},
        {{"grid", "--shift", "25"}, "is for project, not grid"},
        {{"grid", "--threads", "0"}, "--threads needs a whole number"},
        {{"project", "--input", "X=1"}, "the deal has no input \"X\""},
        {{"project", "--index", "nothing"}, "index needs NAME=RATE"},
        {{"project", "--bogus"}, "unknown option \"--bogus\""},
        {{"project", "stray"}, "unexpected argument \"stray\""},
        {{"project", "--cpr"}, "needs an argument"},
        {{"project", "--cpr="}, "needs a non-empty argument"},
        {{"project", "--state", "a.json", "--state", "b.json"}, "given twice"},
        {{"project", "--output", "x", "--report", "x"}, "both name"},
        {{"project", "--severity", "10", "--severity", "20"}, "severity given twice"},
        {{"project", "--delay", "24"}, "need --settle with --price"},
        {{"project", "--settle", "2024-01-30", "--price", "100", "--delay", "400"}, "--delay needs a whole number"},
        {{"project", "--settle", "2024-01-30", "--price", "100", "--delay", "2.5"}, "--delay needs a whole number"},
        {{"project", "--settle", "2024-01-30", "--price", "100", "--accrual-start", "yesterday"},
         "--accrual-start is first-of-month or payment-date"},
        {{"project", "--settle", "2024-01-30", "--price", "100", "--pricing-dates", "late"},
         "--pricing-dates is unadjusted or rolled"},
        {{"project", "--settle", "2024-01-30", "--price", "100", "--shift", "-5"}, "--shift needs basis points"},
        {{"grid", "--delay", "24"}, "need --settle"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[14] = {"proj-deal"};
        int n = 1;
        for (int k = 0; cases[i].argv[k]; k++)
            argv[n++] = cases[i].argv[k];
        argv[n] = NULL;
        t_result r = t_run(proj_describe, proj_period, argv);
        if (r.status != 2 || !strstr(r.err, cases[i].msg))
            fail_msg("case %zu (%s %s): status %d, stderr: %s", i, cases[i].argv[0], cases[i].argv[1], r.status,
                     r.err);
        assert_contains(r.err, "Try 'proj-deal --help' for more information.");
        t_result_free(&r);
    }
    /* a grid with more scenarios than a table holds */
    t_result r = RUN("grid", "--cpr", "0,1,2,3,4,5,6,7,8,9,10", "--cdr", "0,1,2,3,4,5");
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "the prospectus tables hold at most 63");
    t_result_free(&r);
}

typedef struct file_case {
    const char *file, *text, *where, *msg;
    int vector; /* used as --prepay-vector rather than --scenario */
} file_case;

static void test_file_errors(void **state)
{
    (void)state;
    static const file_case cases[] = {
        {"s1.txt", "cpr = 5\nfoo = 1\n", ":2:1: error: unknown setting \"foo\"", NULL, 0},
        {"s2.txt", "# x\n  cpr\n", ":2:3: error: expected KEY = VALUE", NULL, 0},
        {"s3.txt", "cpr = abc\n", ":1:7: error: cpr needs a percentage", NULL, 0},
        {"s4.txt", "cpr = 5\npsa = 100\n", ":2:7: error: only one prepayment assumption", NULL, 0},
        {"s5.txt", "severity =\n", ":1:11: error: severity needs a value", NULL, 0},
        {"s6.txt", "recovery-lag = 500\n", ":1:16: error: recovery-lag needs a whole number", NULL, 0},
        {"s7.txt", "input = Nope=1\n", ":1:9: error: the deal has no input \"Nope\"", NULL, 0},
        {"s8.txt", "prepay-vector = v-missing.txt\n", "v-missing.txt: error: ", NULL, 0},
        {"v1.txt", "5\n6 x7\n", ":2:3: error: expected a rate in percent", NULL, 1},
        {"v2.txt", "5*0\n", ":1:3: error: expected a repeat count", NULL, 1},
        {"v3.txt", "ramp 1 2\n3\n", ":1:1: error: ramp needs START END MONTHS", NULL, 1},
        {"v4.txt", "# nothing\n\n", "v4.txt: error: the vector has no values", NULL, 1},
        {"v5.txt", "ramp 1 2 0\n", ":1:10: error: expected the ramp's number of months", NULL, 1},
        /* a CPR above 100% was clamped to 100% without a word, while
         * --cpr 150 is refused: refused here too, where it is written */
        {"v6.txt", "10 20\n30 150\n", ":2:4: error: CPR 150% is outside 0% to 100%", NULL, 1},
        {"v7.txt", "10*5 1000*2\n", ":1:6: error: CPR 1000% is outside 0% to 100%", NULL, 1},
        {"v8.txt", "ramp 10 101 5\n", ":1:9: error: CPR 101% is outside 0% to 100%", NULL, 1},
        {"v9.txt", "-1\n", ":1:1: error: CPR -1% is outside 0% to 100%", NULL, 1},
        {"s9.txt", "default-vector = v10.txt\n", "v10.txt:1:3: error: CDR 100.5% is outside 0% to 100%", NULL, 0},
    };
    t_write("v10.txt", "1 100.5\n");
    /* a NUL byte in a vector is shown, not taken for the end of the text */
    static const char nul[] = "5\0\n";
    FILE *f = fopen(t_path("v-nul.txt"), "wb");
    assert_non_null(f);
    fwrite(nul, 1, sizeof nul - 1, f);
    fclose(f);
    t_result rn = RUN("project", "--prepay-vector", t_path("v-nul.txt"));
    assert_int_equal(rn.status, 1);
    assert_contains(rn.err, ":1:1: error: expected a rate in percent (6 or 6%), found \"5\\x00\"");
    t_result_free(&rn);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t_write(cases[i].file, cases[i].text);
        char want[300];
        snprintf(want, sizeof want, "%s%s", cases[i].where[0] == ':' ? t_path(cases[i].file) : "", cases[i].where);
        t_result r = RUN("project", cases[i].vector ? "--prepay-vector" : "--scenario", t_path(cases[i].file));
        if (r.status != 1 || !strstr(r.err, want))
            fail_msg("case %zu: status %d, wanted \"%s\" in: %s", i, r.status, want, r.err);
        t_result_free(&r);
    }
    t_write("c1.txt", "1 4\n5 x\n");
    t_result r = RUN("project", "--settle", "2024-01-30", "--price", "100", "--curve", t_path("c1.txt"));
    assert_int_equal(r.status, 1);
    char want[300];
    snprintf(want, sizeof want, "%s:2:3: error: expected a yield", t_path("c1.txt"));
    assert_contains(r.err, want);
    t_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_zero_speeds, setup),
        cmocka_unit_test_setup(test_stress_conservation, setup),
        cmocka_unit_test_setup(test_project_table, setup),
        cmocka_unit_test_setup(test_scenario_file, setup),
        cmocka_unit_test_setup(test_grid_threads, setup),
        cmocka_unit_test_setup(test_grid_decrement, setup),
        cmocka_unit_test_setup(test_call_state, setup),
        cmocka_unit_test_setup(test_pricing, setup),
        cmocka_unit_test_setup(test_report_html, setup),
        cmocka_unit_test_setup(test_arm_index, setup),
        cmocka_unit_test_setup(test_tape, setup),
        cmocka_unit_test_setup(test_describe_collateral, setup),
        cmocka_unit_test_setup(test_usage_errors, setup),
        cmocka_unit_test_setup(test_file_errors, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
