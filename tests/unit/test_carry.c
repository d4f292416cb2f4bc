/*
 * What a deal carries between payment dates, compiled and run through the
 * JIT: accounts (deposits up to a target, draws, a waterfall paying out of
 * one), pool purchases, a variable pay note refinancing a class, an
 * insurer's draws and reimbursement, triggers that remember, dates that
 * occur, loss write-downs and their reimbursement, capped coupons and the
 * basis risk carried forward, and the errors a waterfall that cannot run
 * must give. Every expected figure is worked out by hand beside it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "jit_util.h"

#define HEAD                                                               \
    "deal \"T\" {\n"                                                       \
    "  closing date 2004-01-25;\n"                                         \
    "  first payment date 2004-02-25;\n"                                   \
    "  payment day 25, following business day;\n"                          \
    "  group \"G\";\n"                                                     \
    "  residual \"R\";\n"

#define REMIT "payment_date,group,principal_collections,interest_collections,principal_draws," \
              "liquidation_loss,recoveries,substitution_adjustment,active_loan_count"

#define STATE_HEAD "{ \"deal\": \"T\", \"payment_date\": \"2004-01-25\", \"distribution_number\": 0,\n"

/* the row of a later payment date: the csv from that date's first row on */
static const char *from_date(const char *csv, const char *date)
{
    char key[32];
    snprintf(key, sizeof key, "\n%s,", date);
    const char *p = strstr(csv, key);
    if (!p) fail_msg("no rows for %s", date);
    return p;
}

static void run_ok(const char *deal, const char *state, const char *remit, int save, char **out)
{
    char *err;
    int st = jit_replay_save(deal, state, remit, save, out, &err);
    if (st != 0) fail_msg("replay failed (%d): %s", st, err);
    free(err);
}

/* the run must stop with status 1, this message, and no statement */
static void run_fails(const char *deal, const char *state, const char *remit, const char *msg)
{
    char *out, *err;
    int st = jit_replay(deal, state, remit, &out, &err);
    if (st != 1 || !strstr(err, msg)) fail_msg("status %d, stderr:\n%s\nexpected:\n%s", st, err, msg);
    assert_string_equal(out, "");
    free(out);
    free(err);
}

/* ---- pre-funding: an account that buys additional balances ---------------- */

static const char pfa_deal[] = HEAD
    "  notes { class \"A\" original $1,000.00 coupon 12% accrual 30/360; }\n"
    "  account \"PFA\" initial $500.00;\n"
    "  fund \"Available\" = principal collections + interest collections;\n"
    "  priority of payments \"3.05(c)\" from \"PFA\" { (i) purchase additional balances for \"G\"; }\n"
    "  priority of payments \"3.05(a)\" from \"Available\" { (i) pay interest to \"A\"; (ii) pay remainder to \"R\"; }\n"
    "  statement { \"Beginning PFA\" = balance of \"PFA\"; \"Ending PFA\" = ending balance of \"PFA\";\n"
    "              \"Additions\" = additional balances; \"Ending Pool\" = ending pool balance; classes; }\n"
    "}\n";

static const char pfa_state[] = STATE_HEAD
    "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000.00, \"cumulative_loss\": 0 } ],\n"
    "  \"classes\": [ { \"class\": \"A\", \"balance\": 1000.00 } ],\n"
    "  \"accounts\": [ { \"account\": \"PFA\", \"balance\": 500.00 } ] }\n";

/* 300.00 of loans conveyed, paid from the PFA's 500.00, which ends at
 * 200.00; the pool ends at 1,000.00 + 300.00 = 1,300.00. Interest on A is
 * 1,000.00 x 12% x 30/360 = 10.00 of the 15.00 collected; R takes 5.00. */
static void prefunding_buys_additions(void **state)
{
    (void)state;
    char *out;
    run_ok(pfa_deal, pfa_state, REMIT ",additional_balances\n2004-02-25,G,0,15.00,0,0,0,0,10,300.00\n", 1, &out);
    expect(out, "line", "Beginning PFA", "value", "500.00");
    expect(out, "line", "Ending PFA", "value", "200.00");
    expect(out, "line", "Additions", "value", "300.00");
    expect(out, "line", "Ending Pool", "value", "1300.00");
    expect(out, "account", "PFA", "ending_balance", "200.00");
    expect(out, "class", "A", "interest", "10.00");
    expect(out, "party", "R", "paid", "5.00");
    free(out);
    /* the closing state carries the account's balance to the next date */
    char p[600];
    snprintf(p, sizeof p, "%s/closing.json", dir);
    char *closing = slurp(p);
    assert_non_null(strstr(closing, "\"accounts\": [\n    { \"account\": \"PFA\", \"balance\": 200.00 }"));
    assert_non_null(strstr(closing, "\"pool_balance\": 1300.00"));
    free(closing);
}

/* 700.00 conveyed, but the PFA holds 500.00: the purchase cannot be paid
 * for, and the run says where and by how much */
static void purchase_without_cash_stops(void **state)
{
    (void)state;
    run_fails(pfa_deal, pfa_state, REMIT ",additional_balances\n2004-02-25,G,0,15.00,0,0,0,0,10,700.00\n",
              "payment date 2004-02-25: group \"G\": additional balances of 700.00 were conveyed to the pool, but "
              "the priority of payments paid 500.00 for them (clause 3.05(c)(i), the last that buys them, found "
              "500.00)");
}

/* ---- a reserve account: deposits up to a target, draws to the extent held -- */

/* Reserve holds 30.00; interest collections 40.00 pay A's 10.00 interest,
 * then top the reserve up to its 50.00 target (20.00), and R the last
 * 10.00. A second waterfall, from principal collections of 2.00, draws
 * 60.00 from the reserve "to the extent of funds on deposit": all 50.00,
 * so 52.00 goes to R there; the draw's shortfall is 10.00. */
static void reserve_account_target_and_draw(void **state)
{
    (void)state;
    const char *deal = HEAD
        "  notes { class \"A\" original $1,000.00 coupon 12% accrual 30/360; }\n"
        "  account \"Reserve\";\n"
        "  fund \"I\" = interest collections;\n"
        "  fund \"P\" = principal collections;\n"
        "  priority of payments \"1\" from \"I\" { (a) pay interest to \"A\"; (b) pay remainder to \"Reserve\" up to $50.00;\n"
        "                                        (c) pay remainder to \"R\"; }\n"
        "  priority of payments \"2\" from \"P\" { (a) draw $60.00 from \"Reserve\"; (b) pay remainder to \"R\"; }\n"
        "  statement { \"After Deposit\" = available at \"2(a)\"; \"Reserve\" = ending balance of \"Reserve\"; classes; }\n"
        "}\n";
    const char *st = STATE_HEAD
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000.00, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A\", \"balance\": 1000.00 } ],\n"
        "  \"accounts\": [ { \"account\": \"Reserve\", \"balance\": 30.00 } ] }\n";
    char *out;
    run_ok(deal, st, REMIT "\n2004-02-25,G,2.00,40.00,0,0,0,0,10\n", 0, &out);
    expect(out, "class", "A", "interest", "10.00");
    expect(out, "account", "Reserve", "beginning_balance", "30.00");
    expect(out, "line", "Reserve", "value", "0.00");
    expect(out, "party", "R", "paid", "62.00"); /* 10.00 + 52.00 */
    free(out);
}

/* ---- a variable pay note refinancing a class ------------------------------ */

static const char vprn_deal[] = HEAD
    "  input \"Refinancing\" money;\n"
    "  notes { class \"A-1\" original $1,000.00 coupon 12% accrual 30/360;\n"
    "          class \"V\" original $0.00 maximum $5,000.00 coupon 6% accrual 30/360; }\n"
    "  fund \"F\" = principal collections + interest collections;\n"
    "  priority of payments \"1\" from \"F\" {\n"
    "    (a) pay interest to \"A-1\", \"V\" pro rata;\n"
    "    (b) draw \"Refinancing\" from \"V\";\n"
    "    (c) pay \"Refinancing\" as principal to \"A-1\";\n"
    "    (d) pay remainder to \"R\"; }\n"
    "  statement { \"Drawn\" = drawn on \"V\"; classes; }\n"
    "}\n";

static const char vprn_state[] = STATE_HEAD
    "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000.00, \"cumulative_loss\": 0 } ],\n"
    "  \"classes\": [ { \"class\": \"A-1\", \"balance\": 1000.00 }, { \"class\": \"V\", \"balance\": 0 } ] }\n";

/* A-1's 10.00 of interest (1,000.00 x 12% x 30/360) from the 20.00
 * collected; V owes none on a zero balance. V is drawn 1,000.00 and that
 * cash retires A-1 the same date: A-1 ends at 0.00, V at 1,000.00 (its
 * factor "-": issued with no balance); R takes the other 10.00. */
static void variable_pay_note_refinances(void **state)
{
    (void)state;
    char *out;
    run_ok(vprn_deal, vprn_state, REMIT ",Refinancing\n2004-02-25,G,0,20.00,0,0,0,0,10,1000.00\n", 0, &out);
    expect(out, "class", "A-1", "interest", "10.00");
    expect(out, "class", "A-1", "principal", "1000.00");
    expect(out, "class", "A-1", "ending_balance", "0.00");
    expect(out, "class", "V", "drawn", "1000.00");
    expect(out, "class", "V", "ending_balance", "1000.00");
    expect(out, "line", "Drawn", "value", "1000.00");
    expect(out, "party", "R", "paid", "10.00");
    assert_non_null(strstr(out, ",class,V,factor,\n"));
    free(out);
}

/* Drawn and repaid on one date (GMACM 2002-HE3's 3.05(b)(iii) draws for
 * the Seller's draws, then 3.05(c)(i) repays the notes from the
 * overcollateralization increase; fuzz_waterfall found the checks refusing
 * it): V starts at 5.00, is drawn 100.00 and repaid 60.00 the same date.
 * Interest: A-1 10.00, V 5.00 x 6% x 30/360 = 0.025, 0.03 half-up. The fund
 * held 200.00 + 100.00 drawn; after 10.03 of interest and 60.00 of
 * principal R takes 229.97. V ends at 5.00 + 100.00 - 60.00 = 45.00. */
static const char vprn_repay_deal[] = HEAD
    "  input \"Draw\" money;\n"
    "  notes { class \"A-1\" original $1,000.00 coupon 12% accrual 30/360;\n"
    "          class \"V\" original $0.00 maximum $5,000.00 coupon 6% accrual 30/360; }\n"
    "  fund \"F\" = principal collections + interest collections;\n"
    "  priority of payments \"1\" from \"F\" {\n"
    "    (a) pay interest to \"A-1\", \"V\" pro rata;\n"
    "    (b) draw \"Draw\" from \"V\";\n"
    "    (c) pay $60.00 as principal to \"V\";\n"
    "    (d) pay remainder to \"R\"; }\n"
    "  statement { classes; }\n"
    "}\n";

static void variable_pay_note_drawn_and_repaid(void **state)
{
    (void)state;
    static const char st[] = STATE_HEAD
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000.00, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A-1\", \"balance\": 1000.00 }, { \"class\": \"V\", \"balance\": 5.00 } ] }\n";
    char *out;
    run_ok(vprn_repay_deal, st, REMIT ",Draw\n2004-02-25,G,0,200.00,0,0,0,0,10,100.00\n", 0, &out);
    expect(out, "class", "V", "interest", "0.03");
    expect(out, "class", "V", "drawn", "100.00");
    expect(out, "class", "V", "principal", "60.00");
    expect(out, "class", "V", "ending_balance", "45.00");
    expect(out, "party", "R", "paid", "229.97");
    free(out);
}

/* a draw of 6,000.00 on a note whose maximum is 5,000.00 stops the run */
static void draw_above_maximum_stops(void **state)
{
    (void)state;
    run_fails(vprn_deal, vprn_state, REMIT ",Refinancing\n2004-02-25,G,0,20.00,0,0,0,0,10,6000.00\n",
              "payment date 2004-02-25: clause 1(b) draws 6,000.00 from \"V\", but only 5,000.00 is left under its "
              "maximum");
}

/* ---- the insurer: draws that cover a shortfall, reimbursed later ----------- */

static const char insurer_deal[] = HEAD
    "  notes { class \"A\" original $1,000.00 coupon 12% accrual 30/360; }\n"
    "  insurer \"Insurer\";\n"
    "  fund \"F\" = interest collections;\n"
    "  priority of payments \"1\" from \"F\" {\n"
    "    (a) draw max(interest due on \"A\" - available at \"1(a)\", $0.00) from \"Insurer\";\n"
    "    (b) pay interest to \"A\";\n"
    "    (c) pay reimbursement to \"Insurer\";\n"
    "    (d) pay remainder to \"R\"; }\n"
    "  statement { \"Credit Enhancement Draw Amount\" = drawn from \"Insurer\";\n"
    "              \"Unreimbursed Prior Draws\" = ending unreimbursed draws of \"Insurer\"; classes; }\n"
    "}\n";

static const char insurer_state[] = STATE_HEAD
    "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000.00, \"cumulative_loss\": 0 } ],\n"
    "  \"classes\": [ { \"class\": \"A\", \"balance\": 1000.00 } ],\n"
    "  \"insurers\": [ { \"insurer\": \"Insurer\", \"unreimbursed_draws\": 5.00 } ] }\n";

/* Date 1: 4.00 collected against 10.00 due: the insurer is drawn 6.00 and
 * A is paid in full; nothing is left to reimburse, so 5.00 + 6.00 = 11.00
 * is owed to the insurer. Date 2 (29 days, 30/360 still 30): 25.00
 * collected, no draw, A's 10.00, the insurer reimbursed its 11.00, R 4.00. */
static void insurer_draws_and_reimbursement(void **state)
{
    (void)state;
    char *out;
    run_ok(insurer_deal, insurer_state, REMIT "\n2004-02-25,G,0,4.00,0,0,0,0,10\n2004-03-25,G,0,25.00,0,0,0,0,10\n", 1,
           &out);
    expect(out, "line", "Credit Enhancement Draw Amount", "value", "6.00");
    expect(out, "class", "A", "interest", "10.00");
    expect(out, "class", "A", "interest_shortfall", "0.00");
    expect(out, "line", "Unreimbursed Prior Draws", "value", "11.00");
    const char *d2 = from_date(out, "2004-03-25");
    expect(d2, "line", "Credit Enhancement Draw Amount", "value", "0.00");
    expect(d2, "insurer", "Insurer", "reimbursed", "11.00");
    expect(d2, "line", "Unreimbursed Prior Draws", "value", "0.00");
    expect(d2, "party", "R", "paid", "4.00");
    free(out);
}

/* ---- what stops a waterfall ------------------------------------------------ */

/* draws above collections: the fund would start below zero; the run names
 * the fund and stops before any payee is blamed */
static void negative_fund_names_the_fund(void **state)
{
    (void)state;
    const char *deal = HEAD
        "  notes { class \"A\" original $1,000.00 coupon 0% accrual 30/360; }\n"
        "  party \"Insurer\";\n"
        "  fund \"Available Funds\" = principal collections - principal draws;\n"
        "  priority of payments \"1\" from \"Available Funds\" { (a) pay remainder to \"Insurer\"; }\n"
        "}\n";
    const char *st = STATE_HEAD
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000.00, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A\", \"balance\": 1000.00 } ] }\n";
    run_fails(deal, st, REMIT "\n2004-02-25,G,1.00,0,10.00,0,0,0,10\n",
              "payment date 2004-02-25: fund \"Available Funds\" would receive (9.00), below zero");
}

/* a clause amount that works out below zero is not clamped: it stops */
static void negative_amount_stops(void **state)
{
    (void)state;
    const char *deal = HEAD
        "  notes { class \"A\" original $1,000.00 coupon 0% accrual 30/360; }\n"
        "  fund \"F\" = interest collections;\n"
        "  define \"Excess\" = interest collections - $5.00;\n"
        "  priority of payments \"1\" from \"F\" { (a) pay \"Excess\" as principal to \"A\"; (b) pay remainder to \"R\"; }\n"
        "}\n";
    const char *st = STATE_HEAD
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000.00, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A\", \"balance\": 1000.00 } ] }\n";
    run_fails(deal, st, REMIT "\n2004-02-25,G,0,4.00,0,0,0,0,10\n",
              "payment date 2004-02-25: clause 1(a) (A): the amount to pay is (1.00), below zero");
}

/* ---- triggers and dates that remember -------------------------------------- */

static const char memory_deal[] = HEAD
    "  input \"Delinquency\" rate;\n"
    "  notes { class \"A\" original $1,000.00 coupon 0% accrual 30/360; }\n"
    "  trigger \"Fresh\" = \"Delinquency\" > 5%;\n"
    "  trigger \"Sticky\" = \"Delinquency\" > 5%, once in effect remains in effect;\n"
    "  date \"Stepdown Date\" = later of (distribution 2, first distribution on which \"Delinquency\" < 2%);\n"
    "  fund \"P\" = principal collections;\n"
    "  priority of payments \"1\" from \"P\" when not \"Sticky\" { (a) pay remainder as principal to \"A\"; }\n"
    "  priority of payments \"2\" from \"P\" { (a) pay remainder to \"R\"; }\n"
    "  statement { \"Stepdown\" = \"Stepdown Date\"; \"After Stepdown\" = payment date >= \"Stepdown Date\"; classes; }\n"
    "}\n";

static const char memory_state[] = STATE_HEAD
    "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000.00, \"cumulative_loss\": 0 } ],\n"
    "  \"classes\": [ { \"class\": \"A\", \"balance\": 1000.00 } ],\n"
    "  \"triggers\": [ { \"trigger\": \"Fresh\", \"in_effect\": false }, { \"trigger\": \"Sticky\", \"in_effect\": false } ],\n"
    "  \"dates\": [ { \"date\": \"Stepdown Date\", \"occurred\": null } ] }\n";

/* Date 1 (2004-02-25), delinquency 6%: both triggers in effect; the
 * waterfall guarded by "not Sticky" does not run, so the 100.00 of principal
 * goes to R; the stepdown condition (< 2%) has not held: "Not yet".
 * Date 2 (2004-03-25), 1%: "Fresh" is not in effect, "Sticky" remains;
 * principal again to R. The condition first holds on 2004-03-25, and
 * distribution 2 is 2004-03-25: the later of the two is 2004-03-25.
 * Date 3 (2004-04-26, the 25th a Sunday), 7%: the stepdown date stays
 * 2004-03-25, it occurred; principal to R. */
static void triggers_and_dates_remember(void **state)
{
    (void)state;
    char *out;
    run_ok(memory_deal, memory_state,
           REMIT ",Delinquency\n2004-02-25,G,100.00,0,0,0,0,0,10,6%\n2004-03-25,G,100.00,0,0,0,0,0,10,1%\n"
                 "2004-04-26,G,100.00,0,0,0,0,0,10,7%\n",
           1, &out);
    expect(out, "trigger", "Fresh", "in_effect", "true");
    expect(out, "trigger", "Sticky", "in_effect", "true");
    assert_non_null(strstr(out, "2004-02-25,date,Stepdown Date,date,\n"));
    expect(out, "class", "A", "principal", "0.00");
    expect(out, "party", "R", "paid", "100.00");
    const char *d2 = from_date(out, "2004-03-25");
    expect(d2, "trigger", "Fresh", "in_effect", "false");
    expect(d2, "trigger", "Sticky", "in_effect", "true");
    assert_non_null(strstr(d2, "2004-03-25,date,Stepdown Date,date,2004-03-25\n"));
    assert_non_null(strstr(d2, "2004-03-25,line,Stepdown,value,2004-03-25\n"));
    assert_non_null(strstr(d2, "2004-03-25,line,After Stepdown,value,true\n"));
    const char *d3 = from_date(out, "2004-04-26");
    assert_non_null(strstr(d3, "2004-04-26,date,Stepdown Date,date,2004-03-25\n"));
    free(out);
    char p[600];
    snprintf(p, sizeof p, "%s/closing.json", dir);
    char *closing = slurp(p);
    assert_non_null(strstr(closing, "{ \"trigger\": \"Sticky\", \"in_effect\": true }"));
    assert_non_null(strstr(closing, "{ \"date\": \"Stepdown Date\", \"occurred\": \"2004-03-25\" }"));
    free(closing);
}

/* ---- realized losses: written down, then paid back ---------------------------- */

/* Classes A 800.00, M-1 150.00, M-2 50.00 against a pool of 1,000.00 that
 * loses 120.00 (ending 880.00) with no cash: the classes' 1,000.00 exceeds
 * the pool by 120.00, written down M-2 first (all its 50.00), then M-1
 * (70.00): A 800.00, M-1 80.00, M-2 0.00. Date 2: 100.00 of interest
 * collections pay back the losses owed, M-1's 70.00 first, then 30.00 of
 * M-2's 50.00; 20.00 stays owed to M-2. */
static void losses_written_down_and_paid_back(void **state)
{
    (void)state;
    const char *deal = HEAD
        "  notes { class \"A\" original $800.00 coupon 0% accrual 30/360;\n"
        "          class \"M-1\" original $150.00 coupon 0% accrual 30/360;\n"
        "          class \"M-2\" original $50.00 coupon 0% accrual 30/360; }\n"
        "  fund \"F\" = interest collections;\n"
        "  priority of payments \"1\" from \"F\" { (a) pay unpaid losses to \"M-1\", \"M-2\" sequentially;\n"
        "                                        (b) pay remainder to \"R\"; }\n"
        "  allocation of losses \"4.05\" against ending pool balance {\n"
        "    (i)   write down \"M-2\";\n"
        "    (ii)  write down \"M-1\";\n"
        "    (iii) write down \"A\";\n"
        "  }\n"
        "  statement { \"Written Down\" = realized losses on \"A\" .. \"M-2\"; classes; }\n"
        "}\n";
    const char *st = STATE_HEAD
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000.00, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A\", \"balance\": 800.00 }, { \"class\": \"M-1\", \"balance\": 150.00 },\n"
        "                 { \"class\": \"M-2\", \"balance\": 50.00 } ] }\n";
    char *out;
    run_ok(deal, st, REMIT "\n2004-02-25,G,0,0,0,120.00,0,0,10\n2004-03-25,G,0,100.00,0,0,0,0,10\n", 0, &out);
    expect(out, "class", "M-2", "realized_loss", "50.00");
    expect(out, "class", "M-1", "realized_loss", "70.00");
    expect(out, "class", "A", "realized_loss", "0.00");
    expect(out, "class", "M-2", "ending_balance", "0.00");
    expect(out, "class", "M-1", "ending_balance", "80.00");
    expect(out, "class", "A", "ending_balance", "800.00");
    expect(out, "line", "Written Down", "value", "120.00");
    expect(out, "class", "M-2", "unpaid_realized_loss", "50.00");
    const char *d2 = from_date(out, "2004-03-25");
    expect(d2, "class", "M-1", "realized_loss_paid", "70.00");
    expect(d2, "class", "M-2", "realized_loss_paid", "30.00");
    expect(d2, "class", "M-2", "unpaid_realized_loss", "20.00");
    expect(d2, "class", "M-1", "unpaid_realized_loss", "0.00");
    expect(d2, "party", "R", "paid", "0.00");
    free(out);
}

/* ---- a capped coupon: the basis risk shortfall carried with interest --------- */

/* A: 1,000.00 at 12% capped at 6%, 30/360. Date 1: due at the cap 5.00;
 * at 12%, 10.00: a shortfall of 5.00. 7.00 collected: interest 5.00, 2.00
 * of basis risk paid, 3.00 carried. Date 2: again 5.00 withheld, plus
 * interest on the 3.00 carried at the stated 12% for 30 days, 0.03: owed
 * 3.00 + 5.03 = 8.03; 7.00 collected pays 5.00 + 2.00; 6.03 carried. The
 * coupon shown is the capped 6%. */
static void capped_coupon_carries_basis_risk(void **state)
{
    (void)state;
    const char *deal = HEAD
        "  notes { class \"A\" original $1,000.00 coupon 12% cap 6% accrual 30/360; }\n"
        "  fund \"F\" = interest collections;\n"
        "  priority of payments \"1\" from \"F\" { (a) pay interest to \"A\"; (b) pay basis risk shortfall to \"A\";\n"
        "                                        (c) pay remainder to \"R\"; }\n"
        "}\n";
    const char *st = STATE_HEAD
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000.00, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A\", \"balance\": 1000.00 } ] }\n";
    char *out;
    run_ok(deal, st, REMIT "\n2004-02-25,G,0,7.00,0,0,0,0,10\n2004-03-25,G,0,7.00,0,0,0,0,10\n", 0, &out);
    expect(out, "class", "A", "coupon_percent", "6");
    expect(out, "class", "A", "interest", "5.00");
    expect(out, "class", "A", "basis_risk_shortfall", "5.00");
    expect(out, "class", "A", "basis_risk_paid", "2.00");
    expect(out, "class", "A", "basis_risk_carry_forward", "3.00");
    const char *d2 = from_date(out, "2004-03-25");
    expect(d2, "class", "A", "basis_risk_shortfall", "5.03");
    expect(d2, "class", "A", "basis_risk_paid", "2.00");
    expect(d2, "class", "A", "basis_risk_carry_forward", "6.03");
    free(out);
}

/* ---- a retired class shows 0% ------------------------------------------------ */

/* A is paid off on date 1 (it still shows its 12% there: it accrued); on
 * date 2 it has nothing outstanding and shows 0%. */
static void retired_class_shows_zero_coupon(void **state)
{
    (void)state;
    const char *deal = HEAD
        "  retired classes show coupon 0%;\n"
        "  notes { class \"A\" original $100.00 coupon 12% accrual 30/360; }\n"
        "  fund \"F\" = principal collections + interest collections;\n"
        "  priority of payments \"1\" from \"F\" { (a) pay interest to \"A\"; (b) pay remainder as principal to \"A\";\n"
        "                                        (c) pay remainder to \"R\"; }\n"
        "}\n";
    const char *st = STATE_HEAD
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 100.00, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A\", \"balance\": 100.00 } ] }\n";
    char *out;
    run_ok(deal, st, REMIT "\n2004-02-25,G,100.00,1.00,0,0,0,0,1\n2004-03-25,G,0,0,0,0,0,0,0\n", 0, &out);
    expect(out, "class", "A", "coupon_percent", "12");
    expect(out, "class", "A", "ending_balance", "0.00");
    expect(from_date(out, "2004-03-25"), "class", "A", "coupon_percent", "0");
    free(out);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/dealc-test-carry-%ld", (long)getpid());
    mkdir(dir, 0755);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prefunding_buys_additions),
        cmocka_unit_test(purchase_without_cash_stops),
        cmocka_unit_test(reserve_account_target_and_draw),
        cmocka_unit_test(variable_pay_note_refinances),
        cmocka_unit_test(draw_above_maximum_stops),
        cmocka_unit_test(variable_pay_note_drawn_and_repaid),
        cmocka_unit_test(insurer_draws_and_reimbursement),
        cmocka_unit_test(negative_fund_names_the_fund),
        cmocka_unit_test(negative_amount_stops),
        cmocka_unit_test(triggers_and_dates_remember),
        cmocka_unit_test(losses_written_down_and_paid_back),
        cmocka_unit_test(capped_coupon_carries_basis_risk),
        cmocka_unit_test(retired_class_shows_zero_coupon),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) rc = rc ? rc : 1;
    return rc;
}
