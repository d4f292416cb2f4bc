/* Lexer: literals decode exactly, locations are right, bad text is
 * reported and skipped. Expected values are hand arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "front_util.h"

static rt_dec define_value(const char *lit)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s  define \"X\" = %s;\n}\n", FRONT_HEADER, lit);
    front_result *r = front_text(buf, 0);
    assert_int_equal(r->diag.nerrors, 0);
    ast_decl *x = r->b.deal->decls.v[r->b.deal->decls.n - 1];
    assert_int_equal(x->expr->kind, EX_NUM);
    rt_dec v = x->expr->num;
    front_free(r);
    return v;
}

static void money_literals(void **state)
{
    (void)state;
    assert_true(define_value("$634,646,000.00") == (rt_dec)634646000 * RT_SCALE);
    assert_true(define_value("$0.01") == RT_CENT);
    assert_true(define_value("$1234.56") == (rt_dec)123456 * RT_CENT);
    assert_true(define_value("$7,933,075") == (rt_dec)7933075 * RT_SCALE);
}

static void percent_literals(void **state)
{
    (void)state;
    /* 1.25% = 0.0125 = 12,500,000,000 / 10^12 */
    assert_true(define_value("1.25%") == (rt_dec)12500000000LL);
    /* 0.1175% = 0.001175 */
    assert_true(define_value("0.1175%") == (rt_dec)1175000000LL);
    assert_true(define_value("100%") == RT_SCALE);
}

static void number_and_date_literals(void **state)
{
    (void)state;
    assert_true(define_value("12") == 12 * RT_SCALE);
    assert_true(define_value("0.5") == RT_SCALE / 2);
    /* 2000-01-01 is day 10957 (30 years, 7 of them leap: 30*365+7);
     * 2004-02-25 = 2004-01-01 (10957 + 1461) + 31 + 24 = 12473 */
    assert_true(define_value("2004-02-25") == (rt_dec)12473 * RT_SCALE);
    /* the lexer's dates are the runtime's calendar, with its years */
    int32_t days = -1;
    assert_true(rt_civil_to_days(1970, 1, 1, &days));
    assert_int_equal(days, 0);
    assert_true(rt_civil_to_days(2000, 3, 1, &days));
    assert_int_equal(days, 11017);
    assert_false(rt_civil_to_days(2003, 2, 29, &days));
    assert_true(rt_civil_to_days(2004, 2, 29, &days));
    assert_true(rt_civil_to_days(1900, 1, 1, &days));
    assert_true(rt_civil_to_days(2200, 12, 31, &days));
    assert_false(rt_civil_to_days(1899, 12, 31, &days));
    assert_false(rt_civil_to_days(2201, 1, 1, &days));
    int y, m, d;
    rt_civil_from_days(12473, &y, &m, &d);
    assert_int_equal(y, 2004);
    assert_int_equal(m, 2);
    assert_int_equal(d, 25);
}

static void names_fold_white_space(void **state)
{
    (void)state;
    front_result *r = front_text(FRONT_HEADER "  define \"Group I  Overcollateralization\n   Increase Amount\" = $1.00;\n}\n", 0);
    assert_int_equal(r->diag.nerrors, 0);
    ast_decl *x = r->b.deal->decls.v[r->b.deal->decls.n - 1];
    assert_string_equal(x->name, "Group I Overcollateralization Increase Amount");
    /* interned: the same text is the same pointer */
    assert_ptr_equal(x->name, arena_intern(&r->a, "Group I Overcollateralization Increase Amount", 45));
    front_free(r);
}

static void errors_are_located_and_skipped(void **state)
{
    (void)state;
    front_result *r = front_text(FRONT_HEADER "  define \"X\" = $1,00.00 + $2.001 + pool balanse;\n}\n", 0);
    /* three lexical errors on line 12, and parsing carried on: the
     * skipped word leaves "pool" without "balance", a fourth (syntax) error */
    assert_int_equal(r->diag.nerrors, 4);
    const diag *g = front_diag(r, 0);
    assert_int_equal(g->loc.line, 12);
    assert_int_equal(g->loc.col, 16);
    assert_non_null(strstr(g->msg, "threes"));
    assert_non_null(strstr(front_msg(r, 1), "two decimal places"));
    assert_non_null(strstr(front_msg(r, 2), "did you mean 'balance'"));
    front_free(r);
}

static void token_dump(void **state)
{
    (void)state;
    front_result *r = calloc(1, sizeof *r);
    arena_init(&r->a);
    r->file.name = "t";
    r->file.text = strdup("pay \"X\" $1.00 2.5% (iii) 30/360");
    r->file.len = (int)strlen(r->file.text);
    diag_init(&r->diag, &r->a, &r->file);
    r->b = (ast_builder){ .arena = &r->a, .diag = &r->diag, .file = &r->file };
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    lex_dump_tokens(&r->b, out);
    fclose(out);
    assert_string_equal(buf, "1:1 keyword pay\n1:5 name \"X\"\n1:9 amount $1.00\n1:15 percentage 2.5%\n"
                             "1:20 label (iii)\n1:26 daycount 30/360\n");
    free(buf);
    front_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(money_literals),
        cmocka_unit_test(percent_literals),
        cmocka_unit_test(number_and_date_literals),
        cmocka_unit_test(names_fold_white_space),
        cmocka_unit_test(errors_are_located_and_skipped),
        cmocka_unit_test(token_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
