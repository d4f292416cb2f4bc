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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jit_equals_shared_object),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_amendment),
        cmocka_unit_test(test_projection_pays_out_all_it_collects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
