/*
 * test_compile.c — libdealc's dealc_compile: GMACM 2003-HE2 compiled in
 * process through the JIT replays exactly as the shared object built by
 * `dealc build --shared` (every figure of 2004-02-25), a deal with an
 * error comes back as DEALC_ERR_DEAL at the place the golden diagnostic
 * names (tests/diagnostics/avail-unknown-clause.expect: 13:34), with the
 * diagnostics' text; an amendment applies as `dealc build` applies it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <dealc/compile.h>

#include "../support/testutil.h"

#define DEAL AGREEMENTS_DIR "/gmacm-2003-he2.deal"
#define STATE AGREEMENTS_DIR "/gmacm-2003-he2/opening-2004-01-26.json"
#define REMIT AGREEMENTS_DIR "/gmacm-2003-he2/remittance-2004-02-25.csv"

static char *render(dealc_deal *d)
{
    dealc_replay *r = NULL;
    dealc_error e;
    if (dealc_replay_files(d, STATE, REMIT, &r, &e) != DEALC_OK)
        fail_msg("%s", e.message);
    char *text = NULL;
    assert_int_equal(dealc_replay_render(r, DEALC_FORMAT_CSV, &text, NULL, NULL), DEALC_OK);
    dealc_replay_free(r);
    return text;
}

static void test_jit_equals_shared_object(void **st)
{
    (void)st;
    char so[700];
    snprintf(so, sizeof so, "%s/gmacm-jit.so", WORK_DIR);
    mkdir(WORK_DIR, 0755);
    char *argv[] = {DEALC_BIN, "build", "--shared", DEAL, "-o", so, NULL};
    assert_int_equal(run(argv, WORK_DIR "/c.out", WORK_DIR "/c.err"), 0);
    dealc_deal *jit = NULL, *obj = NULL;
    dealc_error e;
    char *diags = NULL;
    assert_int_equal(dealc_compile(DEAL, NULL, &jit, &diags, &e), DEALC_OK);
    assert_null(diags);
    assert_int_equal(dealc_deal_open(so, &obj, &e), DEALC_OK);
    char *a = render(jit), *b = render(obj);
    assert_string_equal(a, b);
    /* the trustee's A-1 principal, 17,111,694.71 */
    assert_non_null(strstr(a, "2004-02-25,class,A-1,principal,17111694.71\n"));
    dealc_free(a);
    dealc_free(b);
    dealc_deal_close(jit);
    dealc_deal_close(obj);
}

static void test_errors(void **st)
{
    (void)st;
    dealc_deal *d = (dealc_deal *)&d;
    dealc_error e;
    char *diags = NULL;
    const char *bad = TESTS_DIR "/diagnostics/avail-unknown-clause.deal";
    assert_int_equal(dealc_compile(bad, NULL, &d, &diags, &e), DEALC_ERR_DEAL);
    assert_null(d);
    assert_string_equal(e.file, bad);
    assert_int_equal(e.line, 13);
    assert_int_equal(e.col, 34);
    assert_non_null(strstr(e.message, "no clause 1(d)"));
    assert_non_null(diags);
    assert_non_null(strstr(diags, ":13:34: error: no clause 1(d); did you mean 1(a)?"));
    assert_non_null(strstr(diags, "1 error\n"));
    dealc_free(diags);
    assert_int_equal(dealc_compile("/nonexistent.deal", NULL, &d, NULL, &e), DEALC_ERR_IO);
    assert_string_equal(e.file, "/nonexistent.deal");
    dealc_compile_options o = {NULL, 0, "2004-02-30", 0};
    assert_int_equal(dealc_compile(DEAL, &o, &d, NULL, &e), DEALC_ERR_USAGE);
}

/* an amendment: the same statement as the binary `dealc build` makes of both */
static void test_amendment(void **st)
{
    (void)st;
    const char *am[] = {TESTS_DIR "/amendments/gmacm-premium.amend"};
    dealc_compile_options o = {am, 1, NULL, 0};
    dealc_deal *d = NULL;
    dealc_error e;
    assert_int_equal(dealc_compile(DEAL, &o, &d, NULL, &e), DEALC_OK);
    char *got = render(d);
    char bin[700];
    snprintf(bin, sizeof bin, "%s/gmacm-amended", WORK_DIR);
    char *b[] = {DEALC_BIN, "build", DEAL, (char *)am[0], "-o", bin, NULL};
    assert_int_equal(run(b, WORK_DIR "/a.out", WORK_DIR "/a.err"), 0);
    char *r[] = {bin, "replay", "--state", STATE, REMIT, "--format", "csv", NULL};
    assert_int_equal(run(r, WORK_DIR "/r.out", WORK_DIR "/r.err"), 0);
    char *want = slurp(WORK_DIR "/r.out");
    assert_string_equal(got, want);
    free(want);
    dealc_free(got);
    dealc_deal_close(d);
}

/* Every dollar a projection collects is paid to someone, over the whole
 * run and period by period, on a deal that writes classes down and pays
 * the losses back later: RAMP 2002-RS1 with its amendment at 20% CPR,
 * 8% CDR, 45% severity, a 6-month lag (the user guide's stress run). What
 * the pools paid (interest, scheduled, prepaid, recoveries, sold) equals
 * what the parties were paid plus what the classes received: interest,
 * principal, realized losses paid back and basis risk paid. (Before the
 * classes' losses paid back were in the projection's results, the run
 * showed 3,125,377.33 collected and paid to nobody once M-I-3 had been
 * written down.) Losses are paid back at least once in this run. */
static void test_projection_pays_out_all_it_collects(void **st)
{
    (void)st;
    const char *am[] = {AGREEMENTS_DIR "/ramp-2002-rs1-amendment-1.amend"};
    dealc_compile_options o = {.amendments = am, .namendments = 1};
    dealc_deal *d = NULL;
    dealc_error e;
    if (dealc_compile(AGREEMENTS_DIR "/ramp-2002-rs1.deal", &o, &d, NULL, &e) != DEALC_OK)
        fail_msg("%s", e.message);
    const dealc_description *ds = dealc_deal_describe(d);
    dealc_scenario *sc = NULL;
    assert_int_equal(dealc_scenario_new(&sc, &e), DEALC_OK);
    const char *kv[][2] = {{"cpr", "20"},
                           {"cdr", "8"},
                           {"severity", "45"},
                           {"recovery-lag", "6"},
                           {"index", "One-Month LIBOR=1.40"},
                           {"index", "Six-Month LIBOR=1.45"},
                           {"input", "Group I Sixty-Plus Delinquency Percentage=3"},
                           {"input", "Group II Sixty-Plus Delinquency Percentage=3"}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        if (dealc_scenario_set(sc, kv[i][0], kv[i][1], &e) != DEALC_OK)
            fail_msg("%s=%s: %s", kv[i][0], kv[i][1], e.message);
    dealc_projection *p = NULL;
    if (dealc_project(d, NULL, sc, &p, &e) != DEALC_OK)
        fail_msg("%s", e.message);
    int64_t in_all = 0, out_all = 0, paid_back = 0;
    for (int32_t k = 0; k < p->nperiods; k++) {
        int64_t in = 0, out = 0;
        for (int32_t g = 0; g < ds->ngroups; g++) {
            const int64_t *f = &p->flows[((size_t)k * ds->ngroups + g) * p->flow_stride];
            in += f[DEALC_FLOW_INTEREST] + f[DEALC_FLOW_SCHEDULED] + f[DEALC_FLOW_PREPAID] + f[DEALC_FLOW_RECOVERIES] +
                  f[DEALC_FLOW_SOLD];
        }
        for (int32_t i = 0; i < ds->nparties; i++)
            out += p->parties[((size_t)k * ds->nparties + i) * p->party_stride + DEALC_PARTY_PAID];
        for (int32_t c = 0; c < ds->nclasses; c++) {
            const int64_t *r = &p->classes[((size_t)k * ds->nclasses + c) * p->pclass_stride];
            out += r[DEALC_PCLASS_INTEREST] + r[DEALC_PCLASS_PRINCIPAL] + r[DEALC_PCLASS_REALIZED_LOSS_PAID] +
                   r[DEALC_PCLASS_BASIS_RISK_PAID];
            paid_back += r[DEALC_PCLASS_REALIZED_LOSS_PAID];
        }
        if (in != out)
            fail_msg("period %d: collected %lld, paid %lld", (int)k + 1, (long long)in, (long long)out);
        in_all += in;
        out_all += out;
    }
    assert_int_equal(in_all, out_all);
    assert_true(paid_back > 0);
    dealc_projection_free(p);
    dealc_scenario_free(sc);
    dealc_deal_close(d);
}

/* RAMP 2002-RS1 as shipped, JIT-compiled, and a scenario with the user
 * guide's assumptions (cdr left out: breakeven searches it) */
static dealc_deal *rs1(void)
{
    dealc_deal *d = NULL;
    dealc_error e;
    if (dealc_compile(AGREEMENTS_DIR "/ramp-2002-rs1.deal", NULL, &d, NULL, &e) != DEALC_OK)
        fail_msg("%s", e.message);
    return d;
}

static dealc_scenario *rs1_scenario(const char *cdr)
{
    dealc_scenario *sc = NULL;
    dealc_error e;
    assert_int_equal(dealc_scenario_new(&sc, &e), DEALC_OK);
    const char *kv[][2] = {{"cpr", "20"},
                           {"severity", "40"},
                           {"recovery-lag", "6"},
                           {"index", "One-Month LIBOR=1.30%"},
                           {"index", "Six-Month LIBOR=1.90%"},
                           {"input", "Group I Sixty-Plus Delinquency Percentage=5%"},
                           {"input", "Group II Sixty-Plus Delinquency Percentage=5%"},
                           {"cdr", cdr}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        if (kv[i][1] && dealc_scenario_set(sc, kv[i][0], kv[i][1], &e) != DEALC_OK)
            fail_msg("%s=%s: %s", kv[i][0], kv[i][1], e.message);
    return sc;
}

static int32_t class_index(const dealc_description *ds, const char *name)
{
    for (int32_t c = 0; c < ds->nclasses; c++)
        if (strcmp(ds->classes[c].name, name) == 0)
            return c;
    fail_msg("no class %s", name);
    return -1;
}

/* principal class c lost at the end of a projection at a CDR: its balance
 * left plus its unpaid realized loss, in cents (the breakeven's test) */
static int64_t lost_at(dealc_deal *d, int32_t c, int32_t hundredths)
{
    char cdr[32];
    snprintf(cdr, sizeof cdr, "%d.%02d", (int)(hundredths / 100), (int)(hundredths % 100));
    dealc_scenario *sc = rs1_scenario(cdr);
    dealc_projection *p = NULL;
    dealc_error e;
    if (dealc_project(d, NULL, sc, &p, &e) != DEALC_OK)
        fail_msg("%s", e.message);
    int32_t nc = dealc_deal_describe(d)->nclasses;
    const int64_t *r = &p->classes[((size_t)(p->nperiods - 1) * nc + c) * p->pclass_stride];
    int64_t lost = r[DEALC_PCLASS_ENDING_BALANCE] + r[DEALC_PCLASS_ENDING_UNPAID_REALIZED_LOSS];
    dealc_projection_free(p);
    dealc_scenario_free(sc);
    return lost;
}

/* dealc_breakeven_run's answer holds when checked with plain projections:
 * M-I-2 of RS1 as shipped loses principal at the first-loss CDR X (the
 * amount the result gives) and nothing at X - 0.01%; a default rate in
 * the scenario is a usage error
 * as a value. */
static void test_breakeven(void **st)
{
    (void)st;
    dealc_deal *d = rs1();
    const dealc_description *ds = dealc_deal_describe(d);
    int32_t c = class_index(ds, "M-I-2");
    dealc_scenario *sc = rs1_scenario(NULL);
    dealc_breakeven *b = NULL;
    dealc_error e;
    if (dealc_breakeven_run(d, NULL, sc, c, &b, &e) != DEALC_OK)
        fail_msg("%s", e.message);
    assert_true(b->first_loss > 0 && b->first_loss < 10000);
    assert_true(b->full_writedown >= b->first_loss);
    assert_true(b->monotone);
    int64_t at = lost_at(d, c, b->first_loss), below = lost_at(d, c, b->first_loss - 1);
    assert_true(at > 0);
    assert_int_equal(at, b->loss_at_first);
    assert_int_equal(below, 0);
    char *text = NULL;
    assert_int_equal(dealc_breakeven_render(b, DEALC_FORMAT_CSV, &text, NULL, &e), DEALC_OK);
    assert_non_null(strstr(text, "M-I-2"));
    dealc_free(text);
    dealc_breakeven_free(b);
    dealc_scenario_free(sc);

    sc = rs1_scenario("5");
    assert_int_equal(dealc_breakeven_run(d, NULL, sc, c, &b, &e), DEALC_ERR_USAGE);
    assert_null(b);
    assert_string_equal(e.message, "breakeven searches the default rate: give no cdr");
    dealc_scenario_free(sc);
    dealc_deal_close(d);
}

/* 30/360 as the pricing conventions count it (docs/projection.md): a 31st
 * is the 30th, and so is a closing 31st when the opening day is the 30th */
static int32_t days360(int32_t from, int32_t to)
{
    char a[11], b[11];
    int y1, m1, d1, y2, m2, d2;
    dealc_date_text(from, a);
    dealc_date_text(to, b);
    assert_int_equal(sscanf(a, "%d-%d-%d", &y1, &m1, &d1), 3);
    assert_int_equal(sscanf(b, "%d-%d-%d", &y2, &m2, &d2), 3);
    if (d1 == 31)
        d1 = 30;
    if (d2 == 31 && d1 >= 30)
        d2 = 30;
    return 360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1);
}

/* A price by hand from the projection's own flows. RS1 at 20% CPR, 3% CDR,
 * settled on the closing date with no delay, accrual from the payment
 * date (so nothing has accrued at settlement) and the dates as paid: the
 * price of class A-I-1 at a 6% yield is 100 x the sum over periods of its
 * cash (interest, principal, losses and basis risk paid back) discounted
 * at (1 + 0.06/2)^(2t), t the 30/360 years from settlement, over the
 * balance bought (its original balance). Priced back at that price, the
 * yield is 6% again; the WALs count from settlement. */
static void test_price_by_hand(void **st)
{
    (void)st;
    dealc_deal *d = rs1();
    const dealc_description *ds = dealc_deal_describe(d);
    int32_t c = class_index(ds, "A-I-1"), nc = ds->nclasses;
    char settle[11];
    dealc_date_text(ds->closing_date, settle);
    dealc_error e;
    double price = 0;
    for (int pass = 0; pass < 2; pass++) {
        dealc_scenario *sc = rs1_scenario("3");
        dealc_pricing *pr = NULL;
        char px[64];
        snprintf(px, sizeof px, "%.10f", price);
        assert_int_equal(dealc_pricing_new(&pr, &e), DEALC_OK);
        const char *kv[][2] = {{"settle", settle},
                               {pass ? "price" : "yield", pass ? px : "6"},
                               {"delay", "0"},
                               {"accrual-start", "payment-date"},
                               {"pricing-dates", "rolled"}};
        for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
            if (dealc_pricing_set(pr, kv[i][0], kv[i][1], &e) != DEALC_OK)
                fail_msg("%s: %s", kv[i][0], e.message);
        assert_int_equal(dealc_pricing_set(pr, "delay", "1", &e), DEALC_ERR_USAGE);
        dealc_projection *p = NULL;
        if (dealc_project_priced(d, NULL, sc, pr, &p, &e) != DEALC_OK)
            fail_msg("%s", e.message);
        assert_non_null(p->prices);
        assert_int_equal(p->wal_from, ds->closing_date);
        const dealc_class_price *q = &p->prices[c];
        assert_true(q->priced);
        if (pass == 0) {
            double pv = 0;
            for (int32_t k = 0; k < p->nperiods; k++) {
                const int64_t *r = &p->classes[((size_t)k * nc + c) * p->pclass_stride];
                double cash = (double)(r[DEALC_PCLASS_INTEREST] + r[DEALC_PCLASS_PRINCIPAL] +
                                       r[DEALC_PCLASS_REALIZED_LOSS_PAID] + r[DEALC_PCLASS_BASIS_RISK_PAID]) /
                              100;
                double t = days360(ds->closing_date, p->dates[k]) / 360.0;
                pv += cash / pow(1.03, 2 * t);
            }
            price = pv / ((double)ds->classes[c].original / 100) * 100;
            if (fabs(q->price - price) > 1e-8)
                fail_msg("price %.10f, by hand %.10f", q->price, price);
            assert_true(fabs(q->yield - 0.06) < 1e-12);
        } else {
            if (fabs(q->yield - 0.06) > 1e-8)
                fail_msg("yield %.10f at the price %s, not 6%%", q->yield, px);
        }
        char *text = NULL;
        assert_int_equal(dealc_projection_render(p, DEALC_FORMAT_CSV, c, &text, NULL, &e), DEALC_OK);
        assert_non_null(strstr(text, "Class A-I-1"));
        assert_null(strstr(text, "Class A-I-2"));
        dealc_free(text);
        dealc_projection_free(p);
        dealc_pricing_free(pr);
        dealc_scenario_free(sc);
    }
    dealc_deal_close(d);
}

/* A loan tape that cannot be read leaves the deal's collateral as it was
 * and names the file; the deal still projects. */
static void test_bad_tape_leaves_the_deal(void **st)
{
    (void)st;
    dealc_deal *d = rs1();
    int32_t before = dealc_deal_describe(d)->ncollateral;
    char path[700];
    snprintf(path, sizeof path, "%s/bad-tape.csv", WORK_DIR);
    mkdir(WORK_DIR, 0755);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("loan_id,balance\n1,abc\n", f);
    fclose(f);
    dealc_error e;
    dealc_status s = dealc_deal_load_tape(d, path, &e);
    assert_true(s == DEALC_ERR_INPUT);
    assert_string_equal(e.file, path);
    assert_int_equal(dealc_deal_describe(d)->ncollateral, before);
    dealc_scenario *sc = rs1_scenario("3");
    dealc_projection *p = NULL;
    assert_int_equal(dealc_project(d, NULL, sc, &p, &e), DEALC_OK);
    dealc_projection_free(p);
    dealc_scenario_free(sc);
    dealc_deal_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jit_equals_shared_object),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_amendment),
        cmocka_unit_test(test_projection_pays_out_all_it_collects),
        cmocka_unit_test(test_breakeven),
        cmocka_unit_test(test_price_by_hand),
        cmocka_unit_test(test_bad_tape_leaves_the_deal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
