/*
 * End to end: each GMACM agreement is compiled by dealc into a native
 * binary, replayed on the 2004-02-25 remittance, and every figure of the
 * statement's Servicing Certificate section is compared with the figure
 * typed from the trustee's statement (agreements/<deal>/statement-2004-02-25.txt).
 * The same deal run through `dealc run` (the JIT) must print the same bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../support/testutil.h"

static char work[512];

static const char *wpath(const char *name)
{
    static char buf[8][600];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", work, name);
    return buf[i];
}

static void build_deal(const char *deal)
{
    char src[600], bin[600];
    snprintf(src, sizeof src, "%s/%s.deal", AGREEMENTS_DIR, deal);
    snprintf(bin, sizeof bin, "%s/%s", work, deal);
    char *argv[] = { DEALC_BIN, "build", src, "-o", bin, NULL };
    int st = run(argv, wpath("build.out"), wpath("build.err"));
    if (st != 0) fprintf(stderr, "%s", slurp(wpath("build.err")));
    assert_int_equal(st, 0);
}

/* replay the deal's 2004-02-25 month with the binary; output in out */
static int replay(const char *deal, const char *format, const char *out, int jit)
{
    char bin[600], src[600], state[600], remit[600];
    snprintf(bin, sizeof bin, "%s/%s", work, deal);
    snprintf(src, sizeof src, "%s/%s.deal", AGREEMENTS_DIR, deal);
    snprintf(state, sizeof state, "%s/%s/opening-2004-01-26.json", AGREEMENTS_DIR, deal);
    snprintf(remit, sizeof remit, "%s/%s/remittance-2004-02-25.csv", AGREEMENTS_DIR, deal);
    char fmt[64];
    snprintf(fmt, sizeof fmt, "%s", format);
    if (jit) {
        char *argv[] = { DEALC_BIN, "run", src, "--", "replay", "--state", state, remit, "--format", fmt, NULL };
        return run(argv, out, wpath("replay.err"));
    }
    char *argv[] = { bin, "replay", "--state", state, remit, "--format", fmt, NULL };
    return run(argv, out, wpath("replay.err"));
}

typedef struct class_row {
    const char *name, *beg, *end, *factor, *principal, *interest, *shortfall, *security, *coupon;
} class_row;

static void check_class(const char *csv, const class_row *r)
{
    expect(csv, "class", r->name, "beginning_balance", r->beg);
    expect(csv, "class", r->name, "ending_balance", r->end);
    expect(csv, "class", r->name, "factor", r->factor);
    expect(csv, "class", r->name, "principal", r->principal);
    expect(csv, "class", r->name, "interest", r->interest);
    expect(csv, "class", r->name, "interest_shortfall", r->shortfall);
    expect(csv, "class", r->name, "security_percent", r->security);
    expect(csv, "class", r->name, "coupon_percent", r->coupon);
}

/* Figures typed from the GMACM 2003-HE2 statement for 2004-02-25. */
static void gmacm_2003_he2_statement(void **state)
{
    (void)state;
    build_deal("gmacm-2003-he2");
    assert_int_equal(replay("gmacm-2003-he2", "csv", wpath("2003.csv"), 0), 0);
    char *csv = slurp(wpath("2003.csv"));
    expect(csv, "line", "Beginning Pool Balance", "value", "406855924.22");
    expect(csv, "line", "Beginning PFA", "value", "0.00");
    expect(csv, "line", "Ending Pool Balance", "value", "390719522.22");
    expect(csv, "line", "Ending PFA Balance", "value", "0.00"); /* printed "-" */
    expect(csv, "line", "Principal Collections", "value", "15998210.91");
    expect(csv, "line", "Principal Draws", "value", "0.00");
    expect(csv, "line", "Net Principal Collections", "value", "15998210.91");
    expect(csv, "line", "Active Loan Count", "value", "11704");
    expect(csv, "line", "Interest Collections", "value", "2526009.70");
    expect(csv, "line", "Weighted Average Net Loan Rate", "value", "7.77450");
    expect(csv, "line", "Substitution Adjustment Amount", "value", "0.00");
    expect(csv, "line", "Excess Cash", "value", "975292.71");
    expect(csv, "line", "Beginning Overcollateralization Amount", "value", "5283333.90");
    expect(csv, "line", "Overcollateralization Amount Increase (Decrease)", "value", "975292.71");
    expect(csv, "line", "Outstanding Overcollateralization Amount", "value", "6258626.61");
    expect(csv, "line", "Target Overcollateralization Amount", "value", "7933075.00");
    expect(csv, "line", "Credit Enhancement Draw Amount", "value", "0.00");
    expect(csv, "line", "Unreimbursed Prior Draws", "value", "0.00");
    expect(csv, "line", "Beginning Loss Amount", "value", "107436.07");
    expect(csv, "line", "Current Month Loss Amount", "value", "138191.09");
    expect(csv, "line", "Current Month Recoveries", "value", "67.14");
    expect(csv, "line", "Ending Loss Amount", "value", "245560.02");
    static const class_row rows[] = {
        { "A-1", "133373590.32", "116261895.61", "0.3172680", "17111694.71", "133373.59", "0.00", "18.32", "1.200" },
        { "A-2", "161627000.00", "161627000.00", "1.0000000", "0.00", "422923.98", "0.00", "25.47", "3.140" },
        { "A-3", "20875000.00", "20875000.00", "1.0000000", "0.00", "71670.83", "0.00", "3.29", "4.120" },
        { "A-4", "22233000.00", "22233000.00", "1.0000000", "0.00", "85597.05", "0.00", "3.50", "4.620" },
        { "A-5", "63464000.00", "63464000.00", "1.0000000", "0.00", "216306.47", "0.00", "10.00", "4.090" },
        { "IO", "76000000.00", "76000000.00", "0.9047619", "0.00", "443333.33", "0.00", "0.00", "7.000" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) check_class(csv, &rows[i]);
    expect(csv, "party", "Certificates", "paid", "0.00");
    free(csv);
}

/* Figures typed from the GMACM 2002-HE2 statement for 2004-02-25: a month
 * with negative excess cash, which reduces overcollateralization. */
static void gmacm_2002_he2_statement(void **state)
{
    (void)state;
    build_deal("gmacm-2002-he2");
    assert_int_equal(replay("gmacm-2002-he2", "csv", wpath("2002.csv"), 0), 0);
    char *csv = slurp(wpath("2002.csv"));
    expect(csv, "line", "Beginning Pool Balance", "value", "164321894.73");
    expect(csv, "line", "Beginning PFA", "value", "0.00");
    expect(csv, "line", "Ending Pool Balance", "value", "157206533.16");
    expect(csv, "line", "Ending PFA Balance", "value", "0.00"); /* printed "-" */
    expect(csv, "line", "Principal Collections", "value", "6617848.39");
    expect(csv, "line", "Principal Draws", "value", "0.00");
    expect(csv, "line", "Net Principal Collections", "value", "6617848.39");
    expect(csv, "line", "Active Loan Count", "value", "5208");
    expect(csv, "line", "Interest Collections", "value", "1222811.76");
    expect(csv, "line", "Weighted Average Net Loan Rate", "value", "8.46390");
    expect(csv, "line", "Substitution Adjustment Amount", "value", "0.00");
    expect(csv, "line", "Excess Cash", "value", "-508186.37");
    expect(csv, "line", "Beginning Overcollateralization Amount", "value", "13200002.45");
    expect(csv, "line", "Overcollateralization Amount Increase (Decrease)", "value", "-508186.37");
    expect(csv, "line", "Outstanding Overcollateralization Amount", "value", "12691816.08");
    expect(csv, "line", "Target Overcollateralization Amount", "value", "22512032.61");
    expect(csv, "line", "Credit Enhancement Draw Amount", "value", "0.00");
    expect(csv, "line", "Unreimbursed Prior Draws", "value", "0.00");
    expect(csv, "line", "Beginning Loss Amount", "value", "2278306.24");
    expect(csv, "line", "Current Month Loss Amount", "value", "497513.18");
    expect(csv, "line", "Current Month Recoveries", "value", "14437.52");
    expect(csv, "line", "Ending Loss Amount", "value", "2761381.90");
    static const class_row rows[] = {
        { "A-1", "0.00", "0.00", "0.0000000", "0.00", "0.00", "0.00", "0.00", "1.230" },
        { "A-2", "0.00", "0.00", "0.0000000", "0.00", "0.00", "0.00", "0.00", "4.630" },
        { "A-3", "0.00", "0.00", "0.0000000", "0.00", "0.00", "0.00", "0.00", "5.290" },
        { "A-4", "65665892.28", "59058717.08", "0.5372686", "6607175.20", "328329.46", "0.00", "8.88", "6.000" },
        { "A-5", "85456000.00", "85456000.00", "1.0000000", "0.00", "474280.80", "0.00", "12.85", "6.660" },
        { "IO", "66522000.00", "66522000.00", "1.0000000", "0.00", "415762.50", "0.00", "0.00", "7.500" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) check_class(csv, &rows[i]);
    expect(csv, "party", "Certificates", "paid", "0.00");
    free(csv);
}

/* The table looks like the trustee's: amounts with separators, negative
 * amounts in parentheses. */
static void table_format(void **state)
{
    (void)state;
    assert_int_equal(replay("gmacm-2002-he2", "table", wpath("2002.txt"), 0), 0);
    char *t = slurp(wpath("2002.txt"));
    assert_non_null(strstr(t, "GMACM Home Equity Loan Trust 2002-HE2"));
    assert_non_null(strstr(t, "02/25/2004"));
    assert_non_null(strstr(t, "(508,186.37)"));
    assert_non_null(strstr(t, "59,058,717.08"));
    assert_non_null(strstr(t, "0.5372686"));
    assert_non_null(strstr(t, "8.46390%"));
    free(t);
}

static void json_format(void **state)
{
    (void)state;
    assert_int_equal(replay("gmacm-2003-he2", "json", wpath("2003.json"), 0), 0);
    char *j = slurp(wpath("2003.json"));
    assert_non_null(strstr(j, "\"payment_date\""));
    assert_non_null(strstr(j, "\"2004-02-25\""));
    assert_non_null(strstr(j, "\"classes\""));
    assert_non_null(strstr(j, "\"lines\""));
    assert_non_null(strstr(j, "\"Excess Cash\""));
    assert_non_null(strstr(j, "975292.71"));
    assert_non_null(strstr(j, "17111694.71"));
    assert_non_null(strstr(j, "0.3172680"));
    free(j);
}

/* dealc run (JIT) and the built binary print the same bytes */
static void jit_matches_binary(void **state)
{
    (void)state;
    const char *deals[] = { "gmacm-2003-he2", "gmacm-2002-he2" };
    const char *formats[] = { "table", "csv", "json" };
    for (int d = 0; d < 2; d++)
        for (int f = 0; f < 3; f++) {
            assert_int_equal(replay(deals[d], formats[f], wpath("aot.out"), 0), 0);
            int st = replay(deals[d], formats[f], wpath("jit.out"), 1);
            if (st != 0) fprintf(stderr, "%s", slurp(wpath("replay.err")));
            assert_int_equal(st, 0);
            char *a = slurp(wpath("aot.out")), *b = slurp(wpath("jit.out"));
            assert_true(strlen(a) > 100);
            assert_string_equal(a, b);
            free(a);
            free(b);
        }
}

/* The closing state starts the next month: balances are the ending ones. */
static void saved_state_rolls_forward(void **state)
{
    (void)state;
    char bin[600], st[600], remit[600];
    snprintf(bin, sizeof bin, "%s/gmacm-2003-he2", work);
    snprintf(st, sizeof st, "%s/gmacm-2003-he2/opening-2004-01-26.json", AGREEMENTS_DIR);
    snprintf(remit, sizeof remit, "%s/gmacm-2003-he2/remittance-2004-02-25.csv", AGREEMENTS_DIR);
    char save[600];
    snprintf(save, sizeof save, "%s", wpath("closing-2004-02-25.json"));
    unlink(save);
    char *argv[] = { bin, "replay", "--state", st, remit, "--save-state", save, NULL };
    assert_int_equal(run(argv, wpath("save.out"), wpath("save.err")), 0);
    char *j = slurp(save);
    assert_non_null(strstr(j, "\"2004-02-25\""));
    assert_non_null(strstr(j, "116261895.61"));   /* A-1's ending balance */
    assert_non_null(strstr(j, "390719522.22"));   /* the ending pool balance */
    assert_non_null(strstr(j, "245560.02"));      /* the ending loss amount */
    assert_non_null(strstr(j, "11"));             /* distribution number */
    /* the Pre-Funding Account (0.00 on the statement) and the insurer's
     * unreimbursed draws (0.00) carry to the next date */
    assert_non_null(strstr(j, "{ \"account\": \"Pre-Funding Account\", \"balance\": 0.00 }"));
    assert_non_null(strstr(j, "{ \"insurer\": \"Credit Enhancer\", \"unreimbursed_draws\": 0.00 }"));
    free(j);
}

/* The insurer, from GMACM 2003-HE2's own state (agreements/gmacm-2003-he2.deal,
 * whose policy clauses the statement shows only at 0.00). By hand:
 *
 * 2004-02-25, no principal collected and 1,000,000.00 of interest: the
 * premium 39,320.65 leaves 960,679.35 against 1,373,205.25 of note interest
 * (the statement's own figures), so 3.05(a)(ia) draws 412,525.90 and
 * interest is paid in full. Excess cash is 1,000,000.00 - 39,320.65 -
 * 1,373,205.25 = -412,525.90, so nothing builds overcollateralization, the
 * principal distribution amount is 0.00, nothing is left to reimburse
 * and 412,525.90 is owed to the insurer after the date (the statement's
 * Unreimbursed Prior Draws).
 *
 * 2004-03-25 (29 days), 5,000,000.00 of interest: A-1 133,373,590.32 x 1.20%
 * x 29/360 = 128,927.80, the others as on 2004-02-25 (IO still on
 * 76,000,000.00 at distribution 12): 1,368,759.46 in all; premium 39,320.65;
 * no draw. Excess cash 5,000,000.00 - 39,320.65 - 1,368,759.46 =
 * 3,591,919.89; overcollateralization 406,855,924.22 - 401,572,590.32 =
 * 5,283,333.90, short of 7,933,075.00 by 2,649,741.10, which A-1 is paid;
 * the insurer is reimbursed its 412,525.90 and the certificates take the
 * remaining 529,652.89. */
static void gmacm_insurer_draw_and_reimbursement(void **state)
{
    (void)state;
    const char *remit = wpath("insurer-remit.csv");
    FILE *f = fopen(remit, "w");
    fputs("payment_date,group,principal_collections,interest_collections,principal_draws,liquidation_loss,"
          "recoveries,substitution_adjustment,active_loan_count,One-Month LIBOR,Weighted Average Net Loan Rate\n"
          "2004-02-25,Group 1,0.00,\"1,000,000.00\",0.00,0.00,0.00,0.00,11704,1.10%,7.77450%\n"
          "2004-03-25,Group 1,0.00,\"5,000,000.00\",0.00,0.00,0.00,0.00,11704,1.10%,7.77450%\n", f);
    fclose(f);
    char bin[600], st[600], fmt[] = "csv";
    snprintf(bin, sizeof bin, "%s/gmacm-2003-he2", work);
    snprintf(st, sizeof st, "%s/gmacm-2003-he2/opening-2004-01-26.json", AGREEMENTS_DIR);
    char *argv[] = { bin, "replay", "--state", st, (char *)remit, "--format", fmt, NULL };
    int rc = run(argv, wpath("insurer.csv"), wpath("insurer.err"));
    if (rc) fprintf(stderr, "%s", slurp(wpath("insurer.err")));
    assert_int_equal(rc, 0);
    char *csv = slurp(wpath("insurer.csv"));
    expect(csv, "line", "Credit Enhancement Draw Amount", "value", "412525.90");
    expect(csv, "class", "A-1", "interest", "133373.59");
    expect(csv, "class", "A-1", "interest_shortfall", "0.00");
    expect(csv, "class", "A-1", "principal", "0.00");
    expect(csv, "line", "Unreimbursed Prior Draws", "value", "412525.90");
    expect(csv, "insurer", "Credit Enhancer", "unreimbursed_draws", "412525.90");
    expect(csv, "line", "Credit Enhancement Premium", "value", "39320.65");
    const char *d2 = strstr(csv, "\n2004-03-25,");
    assert_non_null(d2);
    expect(d2, "line", "Credit Enhancement Draw Amount", "value", "0.00");
    expect(d2, "line", "Unreimbursed Prior Draws", "value", "0.00");
    expect(d2, "class", "A-1", "interest", "128927.80");
    expect(d2, "class", "A-1", "principal", "2649741.10");
    expect(d2, "insurer", "Credit Enhancer", "reimbursed", "412525.90");
    expect(d2, "insurer", "Credit Enhancer", "unreimbursed_draws", "0.00");
    /* paid to the enhancer: premium and reimbursement; the line is the premium */
    expect(d2, "party", "Credit Enhancer", "paid", "451846.55");
    expect(d2, "line", "Credit Enhancement Premium", "value", "39320.65");
    expect(d2, "party", "Certificates", "paid", "529652.89");
    free(csv);
}

/* A bad remittance file is an error naming the file, line and column, and
 * nothing is printed as if it were a statement. */
static void bad_remittance_is_located(void **state)
{
    (void)state;
    const char *bad = wpath("bad-remit.csv");
    FILE *f = fopen(bad, "w");
    fputs("payment_date,group,principal_collections,interest_collections,principal_draws,liquidation_loss,"
          "recoveries,substitution_adjustment,active_loan_count,One-Month LIBOR,Weighted Average Net Loan Rate\n"
          "2004-02-25,Group 1,15998210.9x,2526009.70,0,138191.09,67.14,0,11704,1.10%,7.77450%\n", f);
    fclose(f);
    char bin[600], st[600];
    snprintf(bin, sizeof bin, "%s/gmacm-2003-he2", work);
    snprintf(st, sizeof st, "%s/gmacm-2003-he2/opening-2004-01-26.json", AGREEMENTS_DIR);
    char *argv[] = { bin, "replay", "--state", st, (char *)bad, NULL };
    assert_int_equal(run(argv, wpath("bad.out"), wpath("bad.err")), 1);
    char *err = slurp(wpath("bad.err"));
    char want[700];
    snprintf(want, sizeof want, "%s:2:20:", bad);
    assert_non_null(strstr(err, want));
    char *out = slurp(wpath("bad.out"));
    assert_string_equal(out, "");
    free(out);
    free(err);
}

/* ---- amendments ---- */

static int replay_amended(const char *amend, const char *extra, const char *out)
{
    char src[600], am[600], state[600], remit[600];
    snprintf(src, sizeof src, "%s/gmacm-2003-he2.deal", AGREEMENTS_DIR);
    snprintf(am, sizeof am, "%s/../tests/amendments/%s", AGREEMENTS_DIR, amend);
    snprintf(state, sizeof state, "%s/gmacm-2003-he2/opening-2004-01-26.json", AGREEMENTS_DIR);
    snprintf(remit, sizeof remit, "%s/gmacm-2003-he2/remittance-2004-02-25.csv", AGREEMENTS_DIR);
    char fmt[] = "csv";
    if (extra) {
        char *argv[] = { DEALC_BIN, "run", src, am, "--as-of", (char *)extra, "--", "replay", "--state", state, remit,
                         "--format", fmt, NULL };
        return run(argv, out, wpath("amend.err"));
    }
    char *argv[] = { DEALC_BIN, "run", src, am, "--", "replay", "--state", state, remit, "--format", fmt, NULL };
    return run(argv, out, wpath("amend.err"));
}

/* A payment date on or after the effective date uses the new definition;
 * one before it, the old. The premium at 0.20% a year on 401,572,590.32 is
 * 401,572,590.32 x 0.20% / 12 = 66,928.765 -> 66,928.77; excess cash falls
 * by 66,928.77 - 39,320.65 = 27,608.12 to 947,684.59, and so A-1's
 * principal to 15,998,210.91 + 138,191.09 + 947,684.59 = 17,084,086.59. */
static void amendment_switches_on_its_effective_date(void **state)
{
    (void)state;
    assert_int_equal(replay_amended("gmacm-premium.amend", NULL, wpath("am1.csv")), 0);
    char *csv = slurp(wpath("am1.csv"));
    expect(csv, "line", "Credit Enhancement Premium", "value", "66928.77");
    expect(csv, "line", "Excess Cash", "value", "947684.59");
    expect(csv, "class", "A-1", "principal", "17084086.59");
    free(csv);
    /* effective 2004-03-01: 2004-02-25 still pays as the statement shows */
    assert_int_equal(replay_amended("gmacm-premium-later.amend", NULL, wpath("am2.csv")), 0);
    csv = slurp(wpath("am2.csv"));
    expect(csv, "line", "Credit Enhancement Premium", "value", "39320.65");
    expect(csv, "class", "A-1", "principal", "17111694.71");
    free(csv);
    /* --as-of before the effective date: the old definition throughout */
    assert_int_equal(replay_amended("gmacm-premium.amend", "2004-01-31", wpath("am3.csv")), 0);
    csv = slurp(wpath("am3.csv"));
    expect(csv, "line", "Credit Enhancement Premium", "value", "39320.65");
    free(csv);
}

/* An amendment that inserts a defined term: "Premium Rate" (0.20%) is new,
 * and the premium is restated on it, effective 2004-02-01. 2004-02-25 pays
 * as with gmacm-premium.amend (the same arithmetic: 66,928.77; excess
 * cash 947,684.59; A-1's principal 17,084,086.59); consolidated as of
 * 2004-02-25 the agreement has the new term among its definitions,
 * compiles on its own and pays the same; as of 2004-01-31 the term is
 * not there. */
static void amendment_inserts_a_definition(void **state)
{
    (void)state;
    assert_int_equal(replay_amended("gmacm-new-term.amend", NULL, wpath("am6.csv")), 0);
    char *csv = slurp(wpath("am6.csv"));
    expect(csv, "line", "Credit Enhancement Premium", "value", "66928.77");
    expect(csv, "line", "Excess Cash", "value", "947684.59");
    expect(csv, "class", "A-1", "principal", "17084086.59");
    char src[600], am[600], st[600], remit[600];
    snprintf(src, sizeof src, "%s/gmacm-2003-he2.deal", AGREEMENTS_DIR);
    snprintf(am, sizeof am, "%s/../tests/amendments/gmacm-new-term.amend", AGREEMENTS_DIR);
    snprintf(st, sizeof st, "%s/gmacm-2003-he2/opening-2004-01-26.json", AGREEMENTS_DIR);
    snprintf(remit, sizeof remit, "%s/gmacm-2003-he2/remittance-2004-02-25.csv", AGREEMENTS_DIR);
    char *argv[] = { DEALC_BIN, "consolidate", src, am, "--as-of", "2004-02-25", "-o", (char *)wpath("cons6.deal"), NULL };
    assert_int_equal(run(argv, wpath("cons6.out"), wpath("cons6.err")), 0);
    char *cons = slurp(wpath("cons6.deal"));
    assert_non_null(strstr(cons, "    define \"Premium Rate\" = 0.20%"));
    free(cons);
    char *argv2[] = { DEALC_BIN, "run", (char *)wpath("cons6.deal"), "--", "replay", "--state", st, remit, "--format",
                      "csv", NULL };
    assert_int_equal(run(argv2, wpath("am7.csv"), wpath("am7.err")), 0);
    char *c = slurp(wpath("am7.csv"));
    assert_string_equal(csv, c);
    free(c);
    free(csv);
    char *argv3[] = { DEALC_BIN, "consolidate", src, am, "--as-of", "2004-01-31", "-o", (char *)wpath("cons7.deal"), NULL };
    assert_int_equal(run(argv3, wpath("cons7.out"), wpath("cons7.err")), 0);
    cons = slurp(wpath("cons7.deal"));
    assert_null(strstr(cons, "Premium Rate"));
    free(cons);
}

/* Clause operations, and consolidate: the consolidated agreement compiles on
 * its own and pays exactly what the agreement with its amendment pays.
 * Without the premium clause, the enhancer gets only the $100.00 of the
 * inserted clause; interest and principal are as on the statement (the
 * definitions did not change), and the remainder is 18,524,220.61 -
 * 1,373,205.25 - 17,111,694.71 - 100.00 = 39,220.65. */
static void amendment_clauses_and_consolidate(void **state)
{
    (void)state;
    assert_int_equal(replay_amended("gmacm-clauses.amend", NULL, wpath("am4.csv")), 0);
    char *v = slurp(wpath("am4.csv"));
    expect(v, "party", "Credit Enhancer", "paid", "100.00");
    expect(v, "party", "Certificates", "paid", "39220.65");
    expect(v, "class", "A-1", "principal", "17111694.71");
    expect(v, "class", "IO", "interest", "443333.33");
    char src[600], am[600], cons[600], st[600], remit[600];
    snprintf(src, sizeof src, "%s/gmacm-2003-he2.deal", AGREEMENTS_DIR);
    snprintf(am, sizeof am, "%s/../tests/amendments/gmacm-clauses.amend", AGREEMENTS_DIR);
    snprintf(cons, sizeof cons, "%s", wpath("consolidated.deal"));
    snprintf(st, sizeof st, "%s/gmacm-2003-he2/opening-2004-01-26.json", AGREEMENTS_DIR);
    snprintf(remit, sizeof remit, "%s/gmacm-2003-he2/remittance-2004-02-25.csv", AGREEMENTS_DIR);
    char *argv[] = { DEALC_BIN, "consolidate", src, am, "--as-of", "2004-02-25", "-o", cons, NULL };
    assert_int_equal(run(argv, wpath("cons.out"), wpath("cons.err")), 0);
    char *argv2[] = { DEALC_BIN, "run", cons, "--", "replay", "--state", st, remit, "--format", "csv", NULL };
    assert_int_equal(run(argv2, wpath("am5.csv"), wpath("am5.err")), 0);
    char *c = slurp(wpath("am5.csv"));
    assert_string_equal(v, c);
    free(v);
    free(c);
}

/* ---- breakeven: RAMP 2002-RS1 -------------------------------------------------
 * `breakeven --class M-I-2` names a CDR X (to 0.01%). The test does not
 * take X on trust: it projects the deal itself at X and at X - 0.01% and
 * reads M-I-2's own table. At X - 0.01% the class ends with no balance and
 * no unpaid realized loss; at X it ends with one of them above zero, and the
 * principal it was paid plus what it lost is its whole original balance,
 * $9,000,000.00 (the deal's class declaration), to the cent. The first-loss
 * CDRs of the M-I classes are ordered as their subordination is: M-I-3
 * (the most junior) before M-I-2 before M-I-1. */
#define RS1_FLAGS "--cpr", "20", "--severity", "40", "--recovery-lag", "6", "--index", "One-Month LIBOR=1.30%", \
    "--index", "Six-Month LIBOR=1.90%", "--input", "Group I Sixty-Plus Delinquency Percentage=5%", "--input",  \
    "Group II Sixty-Plus Delinquency Percentage=5%"

static __int128 rs1_breakeven(const char *bin, const char *cls)
{
    char *argv[] = { (char *)bin, "breakeven", "--class", (char *)cls, RS1_FLAGS, "--format", "csv", NULL };
    int st = run(argv, wpath("be.csv"), wpath("be.err"));
    if (st) fprintf(stderr, "%s", slurp(wpath("be.err")));
    assert_int_equal(st, 0);
    char *csv = slurp(wpath("be.csv"));
    char key[200];
    snprintf(key, sizeof key, "Breakeven,%s,First loss CDR %%,", cls);
    char *at = strstr(csv, key);
    assert_non_null(at);
    char val[32];
    assert_int_equal(sscanf(at + strlen(key), "%31[0-9.]", val), 1);
    free(csv);
    return dec7(val);
}

/* M-I-2's loss (last balance + last unpaid realized loss) and principal
 * paid when projected at a CDR (dec7 units) */
static void rs1_m_i_2_at(const char *bin, __int128 cdr, __int128 *loss, __int128 *principal)
{
    char c[32];
    snprintf(c, sizeof c, "%d.%02d", (int)(cdr / 10000000), (int)(cdr / 100000 % 100));
    char *argv[] = { (char *)bin, "project", "--class", "M-I-2", "--cdr", c, RS1_FLAGS, "--format", "csv", NULL };
    int st = run(argv, wpath("be-p.csv"), wpath("be-p.err"));
    if (st) fprintf(stderr, "%s", slurp(wpath("be-p.err")));
    assert_int_equal(st, 0);
    char *csv = slurp(wpath("be-p.csv"));
    __int128 bal = -1, unpaid = 0;
    int seen_unpaid = 0;
    *principal = -1;
    for (char *line = csv; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        char period[16], field[40], value[40];
        if (sscanf(line, "Class M-I-2,%15[^,],%39[^,],%39[^\n]", period, field, value) != 3) continue;
        if (strcmp(period, "Total") == 0) {
            if (strcmp(field, "Principal") == 0) *principal = dec7(value);
            continue;
        }
        if (strcmp(field, "Balance") == 0) bal = dec7(value);
        if (strcmp(field, "Unpaid loss") == 0) { unpaid = dec7(value); seen_unpaid = 1; }
    }
    free(csv);
    assert_true(bal >= 0 && *principal >= 0 && seen_unpaid);
    *loss = bal + unpaid;
}

static void ramp_2002_rs1_breakeven_holds(void **state)
{
    (void)state;
    build_deal("ramp-2002-rs1");
    char bin[600];
    snprintf(bin, sizeof bin, "%s/ramp-2002-rs1", work);
    __int128 x = rs1_breakeven(bin, "M-I-2");
    assert_true(x > 0 && x < dec7("100"));
    __int128 loss, prin;
    rs1_m_i_2_at(bin, x - dec7("0.01"), &loss, &prin);
    if (loss != 0) fail_msg("M-I-2 loses %.2f just below its breakeven", (double)loss / 1e7);
    assert_true(prin == dec7("9000000.00"));
    rs1_m_i_2_at(bin, x, &loss, &prin);
    if (loss <= 0) fail_msg("M-I-2 loses nothing at its breakeven");
    assert_true(prin + loss == dec7("9000000.00"));
    __int128 m3 = rs1_breakeven(bin, "M-I-3"), m1 = rs1_breakeven(bin, "M-I-1");
    assert_true(m3 < x && x < m1);

    /* a class never hurt says so and exits 0; an unknown class is a usage error */
    char *never[] = { bin, "breakeven", "--class", "A-I-1", RS1_FLAGS, NULL };
    assert_int_equal(run(never, wpath("be-n.out"), wpath("be-n.err")), 0);
    char *t = slurp(wpath("be-n.out"));
    assert_non_null(strstr(t, "Class A-I-1 loses no principal even at 100% CDR"));
    free(t);
    char *unknown[] = { bin, "breakeven", "--class", "Z-9", RS1_FLAGS, NULL };
    assert_int_equal(run(unknown, wpath("be-u.out"), wpath("be-u.err")), 2);
    t = slurp(wpath("be-u.err"));
    assert_non_null(strstr(t, "the deal has no class \"Z-9\""));
    free(t);
    char *nocdr[] = { bin, "breakeven", "--class", "M-I-2", "--cdr", "5", RS1_FLAGS, NULL };
    assert_int_equal(run(nocdr, wpath("be-c.out"), wpath("be-c.err")), 2);

    /* project's Triggers and dates table, period 1, by hand: Group I's
     * Senior Enhancement Percentage at the start is (450,000,000.00 -
     * 420,750,000.00 of A-I classes) / 450,000,000.00 = 6.50%, so its
     * Trigger Event (no losses yet) is in effect when the 60+ delinquency
     * input exceeds 40% x 6.50% = 2.60%: not at 2.59%, yes at 2.61%; the
     * Stepdown Date (not before the 37th distribution) has not occurred */
    const char *dq[] = { "Group I Sixty-Plus Delinquency Percentage=2.59%",
                         "Group I Sixty-Plus Delinquency Percentage=2.61%" };
    for (int i = 0; i < 2; i++) {
        char *pj[] = { bin, "project", "--periods", "1", "--cpr", "20", "--index", "One-Month LIBOR=1.30%", "--index",
                       "Six-Month LIBOR=1.90%", "--input", (char *)dq[i], "--input",
                       "Group II Sixty-Plus Delinquency Percentage=0%", "--format", "csv", NULL };
        assert_int_equal(run(pj, wpath("be-t.csv"), wpath("be-t.err")), 0);
        t = slurp(wpath("be-t.csv"));
        assert_non_null(strstr(t, i ? "\nTriggers and dates,1,Group I Trigger Event,in effect\n"
                                    : "\nTriggers and dates,1,Group I Trigger Event,not in effect\n"));
        assert_non_null(strstr(t, "\nTriggers and dates,1,Group I Stepdown Date,not yet\n"));
        free(t);
    }

    /* grid's streamed record counts a written-down class's loss: at 20%
     * CDR (above M-I-3's full write-down CDR) M-I-3 loses its whole
     * original $6,750,000.00, 100.00% of its opening balance */
    char *gr[] = { bin, "grid", "--cdr", "20", "--class", "M-I-3", "--stream", "csv", RS1_FLAGS, NULL };
    assert_int_equal(run(gr, wpath("be-g.csv"), wpath("be-g.err")), 0);
    t = slurp(wpath("be-g.csv"));
    char *rec = strstr(t, "\n1,");
    assert_non_null(rec);
    assert_non_null(strstr(rec, ",M-I-3,"));
    assert_non_null(strstr(rec, ",6750000.00,100.00,"));
    free(t);
}

/* ---- projection: RAMP 2003-RS2 class A-I-3 against the computational
 * materials (agreements/ramp-2003-rs2/computational-materials.txt). Typed
 * from them: 340,964.00 of interest a month while the balance is whole;
 * principal in every period from 26 to 48 (below); total interest
 * 12,309,535.18. The deal is reconstructed (see its header), but its
 * structure is fixed by this table, so the window must be exactly 26-48,
 * the interest within 0.5%, each whole month of principal (27-47) within
 * 0.25%, and the drops at 33, 34 and 37 reproduced.
 *
 * What a drop is, in the materials' own figures: from one period to the
 * next A-I-3's principal falls by the pool's amortisation, a ratio of
 * 0.976-0.978 (0.97775 at 28 ... 0.97603 at 47); at 33 the ratio is
 * 6,708,837.77 / 7,025,289.73 = 0.95496, at 34 6,380,026.30 / 6,708,837.77
 * = 0.95099 and at 37 5,351,301.80 / 6,098,850.20 = 0.87743. A drop is a
 * ratio below 0.965: exactly those three in 28-47, in the materials and in
 * the model. Their size: principal 35 / principal 32 = 6,237,870.69 /
 * 7,025,289.73 = 0.88792 (the step-down releasing 5% of the pool's
 * principal: 0.95 x 0.97773 x 0.97772 x 0.97772), and the 0.87743 at 37
 * (A-I-6 taking 45% of its pro rata share); the model's must be within
 * 0.002 of both. */
static const char *const rs2_materials_principal[] = {
    /* periods 26 to 48, typed from the materials' PRINCIPAL column */
    "206098.16",  "7862101.87", "7687199.84", "7516151.02", "7348871.09", "7185277.56",
    "7025289.73", "6708837.77", "6380026.30", "6237870.69", "6098850.20", "5351301.80",
    "5224361.55", "5100296.18", "4979042.02", "4860536.75", "4744719.43", "4631530.46",
    "4520911.55", "4412805.67", "4307157.05", "4203911.16", "3806852.13",
};
#define RS2_FIRST 26
#define RS2_LAST 48

static void ramp_2003_rs2_a_i_3_matches_the_materials(void **state)
{
    (void)state;
    build_deal("ramp-2003-rs2");
    char bin[600];
    snprintf(bin, sizeof bin, "%s/ramp-2003-rs2", work);
    char *argv[] = { bin, "project", "--hep", "4,23,12", "--index", "One-Month LIBOR=1.30%", "--class", "A-I-3",
                     "--format", "csv", NULL };
    int st = run(argv, wpath("rs2.csv"), wpath("rs2.err"));
    if (st) fprintf(stderr, "%s", slurp(wpath("rs2.err")));
    assert_int_equal(st, 0);
    char *csv = slurp(wpath("rs2.csv"));
    __int128 interest[400] = { 0 }, principal[400] = { 0 }, total_i = 0, total_p = 0;
    int last_period = 0;
    for (char *line = csv; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        int period;
        char field[32];
        if (sscanf(line, "Class A-I-3,%d,%31[^,],", &period, field) != 2 || period < 1 || period >= 400) continue;
        const char *value = strchr(strchr(strchr(line, ',') + 1, ',') + 1, ',') + 1;
        if (strcmp(field, "Interest") == 0) { interest[period] = dec7(value); total_i += interest[period]; }
        if (strcmp(field, "Principal") == 0) { principal[period] = dec7(value); total_p += principal[period]; }
        if (period > last_period) last_period = period;
    }
    free(csv);
    int first = 0, last = 0;
    for (int k = 1; k <= last_period; k++)
        if (principal[k] > 0) { if (!first) first = k; last = k; }
    /* the fit, period by period (docs/projection.md has the same table) */
    __int128 mat[RS2_LAST + 1] = { 0 };
    fprintf(stderr, "A-I-3 principal: period, materials, model, difference\n");
    for (int k = RS2_FIRST; k <= RS2_LAST; k++) {
        mat[k] = dec7(rs2_materials_principal[k - RS2_FIRST]);
        fprintf(stderr, "  %2d %14.2f %14.2f %+7.3f%%\n", k, (double)mat[k] / 1e7, (double)principal[k] / 1e7,
                100.0 * ((double)principal[k] / (double)mat[k] - 1));
    }
    fprintf(stderr, "A-I-3: principal from period %d to %d; interest %.2f (materials 12,309,535.18)\n", first, last,
            (double)total_i / 1e7);
    for (int k = 1; k < RS2_FIRST; k++) assert_true(interest[k] == dec7("340964.00"));
    if (first != RS2_FIRST || last != RS2_LAST)
        fail_msg("principal from period %d to %d; the materials: %d to %d", first, last, RS2_FIRST, RS2_LAST);
    assert_true(total_p == dec7("126400000.00"));
    __int128 want_i = dec7("12309535.18");
    __int128 di = total_i > want_i ? total_i - want_i : want_i - total_i;
    assert_true(di * 200 <= want_i); /* within 0.5% */
    for (int k = RS2_FIRST + 1; k < RS2_LAST; k++) {
        __int128 d = principal[k] > mat[k] ? principal[k] - mat[k] : mat[k] - principal[k];
        if (d * 400 > mat[k]) fail_msg("period %d: principal %.2f, the materials %.2f (more than 0.25%% apart)", k,
                                       (double)principal[k] / 1e7, (double)mat[k] / 1e7);
    }
    /* the drops: a ratio below 0.965, in the materials at 33, 34 and 37 only */
    for (int k = RS2_FIRST + 2; k < RS2_LAST; k++) {
        int want_drop = k == 33 || k == 34 || k == 37;
        double rm = (double)mat[k] / (double)mat[k - 1], r = (double)principal[k] / (double)principal[k - 1];
        assert_int_equal(rm < 0.965, want_drop); /* the typed table itself */
        if ((r < 0.965) != want_drop)
            fail_msg("period %d: principal falls to %.5f of the period before (materials %.5f)", k, r, rm);
    }
    double step_m = (double)mat[35] / (double)mat[32], step = (double)principal[35] / (double)principal[32];
    double nas_m = (double)mat[37] / (double)mat[36], nas = (double)principal[37] / (double)principal[36];
    if (step < step_m - 0.002 || step > step_m + 0.002) fail_msg("principal 35/32: %.5f, materials %.5f", step, step_m);
    if (nas < nas_m - 0.002 || nas > nas_m + 0.002) fail_msg("principal 37/36: %.5f, materials %.5f", nas, nas_m);
}

/* ---- RAMP 2003-RS2: the step-down date, the trigger event and the
 * overcollateralization they govern, replayed on constructed months and
 * worked by hand (terms: agreements/ramp-2003-rs2.deal).
 *
 * Opening at distribution 32 (2005-11-25): the pool 303,600,000.00; A-I-3
 * 81,500,000.00, A-I-4 103,100,000.00, A-I-5 44,000,000.00, A-I-6
 * 60,000,000.00 (A-I-1, A-I-2 retired), so the classes are 288,600,000.00
 * and the overcollateralization 15,000,000.00, its 2.50% target. Month 33
 * (2005-12-27: the 25th a Sunday, the 26th a holiday): 6,900,000.00 of
 * principal and 1,900,000.00 of interest collected, no loss.
 *   Ending pool 296,700,000.00 < 300,000,000.00 (half the cut-off
 *   balance), and distribution 33 is after the 31st: the stepdown date is
 *   2005-12-27. Required: min(15,000,000.00, max(5% x 296,700,000.00,
 *   3,000,000.00)) = 14,835,000.00; reduction 15,000,000.00 - 14,835,000.00
 *   = 165,000.00; Principal Distribution Amount 6,900,000.00 - 165,000.00 =
 *   6,735,000.00, all to A-I-3 (the lockout is 0% until 37). Premium
 *   288,600,000.00 x 0.17% / 12 = 40,885.00; interest 219,846.25 (A-I-3,
 *   3.237%) + 358,272.50 (A-I-4, 4.17%) + 191,033.33 (A-I-5, 5.21%) +
 *   220,000.00 (A-I-6, 4.40%) = 989,152.08; Class SB 8,800,000.00 -
 *   40,885.00 - 989,152.08 - 6,735,000.00 = 1,034,962.92.
 * The same month with 16,000,000.00 of cumulative losses before it: above
 * 2.50% of 600,000,000.00 (15,000,000.00), so the trigger event is in
 * effect; the stepdown date still occurs, but the target stays
 * 15,000,000.00: no reduction, A-I-3 is paid the whole 6,900,000.00 and
 * Class SB 869,962.92. */
static const char rs2_remit_header[] =
    "payment_date,group,principal_collections,interest_collections,principal_draws,liquidation_loss,recoveries,"
    "substitution_adjustment,active_loan_count,One-Month LIBOR\n";

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *rs2_replay(const char *date, int dist, const char *pool, const char *cumloss, const char *rows)
{
    char st[1200], remit[600];
    snprintf(st, sizeof st,
             "{ \"deal\": \"RAMP Series 2003-RS2 Trust\", \"payment_date\": \"%s\", \"distribution_number\": %d,\n"
             "  \"groups\": [ { \"group\": \"Group I\", \"pool_balance\": %s, \"cumulative_loss\": %s } ],\n"
             "  \"classes\": [ { \"class\": \"A-I-1\", \"balance\": 0 }, { \"class\": \"A-I-2\", \"balance\": 0 },\n"
             "    { \"class\": \"A-I-3\", \"balance\": 81500000.00 }, { \"class\": \"A-I-4\", \"balance\": 103100000.00 },\n"
             "    { \"class\": \"A-I-5\", \"balance\": 44000000.00 }, { \"class\": \"A-I-6\", \"balance\": 60000000.00 } ],\n"
             "  \"triggers\": [ { \"trigger\": \"Trigger Event\", \"in_effect\": false } ],\n"
             "  \"dates\": [ { \"date\": \"Stepdown Date\", \"occurred\": null } ] }\n",
             date, dist, pool, cumloss);
    write_file(wpath("rs2-open.json"), st);
    snprintf(remit, sizeof remit, "%s%s", rs2_remit_header, rows);
    write_file(wpath("rs2-remit.csv"), remit);
    char bin[600];
    snprintf(bin, sizeof bin, "%s/ramp-2003-rs2", work);
    char *argv[] = { bin, "replay", "--state", (char *)wpath("rs2-open.json"), (char *)wpath("rs2-remit.csv"),
                     "--format", "csv", NULL };
    int rc = run(argv, wpath("rs2-replay.csv"), wpath("rs2-replay.err"));
    if (rc) fprintf(stderr, "%s", slurp(wpath("rs2-replay.err")));
    assert_int_equal(rc, 0);
    return slurp(wpath("rs2-replay.csv"));
}

/* the rows of one payment date: the csv from its first row on */
static const char *rows_from(const char *csv, const char *date)
{
    char key[32];
    snprintf(key, sizeof key, "\n%s,", date);
    const char *p = strstr(csv, key);
    if (!p) fail_msg("no rows for %s", date);
    return p;
}

static void ramp_2003_rs2_stepdown_and_trigger(void **state)
{
    (void)state;
    build_deal("ramp-2003-rs2");
    const char *month33 = "2005-12-27,Group I,6900000.00,1900000.00,0,0,0,0,2000,1.30%\n";
    char *csv = rs2_replay("2005-11-25", 32, "303600000.00", "0", month33);
    assert_non_null(strstr(csv, "2005-12-27,date,Stepdown Date,date,2005-12-27\n"));
    expect(csv, "trigger", "Trigger Event", "in_effect", "false");
    expect(csv, "line", "Ending Pool Balance", "value", "296700000.00");
    expect(csv, "line", "Required Overcollateralization Amount", "value", "14835000.00");
    expect(csv, "line", "Overcollateralization Reduction Amount", "value", "165000.00");
    expect(csv, "line", "Principal Distribution Amount", "value", "6735000.00");
    expect(csv, "line", "Surety Premium", "value", "40885.00");
    expect(csv, "class", "A-I-3", "interest", "219846.25");
    expect(csv, "class", "A-I-4", "interest", "358272.50");
    expect(csv, "class", "A-I-5", "interest", "191033.33");
    expect(csv, "class", "A-I-6", "interest", "220000.00");
    expect(csv, "class", "A-I-3", "principal", "6735000.00");
    expect(csv, "class", "A-I-6", "principal", "0.00");
    expect(csv, "line", "Paid to Class SB", "value", "1034962.92");
    expect(csv, "line", "Overcollateralization Amount", "value", "14835000.00");
    free(csv);

    csv = rs2_replay("2005-11-25", 32, "303600000.00", "16000000.00", month33);
    assert_non_null(strstr(csv, "2005-12-27,date,Stepdown Date,date,2005-12-27\n"));
    expect(csv, "trigger", "Trigger Event", "in_effect", "true");
    expect(csv, "line", "Required Overcollateralization Amount", "value", "15000000.00");
    expect(csv, "line", "Overcollateralization Reduction Amount", "value", "0.00");
    expect(csv, "class", "A-I-3", "principal", "6900000.00");
    expect(csv, "line", "Paid to Class SB", "value", "869962.92");
    free(csv);
}

/* The stepdown date is the later of the 31st distribution and the first on
 * which the pool is below half its cut-off balance. Opening at distribution
 * 29 (2005-08-25) with the same classes and pool: month 30 (2005-09-26, the
 * 25th a Sunday) collects 6,900,000.00, so the pool ends at 296,700,000.00,
 * below half, but before the 31st: the stepdown date is now known to be
 * the 31st's, 2005-10-25 (the later of the two), after this payment date,
 * so the target stays 15,000,000.00 and A-I-3 is paid 6,900,000.00 (ending 74,600,000.00; the
 * overcollateralization 296,700,000.00 - 281,700,000.00 = 15,000,000.00).
 * Month 31 (2005-10-25) collects 6,700,000.00: the pool ends at
 * 290,000,000.00; the condition first held on 2005-09-26 and the 31st is
 * 2005-10-25, so the stepdown date is 2005-10-25; the target is 5% x
 * 290,000,000.00 = 14,500,000.00, the reduction 500,000.00, and A-I-3 is
 * paid 6,700,000.00 - 500,000.00 = 6,200,000.00. */
static void ramp_2003_rs2_stepdown_waits_for_the_31st(void **state)
{
    (void)state;
    build_deal("ramp-2003-rs2");
    char *csv = rs2_replay("2005-08-25", 29, "303600000.00", "0",
                           "2005-09-26,Group I,6900000.00,1900000.00,0,0,0,0,2000,1.30%\n"
                           "2005-10-25,Group I,6700000.00,1900000.00,0,0,0,0,2000,1.30%\n");
    assert_non_null(strstr(csv, "2005-09-26,date,Stepdown Date,date,2005-10-25\n"));
    expect(csv, "line", "Required Overcollateralization Amount", "value", "15000000.00");
    expect(csv, "class", "A-I-3", "principal", "6900000.00");
    const char *d31 = rows_from(csv, "2005-10-25");
    assert_non_null(strstr(d31, "2005-10-25,date,Stepdown Date,date,2005-10-25\n"));
    expect(d31, "line", "Ending Pool Balance", "value", "290000000.00");
    expect(d31, "line", "Required Overcollateralization Amount", "value", "14500000.00");
    expect(d31, "line", "Overcollateralization Reduction Amount", "value", "500000.00");
    expect(d31, "class", "A-I-3", "principal", "6200000.00");
    free(csv);
}

/* ---- pricing: RAMP 2003-RS2 class A-I-3 at par with its 24-day delay.
 *
 * Market convention (SIFMA's): the class accrues over the calendar month
 * before each distribution and is paid on the 25th; a buyer settling on
 * 2003-03-28 pays 100 plus interest from 2003-03-01, 27 days (30/360), and
 * each payment is discounted from its nominal date, 30/360 months from
 * settlement: the first (2003-04-25) 27 days away, 0.9 month, and payment
 * k at k - 0.1 months, at a monthly rate i; the yield is bond-equivalent,
 * 2((1 + i)^6 - 1).
 *
 * By hand, on the materials' own cash flows (the A3 table of
 * computational-materials.txt, balances B_0 = 126,400,000.00 ... B_48 = 0):
 *   coupon i0 = 3.237% / 12 = 0.26975% a month
 *   dirty price = 126,400,000 x (1 + 0.03237 x 27/360) = 126,706,867.60
 *   PV(i) = (1 + i)^0.1 x sum_k CF_k (1 + i)^-k. At i0 the sum is B_0
 *     exactly (each CF_k is i0 B_(k-1) + B_(k-1) - B_k, and the terms
 *     telescope; the table's interest column is i0 x the balance), so
 *     PV(i0) = 126,400,000 x 1.0026975^0.1 = 126,434,055.08: 272,812.52
 *     short of the price.
 *   dPV/di at i0 = 0.1 B_0 (1 + i0)^-0.9 - (1 + i0)^0.1 v S, v = 1/(1 + i0),
 *     S = sum_k k CF_k v^k = sum_(j=0..47) v^j B_j (the same telescoping)
 *     = 4,348,219,348.77 (26 whole balances and the table's 22 declining
 *     ones), so dPV/di = -4,325,080,549.28
 *   one Newton step: i1 = i0 - 272,812.52 / 4,325,080,549.28 = 0.26344231%
 *   yield = 2 (1.0026344231^6 - 1) = 3.18220%; a second step moves it by
 *     less than 0.01 bp (3.18229%), against a coupon of 3.237% (3.25891%
 *     bond-equivalent): the delay costs 7.7 bp.
 * The binary prices its own projection (the deal is reconstructed, its
 * flows close to the materials' but not equal: a duration a fraction of a
 * percent different moves the yield by a fraction of a basis point), so it
 * must come within 1 bp of 3.1823%. Without the delay and with rolled dates (the
 * conventions before) the same price overstates the yield by 5 to 10 bp. */
static void ramp_2003_rs2_a_i_3_yield_at_par_with_delay(void **state)
{
    (void)state;
    build_deal("ramp-2003-rs2");
    char bin[600];
    snprintf(bin, sizeof bin, "%s/ramp-2003-rs2", work);
    double yields[2];
    for (int k = 0; k < 2; k++) {
        char *a[] = { bin, "project", "--hep", "4,23,12", "--index", "One-Month LIBOR=1.30%", "--class", "A-I-3",
                      "--settle", "2003-03-28", "--price", "100", "--format", "csv",
                      k ? "--delay" : NULL, "0", "--pricing-dates", "rolled", "--accrual-start", "payment-date", NULL };
        int st = run(a, wpath("rs2y.csv"), wpath("rs2y.err"));
        if (st) fprintf(stderr, "%s", slurp(wpath("rs2y.err")));
        assert_int_equal(st, 0);
        char *csv = slurp(wpath("rs2y.csv"));
        const char *y = strstr(csv, "Summary,A-I-3,Yield %,");
        assert_non_null(y);
        yields[k] = strtod(y + strlen("Summary,A-I-3,Yield %,"), NULL);
        free(csv);
    }
    fprintf(stderr, "A-I-3 at par: %.5f%% with the delay (by hand 3.18229%%), %.5f%% without\n", yields[0], yields[1]);
    assert_true(fabs(yields[0] - 3.18229) <= 0.01);
    assert_true(yields[1] - yields[0] >= 0.05 && yields[1] - yields[0] <= 0.10);
}

/* ---- submit: the Slurm jobs, without Slurm. A stand-in sbatch records its
 * arguments and answers job ids; the array script is then run as Slurm
 * would run it (once per task, SLURM_ARRAY_TASK_ID set, in the submit's
 * working directory) and the merge script after it: the result must be the
 * grid's own output on this machine, byte for byte. (scripts/slurm-test.sh
 * does the same through a real single-node cluster.) */
static void submit_writes_jobs_that_merge_to_the_grid(void **state)
{
    (void)state;
    build_deal("gmacm-2003-he2");
    char bin[600], fake[600], log[600], dir[600], rows[600], local[600], merged[600];
    snprintf(bin, sizeof bin, "%s/gmacm-2003-he2", work);
    snprintf(fake, sizeof fake, "%s", wpath("fake-sbatch"));
    snprintf(log, sizeof log, "%s", wpath("sbatch.log"));
    snprintf(dir, sizeof dir, "%s", wpath("jobs"));
    snprintf(rows, sizeof rows, "%s", wpath("rows.csv"));
    snprintf(local, sizeof local, "%s", wpath("local.csv"));
    snprintf(merged, sizeof merged, "%s", wpath("merged.csv"));
    unlink(log); /* job ids count from 101 */
    FILE *f = fopen(fake, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\necho \"$@\" >> '%s'\nn=$(wc -l < '%s')\necho \"$((100 + n));cluster\"\n", log, log);
    fclose(f);
    chmod(fake, 0755);
    f = fopen(rows, "w");
    fputs("name,cpr,cdr\n", f);
    for (int i = 0; i < 30; i++)
        fprintf(f, "r%d,%d,%d\n", i + 1, 5 + i, i % 4);
    fclose(f);
    char *grid[] = { bin, "grid", "--scenarios", rows, "--index", "One-Month LIBOR=1.1%", "--input",
                     "Weighted Average Net Loan Rate=7.7745%", "--stream", "csv", "--output", local, NULL };
    assert_int_equal(run(grid, wpath("g.out"), wpath("g.err")), 0);
    setenv("DEALC_SBATCH", fake, 1);
    char *sub[] = { bin, "submit", "--shards", "3", "--dir", dir, "--", "--scenarios", rows, "--index",
                    "One-Month LIBOR=1.1%", "--input", "Weighted Average Net Loan Rate=7.7745%", "--stream", "csv",
                    "--output", merged, NULL };
    int st = run(sub, wpath("s.out"), wpath("s.err"));
    if (st) fprintf(stderr, "%s", slurp(wpath("s.err")));
    assert_int_equal(st, 0);
    char *so = slurp(wpath("s.out"));
    assert_non_null(strstr(so, "scenarios 30\nrun "));
    assert_non_null(strstr(so, "shards 101\nmerge 102\n"));
    free(so);
    char *sl = slurp(log);
    assert_non_null(strstr(sl, "--parsable "));
    assert_non_null(strstr(sl, "--dependency=afterok:101 --kill-on-invalid-dep=yes "));
    free(sl);
    /* Slurm's part, by hand */
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "for k in 1 2 3; do SLURM_ARRAY_TASK_ID=$k sh '%s/grid.sbatch' || exit 1; done; sh '%s/merge.sbatch'", dir, dir);
    char *sh[] = { "/bin/sh", "-c", cmd, NULL };
    st = run(sh, wpath("jobs.out"), wpath("jobs.err"));
    if (st) fprintf(stderr, "%s", slurp(wpath("jobs.err")));
    assert_int_equal(st, 0);
    char *a = slurp(local), *b = slurp(merged);
    assert_string_equal(a, b);
    free(a);
    free(b);
    /* a bad grid is refused before anything is written or submitted */
    char dir2[600];
    snprintf(dir2, sizeof dir2, "%s", wpath("jobs2"));
    char *bad[] = { bin, "submit", "--shards", "3", "--dir", dir2, "--", "--cpr", "x", "--stream", "csv", "--output",
                    merged, NULL };
    assert_int_equal(run(bad, wpath("b.out"), wpath("b.err")), 2);
    struct stat sb;
    assert_true(stat(dir2, &sb) != 0);
    char *nostream[] = { bin, "submit", "--shards", "3", "--dir", dir2, "--", "--cpr", "5", NULL };
    assert_int_equal(run(nostream, wpath("b.out"), wpath("b.err")), 2);
    char *err = slurp(wpath("b.err"));
    assert_non_null(strstr(err, "--stream csv|jsonl and --output FILE"));
    free(err);
    unsetenv("DEALC_SBATCH");
}

/* Projection from a replayed statement: GMACM 2003-HE2 from its closing
 * state of 2004-02-25 runs to the end with every period's invariants
 * (conservation to the cent) checked by the deal binary itself. */
static void gmacm_projects_from_its_latest_statement(void **state)
{
    (void)state;
    char bin[600], st[600], remit[600], save[600];
    snprintf(bin, sizeof bin, "%s/gmacm-2003-he2", work);
    snprintf(st, sizeof st, "%s/gmacm-2003-he2/opening-2004-01-26.json", AGREEMENTS_DIR);
    snprintf(remit, sizeof remit, "%s/gmacm-2003-he2/remittance-2004-02-25.csv", AGREEMENTS_DIR);
    snprintf(save, sizeof save, "%s", wpath("gmacm-closing.json"));
    char *a1[] = { bin, "replay", "--state", st, remit, "--save-state", save, NULL };
    assert_int_equal(run(a1, wpath("g1.out"), wpath("g1.err")), 0);
    char *a2[] = { bin, "project", "--state", save, "--cpr", "20", "--cdr", "3", "--severity", "45", "--recovery-lag", "6",
                   "--index", "One-Month LIBOR=1.10%", "--input", "Weighted Average Net Loan Rate=7.7745%",
                   "--format", "csv", NULL };
    int rc = run(a2, wpath("g2.csv"), wpath("g2.err"));
    if (rc) fprintf(stderr, "%s", slurp(wpath("g2.err")));
    assert_int_equal(rc, 0);
    char *csv = slurp(wpath("g2.csv"));
    assert_non_null(strstr(csv, "A-1"));
    free(csv);
}

/* RAMP 2003-RS8 and its Amendment Number One: what the A-I-7 rewrite does
 * to the first distribution at 0% CPR. By hand (the deal's reconstructed
 * terms, agreements/ramp-2003-rs8.deal): the pool of 500,000,000.00 at
 * 7.40% over 357 months pays 3,469,829.05 a month, of which 3,083,333.33 is
 * interest, so 386,495.72 is scheduled principal; net interest at 6.90% is
 * 2,875,000.00. Interest due for the 28 days from 2003-09-29 to 2003-10-27
 * (30/360 and actual alike) is 1,214,655.55 on A-I-1..A-I-8, so excess cash
 * 1,660,344.45 all builds overcollateralization and the Class A-I
 * Principal Distribution Amount is 2,046,840.17. Before the amendment A-I-7
 * takes 60/390 of it, 314,898.49, and A-I-1 the rest, 1,731,941.68; after,
 * 60/500: 245,620.82, and A-I-1 1,801,219.35. */
static void ramp_2003_rs8_amendment_impact(void **state)
{
    (void)state;
    char src[600], am[600], oldb[600], newb[600];
    snprintf(src, sizeof src, "%s/ramp-2003-rs8.deal", AGREEMENTS_DIR);
    snprintf(am, sizeof am, "%s/ramp-2003-rs8-amendment-1.amend", AGREEMENTS_DIR);
    snprintf(oldb, sizeof oldb, "%s/rs8-old", work);
    snprintf(newb, sizeof newb, "%s/rs8-new", work);
    char *b1[] = { DEALC_BIN, "build", src, "-o", oldb, NULL };
    char *b2[] = { DEALC_BIN, "build", src, am, "-o", newb, NULL };
    assert_int_equal(run(b1, wpath("rs8.out"), wpath("rs8.err")), 0);
    assert_int_equal(run(b2, wpath("rs8.out"), wpath("rs8.err")), 0);
    const char *want[2][2] = { { "314898.49", "1731941.68" }, { "245620.82", "1801219.35" } };
    for (int v = 0; v < 2; v++) {
        char *argv[] = { v ? newb : oldb, "project", "--cpr", "0", "--periods", "1", "--index", "One-Month LIBOR=1.12%",
                         "--format", "csv", NULL };
        assert_int_equal(run(argv, wpath("rs8.csv"), wpath("rs8.err")), 0);
        char *csv = slurp(wpath("rs8.csv"));
        const char *p7 = strstr(csv, "Class A-I-7,1,Principal,");
        const char *p1 = strstr(csv, "Class A-I-1,1,Principal,");
        assert_non_null(p7);
        assert_non_null(p1);
        assert_true(dec7(p7 + strlen("Class A-I-7,1,Principal,")) == dec7(want[v][0]));
        assert_true(dec7(p1 + strlen("Class A-I-1,1,Principal,")) == dec7(want[v][1]));
        free(csv);
    }
    /* diff --impact runs both on the same scenario and says the same */
    char *im[] = { DEALC_BIN, "diff", src, am, "--no-color", "--impact", "--", "project", "--cpr", "0", "--periods", "1",
                   "--index", "One-Month LIBOR=1.12%", NULL };
    assert_int_equal(run(im, wpath("rs8.impact"), wpath("rs8.err")), 0);
    char *imp = slurp(wpath("rs8.impact"));
    assert_non_null(strstr(imp, "  A-I-7 1: principal 314,898.49 -> 245,620.82, interest 228,666.67 -> 228,666.67"));
    assert_non_null(strstr(imp, "  A-I-1 1: principal 1,731,941.68 -> 1,801,219.35"));
    free(imp);
    /* the diff names the change and what it reaches */
    char *d[] = { DEALC_BIN, "diff", src, am, "--no-color", "--width", "1000", NULL };
    assert_int_equal(run(d, wpath("rs8.diff"), wpath("rs8.err")), 0);
    char *diff = slurp(wpath("rs8.diff"));
    assert_non_null(strstr(diff, "Definition of \"Class A-I-7 Pro Rata Distribution Amount\" (changed)"));
    assert_non_null(strstr(diff, "Section 4.02(c)(iii)"));
    /* the reconstructed words before differ from the amended ones only
     * where the reconstruction says the amendment changed them */
    assert_non_null(strstr(diff, "Class [-A-I-6-] {+A-I-8+} Certificates immediately prior"));
    assert_null(strstr(diff, "(as reconstructed)"));
    /* and it says the agreement as it stood before governed no distribution */
    assert_non_null(strstr(diff, "on or before the first payment date (2003-10-27)"));
    free(diff);
}

/* RAMP 2002-RS1 and its Amendment Number One: distribution 11
 * (2002-12-26; the 25th is Christmas), replayed from a state after
 * distribution 10 (agreements/ramp-2002-rs1/) in which Group I's losses
 * outrun its excess cash and Group II's overcollateralization is at its
 * target. By hand, with One-Month LIBOR at 1.40%:
 *
 * Group I interest (30/360 except A-I-1, actual/360 over the 31 days from
 * 2002-11-25): A-I-1 100,000,000 x 1.52% x 31/360 = 130,888.89; A-I-2
 * 225,000.00; A-I-3 346,666.67; A-I-4 250,000.00; A-I-5 209,666.67; A-I-6
 * 43,750,000 x 6.20%/12 = 226,041.67; A-I-IO 45,000,000 x 6%/12 =
 * 225,000.00; M-I-1 78,750.00; M-I-2 56,250.00; M-I-3 43,593.75; in all
 * 1,791,857.65. The Group I fund, 6,000,000.00 + 2,400,000.00, less that
 * interest and the 6,000,000.00 of principal (v) leaves 608,142.35 at
 * (c)(vii): the Group I Excess Cash Flow, which covers that much of the
 * 900,000.00 loss, leaving 291,857.65 uncovered and nothing for (c)(xii).
 *
 * Group II interest (actual/360, 31 days): A-II 220,000,000 x 1.67% =
 * 316,372.22; M-II-1 15,000,000 x 2.05% = 26,479.17; M-II-2 10,500,000 x
 * 2.70% = 24,412.50; M-II-3 7,500,000 x 3.65% = 23,572.92; in all
 * 390,836.81. The Group II fund, 4,800,000.00, less that and 3,000,000.00
 * of principal leaves 1,409,163.19; (d)(xi) pays Group I's uncovered
 * 291,857.65, leaving 1,117,305.54. Group II's overcollateralization,
 * 254,500,000.00 - 250,000,000.00 = 4,500,000.00, is its target: (d)(xii)
 * pays nothing.
 *
 * Group I's overcollateralization after the losses are covered:
 * 398,100,000.00 - (400,000,000.00 - 6,000,000.00 - 900,000.00) =
 * 5,000,000.00, against 1.75% x 450,000,000.00 = 7,875,000.00 required: a
 * deficiency of 2,875,000.00. Before the amendment the Group I increase is
 * the lesser of the deficiency and Group I's own cash at (c)(xii), 0.00, so
 * (d)(xiii) covers nothing and the 1,117,305.54 goes to Class SB-II. After
 * it (distribution 11 is after 2002-05-24 and is the eleventh), the Group I
 * increase counts the Group II Excess Cash Flow left for (d)(xiii): the
 * 1,117,305.54 (d)(xi) leaves, less Group II's own increase at (d)(xii),
 * min(1,117,305.54 + Group I's 0.00 left after (c)(xii), Group II's
 * deficiency 4,500,000.00 - 4,500,000.00 = 0.00) = 0.00. So the increase is
 * the lesser of 0.00 + 1,117,305.54 and 2,875,000.00 = 1,117,305.54: (c)(xii)
 * pays none of it (Group I has nothing left) and (d)(xiii) all of it, the
 * 1,117,305.54 Group II has left, to A-I-1. The increase reported is the
 * increase paid, and no clause falls short. A-I-1's principal: 6,000,000.00
 * + 608,142.35 + 291,857.65 = 6,900,000.00 before; 8,017,305.54 after. */
static void ramp_2002_rs1_amendment_impact(void **state)
{
    (void)state;
    char src[600], am[600], st[600], rem[600], oldb[600], newb[600];
    snprintf(src, sizeof src, "%s/ramp-2002-rs1.deal", AGREEMENTS_DIR);
    snprintf(am, sizeof am, "%s/ramp-2002-rs1-amendment-1.amend", AGREEMENTS_DIR);
    snprintf(st, sizeof st, "%s/ramp-2002-rs1/opening-2002-11-25.json", AGREEMENTS_DIR);
    snprintf(rem, sizeof rem, "%s/ramp-2002-rs1/remittance-2002-12-26.csv", AGREEMENTS_DIR);
    snprintf(oldb, sizeof oldb, "%s/rs1-old", work);
    snprintf(newb, sizeof newb, "%s/rs1-new", work);
    char *b1[] = { DEALC_BIN, "build", src, "-o", oldb, NULL };
    char *b2[] = { DEALC_BIN, "build", src, am, "-o", newb, NULL };
    assert_int_equal(run(b1, wpath("rs1.out"), wpath("rs1.err")), 0);
    assert_int_equal(run(b2, wpath("rs1.out"), wpath("rs1.err")), 0);
    const char *prin[2] = { "6900000.00", "8017305.54" }, *sb2[2] = { "1117305.54", "0.00" },
               *inc[2] = { "0.00", "1117305.54" }, *cover[2] = { "0.00", "1117305.54" };
    for (int v = 0; v < 2; v++) {
        char *argv[] = { v ? newb : oldb, "replay", "--state", st, rem, "--format", "csv", NULL };
        assert_int_equal(run(argv, wpath("rs1.csv"), wpath("rs1.err")), 0);
        char *csv = slurp(wpath("rs1.csv"));
        expect(csv, "class", "A-I-1", "interest", "130888.89");
        expect(csv, "class", "A-II", "interest", "316372.22");
        expect(csv, "class", "M-I-3", "interest", "43593.75");
        expect(csv, "class", "M-II-3", "interest", "23572.92");
        expect(csv, "line", "Group I Excess Cash Flow", "value", "608142.35");
        expect(csv, "line", "Group II Excess Cash Flow", "value", "1409163.19");
        expect(csv, "class", "A-II", "principal", "3000000.00");
        expect(csv, "class", "A-I-1", "principal", prin[v]);
        expect(csv, "party", "Class SB-II", "paid", sb2[v]);
        expect(csv, "party", "Class SB-I", "paid", "0.00");
        expect(csv, "line", "Group I Overcollateralization Increase Amount", "value", inc[v]);
        expect(csv, "line", "Group I Increase Covered by Group II", "value", cover[v]);
        expect(csv, "line", "Group II Overcollateralization Increase Amount", "value", "0.00");
        expect(csv, "line", "Group I Overcollateralization", "value", v ? "6117305.54" : "5000000.00");
        expect(csv, "line", "Group II Overcollateralization", "value", "4500000.00");
        free(csv);
    }
    /* the shortfalls explain shows are real ones: neither increase clause
     * falls short, and the Group I Excess Cash Flow is one defined term */
    const char *clauses[] = { "4.02(c)(xii)", "4.02(d)(xii)", "4.02(c)(xiii)" };
    for (int i = 0; i < 3; i++) {
        char *ex[] = { newb, "explain", "--state", st, rem, "--period", "1", (char *)clauses[i], NULL };
        assert_int_equal(run(ex, wpath("rs1.ex"), wpath("rs1.err")), 0);
        char *out = slurp(wpath("rs1.ex"));
        assert_non_null(strstr(out, "not paid 0.00"));
        free(out);
    }
    char *ecf[] = { newb, "explain", "--state", st, rem, "--period", "1", "Group I Excess Cash Flow", NULL };
    assert_int_equal(run(ecf, wpath("rs1.ex"), wpath("rs1.err")), 0);
    char *eo = slurp(wpath("rs1.ex"));
    assert_non_null(strstr(eo, "\"Group I Excess Cash Flow\" = 608,142.35"));
    free(eo);

    /* the agreement consolidated as of that date pays the same, to the cent */
    char cons[600], consb[600];
    snprintf(cons, sizeof cons, "%s/rs1-consolidated.deal", work);
    snprintf(consb, sizeof consb, "%s/rs1-consolidated", work);
    char *c1[] = { DEALC_BIN, "consolidate", src, am, "--as-of", "2002-12-26", "-o", cons, NULL };
    char *c2[] = { DEALC_BIN, "build", cons, "-o", consb, NULL };
    assert_int_equal(run(c1, wpath("rs1.out"), wpath("rs1.err")), 0);
    assert_int_equal(run(c2, wpath("rs1.out"), wpath("rs1.err")), 0);
    char *r1[] = { newb, "replay", "--state", st, rem, "--format", "csv", NULL };
    char *r2[] = { consb, "replay", "--state", st, rem, "--format", "csv", NULL };
    assert_int_equal(run(r1, wpath("rs1-a.csv"), wpath("rs1.err")), 0);
    assert_int_equal(run(r2, wpath("rs1-b.csv"), wpath("rs1.err")), 0);
    char *ca = slurp(wpath("rs1-a.csv")), *cb = slurp(wpath("rs1-b.csv"));
    assert_string_equal(ca, cb);
    free(ca);
    free(cb);

    /* diff --impact on that replay: A-I-1 gains what Class SB-II loses */
    char *im[] = { DEALC_BIN, "diff", src, am, "--no-color", "--impact", "--", "replay", "--state", st, rem, NULL };
    assert_int_equal(run(im, wpath("rs1.impact"), wpath("rs1.err")), 0);
    char *imp = slurp(wpath("rs1.impact"));
    assert_non_null(strstr(imp, "  A-I-1 2002-12-26: principal 6,900,000.00 -> 8,017,305.54, interest 130,888.89 -> 130,888.89\n"));
    assert_non_null(strstr(imp, "  Class SB-II 2002-12-26: paid 1,117,305.54 -> 0.00\n"));
    assert_null(strstr(imp, "A-II "));
    free(imp);

    /* over a projection from the closing date, the amendment counts from
     * its effective date: distributions 1 to 3 (to 2002-04-25) pay alike */
    char *pj[] = { DEALC_BIN, "diff", src, am, "--no-color", "--impact", "--", "project", "--cpr", "20", "--cdr", "8",
                   "--severity", "45", "--recovery-lag", "6", "--index", "One-Month LIBOR=1.40", "--index",
                   "Six-Month LIBOR=1.45", "--input", "Group I Sixty-Plus Delinquency Percentage=3", "--input",
                   "Group II Sixty-Plus Delinquency Percentage=3", NULL };
    assert_int_equal(run(pj, wpath("rs1.impact"), wpath("rs1.err")), 0);
    imp = slurp(wpath("rs1.impact"));
    const char *p = strstr(imp, "impact on the scenario:\n");
    assert_non_null(p);
    int rows = 0;
    for (p = strchr(p, '\n') + 1; *p; p = strchr(p, '\n') + 1) {
        char cls[64];
        int period;
        if (sscanf(p, "  %63s %d: principal", cls, &period) == 2) {
            rows++;
            if (period < 4) fail_msg("%s differs in distribution %d, before the amendment took effect", cls, period);
        }
        if (!strchr(p, '\n')) break;
    }
    assert_true(rows > 0);
    free(imp);
}

/* explain: a figure of the statement taken apart down to the reported
 * inputs, with the statement's own numbers; and the amendment in force */
static void explain_a_figure(void **state)
{
    (void)state;
    char bin[600], st[600], remit[600];
    snprintf(bin, sizeof bin, "%s/gmacm-2003-he2", work);
    snprintf(st, sizeof st, "%s/gmacm-2003-he2/opening-2004-01-26.json", AGREEMENTS_DIR);
    snprintf(remit, sizeof remit, "%s/gmacm-2003-he2/remittance-2004-02-25.csv", AGREEMENTS_DIR);
    char *argv[] = { bin, "explain", "--state", st, remit, "--period", "1", "Principal Distribution Amount", NULL };
    assert_int_equal(run(argv, wpath("ex.out"), wpath("ex.err")), 0);
    char *out = slurp(wpath("ex.out"));
    assert_non_null(strstr(out, "\"Principal Distribution Amount\" = 17,111,694.71"));
    assert_non_null(strstr(out, "\"Excess Cash\" = 975,292.71"));
    assert_non_null(strstr(out, "\"Credit Enhancement Premium\" = 39,320.65"));
    assert_non_null(strstr(out, "interest collections = 2,526,009.70"));
    assert_non_null(strstr(out, "interest due on \"A-1\" = 133,373.59"));
    free(out);
    /* under the premium amendment, from its effective date */
    char src[600], am[600];
    snprintf(src, sizeof src, "%s/gmacm-2003-he2.deal", AGREEMENTS_DIR);
    snprintf(am, sizeof am, "%s/../tests/amendments/gmacm-premium.amend", AGREEMENTS_DIR);
    char *argv2[] = { DEALC_BIN, "run", src, am, "--", "explain", "--state", st, remit, "--period", "1",
                      "Credit Enhancement Premium", NULL };
    assert_int_equal(run(argv2, wpath("ex2.out"), wpath("ex2.err")), 0);
    out = slurp(wpath("ex2.out"));
    assert_non_null(strstr(out, "\"Credit Enhancement Premium\" = 66,928.77"));
    assert_non_null(strstr(out, "as amended by \"Test Amendment One\", effective 2004-02-01"));
    free(out);
    /* a name the deal does not have */
    char *argv3[] = { bin, "explain", "--state", st, remit, "--period", "1", "Nothing", NULL };
    assert_int_equal(run(argv3, wpath("ex3.out"), wpath("ex3.err")), 1);
}

/* The lawyer's tools on RAMP 2002-RS1's Amendment Number One. */
static char *run_slurp(char **argv, const char *name, int want)
{
    char out[600], err[620];
    snprintf(out, sizeof out, "%s", wpath(name));
    snprintf(err, sizeof err, "%.600s.err", out);
    int st = run(argv, out, err);
    if (st != want) {
        char *e = slurp(err);
        fprintf(stderr, "%s: status %d, stderr:\n%s\n", argv[1], st, e);
        free(e);
    }
    assert_int_equal(st, want);
    return slurp(out);
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

static void lawyers_redline_consolidation_explain(void **state)
{
    (void)state;
    char src[600], am[600], st[600], rem[600];
    snprintf(src, sizeof src, "%s/ramp-2002-rs1.deal", AGREEMENTS_DIR);
    snprintf(am, sizeof am, "%s/ramp-2002-rs1-amendment-1.amend", AGREEMENTS_DIR);
    snprintf(st, sizeof st, "%s/ramp-2002-rs1/opening-2002-11-25.json", AGREEMENTS_DIR);
    snprintf(rem, sizeof rem, "%s/ramp-2002-rs1/remittance-2002-12-26.csv", AGREEMENTS_DIR);

    /* the redline: the amendment's particulars; its four changes, Section 5
     * among them; the words it adds, and only those */
    char *d[] = { DEALC_BIN, "diff", src, am, "--no-color", "--width", "1000", NULL };
    char *t = run_slurp(d, "rs1.diff", 0);
    assert_non_null(strstr(t, "Amendment Number One to \"RAMP Series 2002-RS1 Trust\"\n"
                              "    dated 2002-05-24, effective 2002-05-24, made under Section 11.01(a)(ii)\n"));
    assert_non_null(strstr(t, "\n4 changes\n"));
    assert_non_null(strstr(t, "  Section 11.01(a)(vi) (changed)\n"));
    assert_non_null(strstr(t, "provided that such action shall not{+, as evidenced by an Opinion of Counsel,+} adversely"));
    assert_non_null(strstr(t, "With respect to {+(a) the first two Distribution Dates, $0, and (b)+} any Distribution Date "
                              "{+after the first two Distribution Dates+}, an amount"));
    assert_non_null(strstr(t, "{+on or after the eleventh Distribution Date,+} to the Class A-I"));
    assert_non_null(strstr(t, "The words before are reconstructed: as it stood before Amendment Number One"));
    /* a changed clause lists what reads it: the statement line and the
     * definition that read the cash it finds */
    assert_non_null(strstr(t, "Statement line \"Group I Increase Covered by Group II\""));
    assert_null(strstr(t, "(as reconstructed)"));
    free(t);
    /* wrapped at the width asked for */
    char *dw[] = { DEALC_BIN, "diff", src, am, "--no-color", "--width", "72", NULL };
    t = run_slurp(dw, "rs1-72.diff", 0);
    for (const char *p = t; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        /* a line may only pass the width when one word is longer */
        if (n > 72 && memchr(p, ' ', n) && strspn(p, " ") + 1 < n) {
            const char *sp = p + strspn(p, " ");
            if (memchr(sp, ' ', n - (size_t)(sp - p))) fail_msg("line over 72 columns: %.*s", (int)n, p);
        }
        p = e ? e + 1 : p + n;
    }
    free(t);
    /* JSON carries the amendment's particulars */
    char *dj[] = { DEALC_BIN, "diff", src, am, "--format", "json", NULL };
    t = run_slurp(dj, "rs1.json", 0);
    assert_non_null(strstr(t, "\"amendments\": [{\"title\": \"Amendment Number One\", \"agreement\": \"RAMP Series 2002-RS1 "
                              "Trust\", \"dated\": \"2002-05-24\", \"effective\": \"2002-05-24\", \"under\": \"11.01(a)(ii)\"}]"));
    assert_non_null(strstr(t, "\"kind\": \"section\", \"name\": \"11.01(a)(vi)\""));
    free(t);
    /* the HTML redline: prose first, formula beneath, the summary linked */
    char *dh[] = { DEALC_BIN, "diff", src, am, "--format", "html", NULL };
    t = run_slurp(dh, "rs1.html", 0);
    assert_non_null(strstr(t, "<h1>Amendment Number One</h1>"));
    assert_non_null(strstr(t, "Summary of changes"));
    assert_non_null(strstr(t, "<li><a href=\"#sec-11-01-a-vi\">Section 11.01(a)(vi)</a>"));
    assert_non_null(strstr(t, "shall not<ins>, as evidenced by an Opinion of Counsel,</ins> adversely"));
    assert_non_null(strstr(t, "<div class=\"formula\"><span class=\"k\">Formula</span><ins>if distribution number"));
    free(t);

    /* consolidated as of 2002-12-26: the header, each replaced provision
     * noted, no comment left from the words it replaced, and against the
     * agreement exactly the amendment's four changes (collateral as written) */
    char cons[600];
    snprintf(cons, sizeof cons, "%s", wpath("rs1-as-of.deal"));
    char *c1[] = { DEALC_BIN, "consolidate", src, am, "--as-of", "2002-12-26", "-o", cons, NULL };
    free(run_slurp(c1, "rs1-cons.out", 0));
    t = slurp(cons);
    assert_non_null(strstr(t, "// RAMP Series 2002-RS1 Trust, as it stood on 2002-12-26 (dealc consolidate).\n"));
    assert_non_null(strstr(t, "// Amended by \"Amendment Number One\", dated 2002-05-24, effective 2002-05-24, made under "
                              "Section 11.01(a)(ii);\n"));
    assert_int_equal(count(t, "// as amended by \"Amendment Number One\", effective 2002-05-24\n"), 4);
    assert_null(strstr(t, "before Amendment Number One (reconstructed"));
    free(t);
    char *c2[] = { DEALC_BIN, "diff", src, cons, "--no-color", NULL };
    t = run_slurp(c2, "rs1-cons.diff", 0);
    assert_non_null(strstr(t, "\n4 changes\n"));
    assert_null(strstr(t, "Collateral line"));
    free(t);
    /* a date before the agreement: shown as made, with a warning that says so */
    char *c3[] = { DEALC_BIN, "consolidate", src, am, "--as-of", "1990-01-01", NULL };
    t = run_slurp(c3, "rs1-1990.out", 0);
    assert_non_null(strstr(t, "as it was made: 1990-01-01 is before its closing date"));
    free(t);
    t = slurp(wpath("rs1-1990.out.err"));
    assert_non_null(strstr(t, "warning: 1990-01-01 is before the agreement's closing date (2002-01-30)"));
    free(t);

    /* doc as it stood before the amendment took effect: said, and nothing
     * marked amended; after it, the four provisions marked */
    char page[600];
    snprintf(page, sizeof page, "%s", wpath("rs1-doc.html"));
    char *g1[] = { DEALC_BIN, "doc", src, am, "--as-of", "2002-03-01", "-o", page, NULL };
    free(run_slurp(g1, "rs1-doc.out", 0));
    t = slurp(page);
    assert_non_null(strstr(t, "As it stood on 1 March 2002."));
    assert_non_null(strstr(t, "effective 24 May 2002, made under Section 11.01(a)(ii)): not yet in effect"));
    assert_null(strstr(t, "badge amended"));
    free(t);
    char *g2[] = { DEALC_BIN, "doc", src, am, "-o", page, NULL };
    free(run_slurp(g2, "rs1-doc.out", 0));
    t = slurp(page);
    assert_int_equal(count(t, "<span class=\"badge amended\">amended</span>"), 4);
    assert_non_null(strstr(t, "<section id=\"def-group-i-excess-cash-flow\">"));
    assert_non_null(strstr(t, "<tr id=\"sec-4-02-d-xiii\">"));
    free(t);

    /* explain takes the clause's label as printed, shows the formula in
     * force as written (no switch on the payment date) */
    char bin[600];
    snprintf(bin, sizeof bin, "%s", wpath("rs1-explain"));
    char *b[] = { DEALC_BIN, "build", src, am, "-o", bin, NULL };
    free(run_slurp(b, "rs1-explain.out", 0));
    char *e1[] = { bin, "explain", "--state", st, rem, "--period", "1", "4.02(d)(xiii)", NULL };
    t = run_slurp(e1, "rs1-ex1.out", 0);
    assert_non_null(strstr(t, "clause 4.02(d)(xiii) pays"));
    assert_non_null(strstr(t, "    formula: pay if distribution number >= 11 then"));
    assert_non_null(strstr(t, "    as amended by \"Amendment Number One\", effective 2002-05-24\n"));
    assert_non_null(strstr(t, "available 1,117,305.54, paid 1,117,305.54, not paid 0.00"));
    free(t);
    char *e2[] = { bin, "explain", "--state", st, rem, "--period", "1", "Group I Overcollateralization Increase Amount", NULL };
    t = run_slurp(e2, "rs1-ex2.out", 0);
    assert_non_null(strstr(t, "\"Group I Overcollateralization Increase Amount\" = 1,117,305.54\n"));
    /* no switch on the amendment's effective date (the Stepdown Date's own
     * "payment date >=" is the agreement's words) */
    assert_null(strstr(t, "payment date >= 2002-05-24"));
    assert_non_null(strstr(t, "    formula: if distribution number <= 2 then $0.00 else min(available at \"4.02(c)(xii)\" + "
                              "available at \"4.02(d)(xiii)\""));
    /* a ratio as a percentage; a reconstructed provision says so */
    assert_non_null(strstr(t, "\"Group I Senior Enhancement Percentage\" = 0.084567901235 (8.4568%)"));
    assert_non_null(strstr(t, "        reconstructed\n"));
    free(t);
    char *e3[] = { bin, "explain", "--state", st, rem, "--period", "1", "Section 11.01(a)(vi)", NULL };
    free(run_slurp(e3, "rs1-ex3.out", 1));

    /* --impact in JSON: the parties, every period; in HTML, tables */
    char *i1[] = { DEALC_BIN, "diff", src, am, "--format", "json", "--impact", "--", "replay", "--state", st, rem, NULL };
    t = run_slurp(i1, "rs1-impact.json", 0);
    assert_non_null(strstr(t, "\"impact\": {\"scenario\": {\"command\": \"replay\""));
    assert_non_null(strstr(t, "{\"name\": \"Class SB-II\", \"kind\": \"party\", \"total\": {\"old\": \"1117305.54\", "
                              "\"new\": \"0.00\", \"change\": \"-1117305.54\"}"));
    assert_non_null(strstr(t, "{\"period\": \"2002-12-26\", \"date\": \"2002-12-26\", \"principal\": {\"old\": "
                              "\"6900000.00\", \"new\": \"8017305.54\"}"));
    free(t);
}

int main(void)
{
    snprintf(work, sizeof work, "%s", WORK_DIR);
    mkdir(work, 0755);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gmacm_2003_he2_statement),
        cmocka_unit_test(gmacm_2002_he2_statement),
        cmocka_unit_test(table_format),
        cmocka_unit_test(json_format),
        cmocka_unit_test(jit_matches_binary),
        cmocka_unit_test(saved_state_rolls_forward),
        cmocka_unit_test(gmacm_insurer_draw_and_reimbursement),
        cmocka_unit_test(bad_remittance_is_located),
        cmocka_unit_test(amendment_switches_on_its_effective_date),
        cmocka_unit_test(amendment_clauses_and_consolidate),
        cmocka_unit_test(amendment_inserts_a_definition),
        cmocka_unit_test(ramp_2003_rs2_a_i_3_matches_the_materials),
        cmocka_unit_test(ramp_2002_rs1_breakeven_holds),
        cmocka_unit_test(ramp_2003_rs2_a_i_3_yield_at_par_with_delay),
        cmocka_unit_test(ramp_2003_rs2_stepdown_and_trigger),
        cmocka_unit_test(ramp_2003_rs2_stepdown_waits_for_the_31st),
        cmocka_unit_test(gmacm_projects_from_its_latest_statement),
        cmocka_unit_test(submit_writes_jobs_that_merge_to_the_grid),
        cmocka_unit_test(ramp_2003_rs8_amendment_impact),
        cmocka_unit_test(ramp_2002_rs1_amendment_impact),
        cmocka_unit_test(explain_a_figure),
        cmocka_unit_test(lawyers_redline_consolidation_explain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
