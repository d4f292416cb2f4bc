/* Sema: units, resolution, cycles, phases. Each test states the deal and
 * the one message a person should see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "front_util.h"

static front_result *check(const char *items)
{
    char *buf = malloc(strlen(items) + 1024);
    sprintf(buf, "%s%s}\n", FRONT_HEADER, items);
    front_result *r = front_text(buf, 1);
    free(buf);
    return r;
}

static ast_decl *decl(front_result *r, const char *name)
{
    for (int i = 0; i < r->b.deal->decls.n; i++) {
        ast_decl *x = r->b.deal->decls.v[i];
        if (strcmp(x->name, name) == 0) return x;
    }
    return NULL;
}

static void units_are_inferred(void **state)
{
    (void)state;
    front_result *r = check(
        "  define \"M\" = balance of \"A\" .. \"B\" - liquidation loss;\n"
        "  define \"Ratio\" = \"M\" / original balance of \"A\";\n"
        "  define \"P\" = 1.25% of \"M\";\n"
        "  define \"C\" = active loan count + 1;\n"
        "  define \"Q\" = coupon of \"A\" + 0.5%;\n"
        "  define \"D\" = payment date + 30;\n"
        "  define \"B\" = \"M\" > $0.00 and distribution number <= 3;\n");
    assert_int_equal(r->diag.nerrors, 0);
    assert_int_equal(decl(r, "M")->unit, RT_UNIT_MONEY);
    assert_int_equal(decl(r, "Ratio")->unit, RT_UNIT_NUMBER);
    assert_int_equal(decl(r, "P")->unit, RT_UNIT_MONEY);
    assert_int_equal(decl(r, "C")->unit, RT_UNIT_COUNT);
    assert_int_equal(decl(r, "Q")->unit, RT_UNIT_RATE);
    assert_int_equal(decl(r, "D")->unit, RT_UNIT_DATE);
    assert_int_equal(decl(r, "B")->unit, RT_UNIT_BOOL);
    front_free(r);
}

static void unit_errors(void **state)
{
    (void)state;
    front_result *r = check("  define \"X\" = pool balance + 1.5%;\n");
    assert_int_equal(r->diag.nerrors, 1);
    assert_string_equal(front_msg(r, 0), "cannot add an amount of money and a rate");
    front_free(r);
    r = check("  define \"X\" = pool balance * pool balance;\n");
    assert_int_equal(r->diag.nerrors, 1);
    assert_non_null(strstr(front_msg(r, 0), "cannot multiply an amount of money by an amount of money"));
    front_free(r);
    r = check("  define \"X\" = min(pool balance, 2004-01-01);\n");
    assert_int_equal(r->diag.nerrors, 1);
    assert_non_null(strstr(front_msg(r, 0), "this is a date, the first is an amount of money"));
    front_free(r);
    /* one error, not a cascade through every user of the bad term */
    r = check("  define \"X\" = pool balance + 1%;\n  define \"Y\" = \"X\" + $1.00;\n  define \"Z\" = \"Y\" * 2;\n");
    assert_int_equal(r->diag.nerrors, 1);
    front_free(r);
}

static void cycles_are_printed(void **state)
{
    (void)state;
    front_result *r = check("  define \"X\" = \"Y\";\n  define \"Y\" = \"Z\" + $1.00;\n  define \"Z\" = max(\"X\", $0.00);\n");
    assert_int_equal(r->diag.nerrors, 1);
    assert_string_equal(front_msg(r, 0), "circular definition: \"X\" -> \"Y\" -> \"Z\" -> \"X\"");
    front_free(r);
    /* through a coupon and the interest due on its class */
    r = check("  notes { class \"C\" original $1.00 coupon \"K\" accrual 30/360; }\n"
              "  define \"K\" = if interest due on \"C\" > $0.00 then 1% else 2%;\n");
    assert_true(r->diag.nerrors >= 1);
    assert_non_null(strstr(front_msg(r, 0), "circular definition"));
    front_free(r);
}

static void suggestions(void **state)
{
    (void)state;
    front_result *r = check("  define \"Excess Cash\" = interest collections;\n  define \"X\" = \"Excess Csh\";\n");
    assert_string_equal(front_msg(r, 0), "unknown name \"Excess Csh\"; did you mean \"Excess Cash\"?");
    front_free(r);
    r = check("  define \"X\" = balance of \"C\";\n");
    assert_string_equal(front_msg(r, 0), "unknown class \"C\"; did you mean \"A\"?");
    front_free(r);
    r = check("  define \"X\" = pool balance for \"H\";\n");
    assert_string_equal(front_msg(r, 0), "unknown group \"H\"; did you mean \"G\"?");
    front_free(r);
}

static void phases(void **state)
{
    (void)state;
    /* a statement may use what payments produced; a clause may not */
    front_result *r = check(
        "  define \"End\" = ending balance of \"A\";\n"
        "  priority of payments \"1\" from \"F\" { (a) pay interest to \"A\"; (b) pay remainder to \"R\"; }\n"
        "  statement { \"Ending\" = \"End\"; \"Paid\" = paid to \"R\"; classes; }\n");
    assert_int_equal(r->diag.nerrors, 0);
    assert_true(decl(r, "End")->after);
    front_free(r);
    r = check(
        "  define \"End\" = ending balance of \"A\" + $1.00;\n"
        "  priority of payments \"1\" from \"F\" { (a) pay \"End\" as principal to \"A\"; }\n");
    assert_int_equal(r->diag.nerrors, 1);
    assert_non_null(strstr(front_msg(r, 0), "known only after the priority of payments"));
    assert_non_null(front_diag(r, 0)->notes);
    front_free(r);
}

static void clause_targets(void **state)
{
    (void)state;
    front_result *r = check("  priority of payments \"1\" from \"G\" { (a) pay remainder to \"R\"; }\n");
    assert_string_equal(front_msg(r, 0), "\"G\" is a group; a priority of payments draws 'from' a fund or an account");
    front_free(r);
    r = check("  priority of payments \"1\" from \"F\" { (a) pay interest to \"A\", \"A\" pro rata; }\n");
    assert_string_equal(front_msg(r, 0), "class \"A\" is named twice in this list");
    front_free(r);
    r = check("  priority of payments \"1\" from \"F\" { (a) pay remainder to \"Nobody\"; }\n");
    assert_string_equal(front_msg(r, 0), "unknown party \"Nobody\"");
    front_free(r);
}

static void clause_labels_are_joined(void **state)
{
    (void)state;
    front_result *r = check("  priority of payments \"3.05(a)\" from \"F\" { (ii) pay interest to \"A\", \"B\" pro rata; }\n");
    assert_int_equal(r->diag.nerrors, 0);
    ast_clause *c = r->sema.clauses.v[0];
    assert_string_equal(c->full_label, "3.05(a)(ii)");
    assert_int_equal(c->nclass_idx, 2);
    front_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(units_are_inferred),
        cmocka_unit_test(unit_errors),
        cmocka_unit_test(cycles_are_printed),
        cmocka_unit_test(suggestions),
        cmocka_unit_test(phases),
        cmocka_unit_test(clause_targets),
        cmocka_unit_test(clause_labels_are_joined),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
