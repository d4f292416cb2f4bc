/*
 * Code generation numerics: small deals compiled in memory and run through
 * the JIT (in a child process, whose stdout is the statement). Every
 * expected figure is worked out by hand in the comment beside it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>


#include "jit_util.h"

#define DEAL_HEAD                                                          \
    "deal \"T\" {\n"                                                       \
    "  closing date 2004-01-25;\n"                                         \
    "  first payment date 2004-02-25;\n"                                   \
    "  payment day 25, following business day;\n"                          \
    "  group \"G\";\n"                                                     \
    "  residual \"R\";\n"                                                  \
    "  party \"E\";\n"

#define REMIT_HEAD "payment_date,group,principal_collections,interest_collections,principal_draws," \
                   "liquidation_loss,recoveries,substitution_adjustment,active_loan_count"

static const char two_class_state[] =
    "{ \"deal\": \"T\", \"payment_date\": \"2004-01-25\", \"distribution_number\": 0,\n"
    "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 4000.00, \"cumulative_loss\": 0 } ],\n"
    "  \"classes\": [ { \"class\": \"A\", \"balance\": 1000.00 }, { \"class\": \"B\", \"balance\": 2000.00 } ] }\n";

/* Interest short: 10.00 of cash against 10.00 + 20.00 due, pro rata.
 * A: 1,000.00 x 12% x 30/360 = 10.00 due; B: 2,000.00 x 12% x 30/360 = 20.00.
 * Shares: A 10 x 10/30 = 3.333.. -> 3.33, B 10 x 20/30 = 6.666.. -> 6.66;
 * the one cent left goes to the larger remainder (B): A 3.33, B 6.67.
 * Shortfalls: A 6.67, B 13.33. Principal 2,500.00 sequentially: A takes its
 * 1,000.00, B 1,500.00, ending 0.00 and 500.00. */
static void pro_rata_shortfall_and_sequential_principal(void **state)
{
    (void)state;
    const char *deal = DEAL_HEAD
        "  notes { class \"A\" original $1,000.00 coupon 12% accrual 30/360;\n"
        "          class \"B\" original $2,000.00 coupon 12% accrual 30/360; }\n"
        "  fund \"I\" = interest collections;\n"
        "  fund \"P\" = principal collections;\n"
        "  priority of payments \"1\" from \"I\" { (a) pay interest to \"A\", \"B\" pro rata; (b) pay remainder to \"R\"; }\n"
        "  priority of payments \"2\" from \"P\" { (a) pay remainder as principal to \"A\", \"B\" sequentially; (b) pay remainder to \"R\"; }\n"
        "  statement { \"Due\" = interest due on \"A\" .. \"B\"; classes; }\n"
        "}\n";
    char *out, *err;
    int st = jit_replay(deal, two_class_state,
                        REMIT_HEAD "\n2004-02-25,G,2500.00,10.00,0,0,0,0,10\n", &out, &err);
    if (st) fprintf(stderr, "%s", err);
    assert_int_equal(st, 0);
    expect(out, "class", "A", "interest", "3.33");
    expect(out, "class", "B", "interest", "6.67");
    expect(out, "class", "A", "interest_shortfall", "6.67");
    expect(out, "class", "B", "interest_shortfall", "13.33");
    expect(out, "class", "A", "principal", "1000.00");
    expect(out, "class", "B", "principal", "1500.00");
    expect(out, "class", "A", "ending_balance", "0.00");
    expect(out, "class", "B", "ending_balance", "500.00");
    expect(out, "line", "Due", "value", "30.00");
    expect(out, "party", "R", "paid", "0.00");
    free(out);
    free(err);
}

/* Rounding, half-up once: 401,572,590.32 x 0.1175% / 12 = 39,320.6495... ->
 * 39,320.65. "1.25% of" 634,646,000.00 = 7,933,075.00 exactly. Actual/360
 * from the closing date 2004-01-25 to 2004-02-25 is 31 days: 1,000.00 x 12%
 * x 31/360 = 10.3333.. -> 10.33 (30/360 would give 10.00). A whole-cent tie rounds up: 0.05 x 10% = 0.005 -> 0.01.
 * The untaken branch of an if, a division by zero, is never evaluated. */
static void rounding_and_branches(void **state)
{
    (void)state;
    const char *deal = DEAL_HEAD
        "  notes { class \"A\" original $401,572,590.32 coupon 12% accrual actual/360;\n"
        "          class \"B\" original $1,000.00 coupon 12% accrual actual/360;\n"
        "          class \"Z\" original $1.00 coupon 1% accrual 30/360; }\n"
        "  fund \"I\" = interest collections;\n"
        "  define \"Premium\" = 0.1175% per annum of balance of \"A\";\n"
        "  define \"Target\" = 1.25% of $634,646,000.00;\n"
        "  define \"Tie\" = 10% of $0.05;\n"
        "  define \"Guarded\" = if balance of \"Z\" = $0.00 then $0.00 else interest collections / (balance of \"Z\" / $1.00);\n"
        "  define \"Big\" = max($1.00, $2.00, min($5.00, $3.00));\n"
        "  priority of payments \"1\" from \"I\" { (a) pay remainder to \"R\"; }\n"
        "  statement { \"Premium\" = \"Premium\"; \"Target\" = \"Target\"; \"Tie\" = \"Tie\"; \"Guarded\" = \"Guarded\"; \"Big\" = \"Big\";\n"
        "              \"Due B\" = interest due on \"B\"; }\n"
        "}\n";
    const char *st_json =
        "{ \"deal\": \"T\", \"payment_date\": \"2004-01-25\", \"distribution_number\": 0,\n"
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A\", \"balance\": 401572590.32 }, { \"class\": \"B\", \"balance\": 1000.00 },\n"
        "                 { \"class\": \"Z\", \"balance\": 0 } ] }\n";
    char *out, *err;
    int st = jit_replay(deal, st_json, REMIT_HEAD "\n2004-02-25,G,0,1000000.00,0,0,0,0,1\n", &out, &err);
    if (st) fprintf(stderr, "%s", err);
    assert_int_equal(st, 0);
    expect(out, "line", "Premium", "value", "39320.65");
    expect(out, "line", "Target", "value", "7933075.00");
    expect(out, "line", "Tie", "value", "0.01");
    expect(out, "line", "Guarded", "value", "0.00");
    expect(out, "line", "Big", "value", "3.00");
    expect(out, "line", "Due B", "value", "10.33");
    free(out);
    free(err);
}

/* Interest left unpaid carries forward and "pay unpaid interest" pays it.
 * The opening state owes A 5.00 from before. Month 1: 25.00 of interest;
 * (a) pays A its 10.00 due (1,000.00 x 12% x 30/360) and B 15.00 of its
 * 20.00, B short 5.00; (b) finds nothing left for A's 5.00. Unpaid before:
 * 5.00; carried out: A 5.00 + B 5.00 = 10.00. Month 2: 50.00; (a) pays the
 * 30.00 due, (b) the 10.00 carried (A 5.00, B 5.00), (c) 10.00 to R. So A
 * receives 15.00 of interest and B 25.00, and nothing is carried out. */
static void unpaid_interest_carried_forward(void **state)
{
    (void)state;
    const char *deal = DEAL_HEAD
        "  notes { class \"A\" original $1,000.00 coupon 12% accrual 30/360;\n"
        "          class \"B\" original $2,000.00 coupon 12% accrual 30/360; }\n"
        "  fund \"I\" = interest collections;\n"
        "  priority of payments \"1\" from \"I\" {\n"
        "    (a) pay interest to \"A\", \"B\" sequentially;\n"
        "    (b) pay unpaid interest to \"A\", \"B\" sequentially;\n"
        "    (c) pay remainder to \"R\";\n"
        "  }\n"
        "  statement { \"Unpaid\" = unpaid interest on \"A\" .. \"B\";\n"
        "              \"Carried\" = ending unpaid interest on \"A\" .. \"B\"; classes; }\n"
        "}\n";
    const char *st_json =
        "{ \"deal\": \"T\", \"payment_date\": \"2004-01-25\", \"distribution_number\": 0,\n"
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 4000.00, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A\", \"balance\": 1000.00, \"unpaid_interest\": 5.00 },\n"
        "                 { \"class\": \"B\", \"balance\": 2000.00 } ] }\n";
    char *out, *err;
    int st = jit_replay(deal, st_json,
                        REMIT_HEAD "\n2004-02-25,G,0,25.00,0,0,0,0,10\n2004-03-25,G,0,50.00,0,0,0,0,10\n", &out, &err);
    if (st) fprintf(stderr, "%s", err);
    assert_int_equal(st, 0);
    expect(out, "class", "A", "interest", "10.00");
    expect(out, "class", "B", "interest", "15.00");
    expect(out, "class", "B", "interest_shortfall", "5.00");
    expect(out, "line", "Unpaid", "value", "5.00");
    expect(out, "line", "Carried", "value", "10.00");
    const char *m2 = strstr(out, "2004-03-25,");
    assert_non_null(m2);
    expect(m2, "class", "A", "interest", "15.00");
    expect(m2, "class", "B", "interest", "25.00");
    expect(m2, "class", "B", "interest_shortfall", "0.00");
    expect(m2, "line", "Unpaid", "value", "10.00");
    expect(m2, "line", "Carried", "value", "0.00");
    expect(m2, "party", "R", "paid", "10.00");
    free(out);
    free(err);
}

/* "available at": the cash a clause finds. Interest collections 10.00 and
 * principal collections 2,500.00 into one fund; (a) pays interest due
 * 10.00 + 20.00 = 30.00 (the fund holds 2,510.00, so in full), leaving
 * 2,480.00 available at (b); (b) pays "Half" = half of that, 1,240.00, to
 * the trustee; (c) pays what is left, 1,240.00, as principal to A then B:
 * A takes its 1,000.00 and B 240.00. */
static void available_at_a_clause(void **state)
{
    (void)state;
    const char *deal = DEAL_HEAD
        "  notes { class \"A\" original $1,000.00 coupon 12% accrual 30/360;\n"
        "          class \"B\" original $2,000.00 coupon 12% accrual 30/360; }\n"
        "  fund \"All\" = interest collections + principal collections;\n"
        "  define \"Half\" = available at \"1(b)\" / 2;\n"
        "  priority of payments \"1\" from \"All\" {\n"
        "    (a) pay interest to \"A\", \"B\" pro rata;\n"
        "    (b) pay \"Half\" to \"E\";\n"
        "    (c) pay remainder as principal to \"A\", \"B\" sequentially;\n"
        "  }\n"
        "  statement { \"At (b)\" = available at \"1(b)\"; }\n"
        "}\n";
    char *out, *err;
    int st = jit_replay(deal, two_class_state, REMIT_HEAD "\n2004-02-25,G,2500.00,10.00,0,0,0,0,10\n", &out, &err);
    if (st) fprintf(stderr, "%s", err);
    assert_int_equal(st, 0);
    expect(out, "line", "At (b)", "value", "2480.00");
    expect(out, "party", "E", "paid", "1240.00");
    expect(out, "class", "A", "principal", "1000.00");
    expect(out, "class", "B", "principal", "240.00");
    free(out);
    free(err);
}

/* Two groups' priorities interleaved in blocks of the same sections: the
 * Group II clause 4.02(d)(ii) pays what was available at 4.02(c)(i). G1's
 * 50.00 of interest: (c)(i) pays A's interest, 100.00 x 1% x 30/360 = 0.08
 * (0.0833 rounded), after finding 50.00. G2's 60.00: (d)(i) pays B's 0.08,
 * (d)(ii) pays B 50.00 of principal, (d)(iii) the remaining 9.92 to R; then
 * (c)(ii) pays A the 49.92 left in G1's fund as principal. */
static void interleaved_sections(void **state)
{
    (void)state;
    const char *deal = DEAL_HEAD
        "  group \"G2\";\n"
        "  notes { class \"A\" original $100.00 coupon 1% accrual 30/360;\n"
        "          class \"B\" original $100.00 coupon 1% accrual 30/360; }\n"
        "  fund \"F1\" = interest collections for \"G\";\n"
        "  fund \"F2\" = interest collections for \"G2\";\n"
        "  define \"Left1\" = available at \"4.02(c)(i)\";\n"
        "  priority of payments \"4.02(c)\" from \"F1\" { (i) pay interest to \"A\"; }\n"
        "  priority of payments \"4.02(d)\" from \"F2\" { (i) pay interest to \"B\"; (ii) pay \"Left1\" as principal to \"B\";\n"
        "                                               (iii) pay remainder to \"R\"; }\n"
        "  priority of payments \"4.02(c)\" from \"F1\" { (ii) pay remainder as principal to \"A\"; }\n"
        "}\n";
    const char *st_json =
        "{ \"deal\": \"T\", \"payment_date\": \"2004-01-25\", \"distribution_number\": 0,\n"
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000, \"cumulative_loss\": 0 },\n"
        "              { \"group\": \"G2\", \"pool_balance\": 1000, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A\", \"balance\": 100 }, { \"class\": \"B\", \"balance\": 100 } ] }\n";
    char *out, *err;
    int st = jit_replay(deal, st_json, REMIT_HEAD "\n2004-02-25,G,0,50.00,0,0,0,0,1\n2004-02-25,G2,0,60.00,0,0,0,0,1\n",
                        &out, &err);
    if (st) fprintf(stderr, "%s", err);
    assert_int_equal(st, 0);
    expect(out, "class", "A", "interest", "0.08");
    expect(out, "class", "B", "principal", "50.00");
    expect(out, "party", "R", "paid", "9.92");
    expect(out, "class", "A", "principal", "49.92");
    free(out);
    free(err);
}

/* The cash a clause of one fund will find is known as soon as the clause
 * before it in that fund has run, even while another fund's clauses run in
 * between. F1 holds G's 50.00, F2 G2's 60.00. 1(a) pays A's interest,
 * 100.00 x 1% x 30/360 = 0.0833 -> 0.08; 2(a) pays B's 0.08, so 2(b) will
 * find 59.92. 1(b), before 2(b) runs, pays half of that, 29.96, to E out of
 * F1's 49.92; 2(b) pays its 59.92 and 1(c) F1's last 19.96 to R: R 79.88. */
static void available_at_a_later_clause_of_another_fund(void **state)
{
    (void)state;
    const char *deal = DEAL_HEAD
        "  group \"G2\";\n"
        "  notes { class \"A\" original $100.00 coupon 1% accrual 30/360;\n"
        "          class \"B\" original $100.00 coupon 1% accrual 30/360; }\n"
        "  fund \"F1\" = interest collections for \"G\";\n"
        "  fund \"F2\" = interest collections for \"G2\";\n"
        "  priority of payments \"1\" from \"F1\" { (a) pay interest to \"A\"; }\n"
        "  priority of payments \"2\" from \"F2\" { (a) pay interest to \"B\"; }\n"
        "  priority of payments \"1\" from \"F1\" { (b) pay available at \"2(b)\" / 2 to \"E\"; }\n"
        "  priority of payments \"2\" from \"F2\" { (b) pay remainder to \"R\"; }\n"
        "  priority of payments \"1\" from \"F1\" { (c) pay remainder to \"R\"; }\n"
        "  statement { \"At 2(b)\" = available at \"2(b)\"; \"At 1(c)\" = available at \"1(c)\"; }\n"
        "}\n";
    const char *st_json =
        "{ \"deal\": \"T\", \"payment_date\": \"2004-01-25\", \"distribution_number\": 0,\n"
        "  \"groups\": [ { \"group\": \"G\", \"pool_balance\": 1000, \"cumulative_loss\": 0 },\n"
        "              { \"group\": \"G2\", \"pool_balance\": 1000, \"cumulative_loss\": 0 } ],\n"
        "  \"classes\": [ { \"class\": \"A\", \"balance\": 100 }, { \"class\": \"B\", \"balance\": 100 } ] }\n";
    char *out, *err;
    int st = jit_replay(deal, st_json, REMIT_HEAD "\n2004-02-25,G,0,50.00,0,0,0,0,1\n2004-02-25,G2,0,60.00,0,0,0,0,1\n",
                        &out, &err);
    if (st) fprintf(stderr, "%s", err);
    assert_int_equal(st, 0);
    expect(out, "party", "E", "paid", "29.96");
    expect(out, "party", "R", "paid", "79.88");
    expect(out, "line", "At 2(b)", "value", "59.92");
    expect(out, "line", "At 1(c)", "value", "19.96");
    free(out);
    free(err);
}

/* A definition that divides by zero stops the run and names itself. */
static void division_by_zero_is_reported(void **state)
{
    (void)state;
    const char *deal = DEAL_HEAD
        "  notes { class \"A\" original $1,000.00 coupon 12% accrual 30/360;\n"
        "          class \"B\" original $2,000.00 coupon 12% accrual 30/360; }\n"
        "  fund \"I\" = interest collections;\n"
        "  define \"Bad\" = interest collections / (pool balance - pool balance);\n"
        "  priority of payments \"1\" from \"I\" { (a) pay remainder to \"R\"; }\n"
        "  statement { \"Bad\" = \"Bad\"; }\n"
        "}\n";
    char *out, *err;
    int st = jit_replay(deal, two_class_state, REMIT_HEAD "\n2004-02-25,G,0,10.00,0,0,0,0,1\n", &out, &err);
    if (st != 1 || !strstr(err, "division by zero")) fprintf(stderr, "status %d, stderr: %s\n", st, err);
    assert_int_equal(st, 1);
    assert_non_null(strstr(err, "division by zero"));
    assert_non_null(strstr(err, "definition \"Bad\""));
    assert_non_null(strstr(err, "test.deal:11:"));
    assert_string_equal(out, "");
    free(out);
    free(err);
}

/* The ABI is declared once (RT_ABI_FUNCS in dealrt.h): a compiled module
 * declares every runtime function with exactly the types the table names,
 * each token read here as LLVM spells it. */
#define LL_void "void"
#define LL_i32 "i32"
#define LL_i64 "i64"
#define LL_dec "i128"
#define LL_str "ptr"
#define LL_deal "ptr"
#define LL_run "ptr"
#define LL_decs_in "ptr"
#define LL_decs_out "ptr"
#define LL(t) LL_##t
static void abi_declared_as_the_table_says(void **state)
{
    (void)state;
    const char *deal = DEAL_HEAD
        "  notes { class \"A\" original $1,000.00 coupon 12% accrual 30/360; }\n"
        "  fund \"I\" = interest collections;\n"
        "  priority of payments \"1\" from \"I\" { (a) pay remainder to \"R\"; }\n"
        "}\n";
    front_result *r = front_text(deal, 1);
    assert_int_equal(r->diag.nerrors, 0);
    char *e = NULL;
    cg_options o = { .optimize = 0, .for_jit = 0 };
    cg_module *m = cg_compile(&r->sema, &r->file, &o, &e);
    assert_non_null(m);
    char *ir = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&ir, &len);
    cg_print_ir(m, f);
    fclose(f);
    static const struct { const char *ret, *name; int n; const char *p[8]; } table[] = {
#define ROW(ret, n, ...) { LL(ret), #n, RT_ABI_NARGS(__VA_ARGS__), { RT_ABI_MAP(LL, __VA_ARGS__) } },
        RT_ABI_FUNCS(ROW)
#undef ROW
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char want[256];
        int o2 = snprintf(want, sizeof want, "declare %s @%s(", table[i].ret, table[i].name);
        for (int k = 0; k < table[i].n; k++)
            o2 += snprintf(want + o2, sizeof want - (size_t)o2, "%s%s", k ? ", " : "", table[i].p[k]);
        snprintf(want + o2, sizeof want - (size_t)o2, ")");
        if (!strstr(ir, want)) fail_msg("the module does not declare: %s", want);
    }
    free(ir);
    cg_free(m);
    front_free(r);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/dealc-test-codegen-%ld", (long)getpid());
    mkdir(dir, 0755);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pro_rata_shortfall_and_sequential_principal),
        cmocka_unit_test(rounding_and_branches),
        cmocka_unit_test(available_at_a_clause),
        cmocka_unit_test(unpaid_interest_carried_forward),
        cmocka_unit_test(interleaved_sections),
        cmocka_unit_test(available_at_a_later_clause_of_another_fund),
        cmocka_unit_test(division_by_zero_is_reported),
        cmocka_unit_test(abi_declared_as_the_table_says),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) rc = rc ? rc : 1;
    return rc;
}
