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
    expect(csv, "line", "Ending Pool Balance", "value", "390719522.22");
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
    expect(csv, "line", "Ending Pool Balance", "value", "157206533.16");
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
    free(j);
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

/* ---- projection: RAMP 2003-RS2 class A-I-3 against the computational
 * materials (agreements/ramp-2003-rs2/computational-materials.txt). Typed
 * from them: 340,964.00 of interest a month while the balance is whole;
 * principal from period 26 to period 48; total interest 12,309,535.18 and
 * total cash 138,709,535.18. The deal is reconstructed (see its header),
 * so the window is allowed two periods either way and the totals 2%. */
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
    int first = 0, last = 0;
    for (int k = 1; k <= last_period; k++)
        if (principal[k] > 0) { if (!first) first = k; last = k; }
    fprintf(stderr, "A-I-3: principal from period %d to %d; interest %.2f, cash %.2f\n", first, last,
            (double)total_i / 1e7, (double)(total_i + total_p) / 1e7);
    for (int k = 1; k < first; k++) assert_true(interest[k] == dec7("340964.00"));
    assert_in_range(first, 24, 28);
    assert_in_range(last, 46, 50);
    assert_true(total_p == dec7("126400000.00"));
    __int128 want_i = dec7("12309535.18"), want_c = dec7("138709535.18");
    __int128 di = total_i > want_i ? total_i - want_i : want_i - total_i;
    __int128 dc = total_i + total_p > want_c ? total_i + total_p - want_c : want_c - total_i - total_p;
    assert_true(di * 50 <= want_i);   /* within 2% */
    assert_true(dc * 50 <= want_c);
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
 * The binary prices its own projection (the deal is reconstructed; its
 * principal window is a period shorter than the materials', which moves
 * the duration about 1% and the yield about 0.1 bp), so it must come
 * within 1 bp of 3.1823%. Without the delay and with rolled dates (the
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
    char *d[] = { DEALC_BIN, "diff", src, am, "--no-color", NULL };
    assert_int_equal(run(d, wpath("rs8.diff"), wpath("rs8.err")), 0);
    char *diff = slurp(wpath("rs8.diff"));
    assert_non_null(strstr(diff, "changed definition \"Class A-I-7 Pro Rata Distribution Amount\""));
    assert_non_null(strstr(diff, "clause \"4.02(c)(iii)\""));
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
 * it (distribution 11 is after 2002-05-24 and is the eleventh), the increase
 * is the lesser of 0.00 + 1,409,163.19 and 2,875,000.00 = 1,409,163.19, and
 * (d)(xiii) pays all the 1,117,305.54 Group II has left to A-I-1. A-I-1's
 * principal: 6,000,000.00 + 608,142.35 + 291,857.65 = 6,900,000.00 before;
 * 8,017,305.54 after. */
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
               *inc[2] = { "0.00", "1409163.19" }, *cover[2] = { "0.00", "1117305.54" };
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
        expect(csv, "line", "Group II Overcollateralization", "value", "4500000.00");
        free(csv);
    }
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
        cmocka_unit_test(bad_remittance_is_located),
        cmocka_unit_test(amendment_switches_on_its_effective_date),
        cmocka_unit_test(amendment_clauses_and_consolidate),
        cmocka_unit_test(ramp_2003_rs2_a_i_3_matches_the_materials),
        cmocka_unit_test(ramp_2003_rs2_a_i_3_yield_at_par_with_delay),
        cmocka_unit_test(gmacm_projects_from_its_latest_statement),
        cmocka_unit_test(submit_writes_jobs_that_merge_to_the_grid),
        cmocka_unit_test(ramp_2003_rs8_amendment_impact),
        cmocka_unit_test(ramp_2002_rs1_amendment_impact),
        cmocka_unit_test(explain_a_figure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
