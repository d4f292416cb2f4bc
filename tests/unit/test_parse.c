/* Parser: the tree has the shape the grammar promises; precedence is right;
 * syntax errors are reported at the right place and parsing recovers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "front_util.h"
#include "fmt.h"
#include <string.h>

static ast_expr *define_expr(front_result *r, const char *name)
{
    for (int i = 0; i < r->b.deal->decls.n; i++) {
        ast_decl *x = r->b.deal->decls.v[i];
        if (strcmp(x->name, name) == 0) return x->expr;
    }
    fail_msg("no definition %s", name);
    return NULL;
}

static void header_and_classes(void **state)
{
    (void)state;
    front_result *r = front_text(FRONT_HEADER
        "  schedule \"N\" { 1 to 6: $84.00; 7: $76.00; thereafter: $0.00; }\n"
        "  certificates { class \"IO\" original $84.00 notional \"N\" coupon \"L\" + 0.10% accrual actual/360 text \"io\"; }\n"
        "  input \"L\" rate;\n"
        "}\n", 0);
    assert_int_equal(r->diag.nerrors, 0);
    ast_deal *d = r->b.deal;
    assert_string_equal(d->name, "T");
    assert_int_equal(d->payment_day, 25);
    assert_int_equal(d->bdc, RT_BDC_FOLLOWING);
    assert_int_equal(d->classes.n, 3);
    ast_class *io = d->classes.v[2];
    assert_string_equal(io->name, "IO");
    assert_string_equal(io->notional, "N");
    assert_int_equal(io->accrual, RT_DC_ACT_360);
    assert_int_equal(io->coupon->kind, EX_BIN);
    assert_int_equal(io->coupon->op, OP_ADD);
    assert_string_equal(io->text, "io");
    ast_decl *n = NULL;
    for (int i = 0; i < d->decls.n; i++)
        if (((ast_decl *)d->decls.v[i])->kind == DK_SCHEDULE) n = d->decls.v[i];
    assert_non_null(n);
    assert_int_equal(n->entries.n, 3);
    ast_sched_entry *e0 = n->entries.v[0], *e1 = n->entries.v[1], *e2 = n->entries.v[2];
    assert_int_equal(e0->from, 1);
    assert_int_equal(e0->to, 6);
    assert_int_equal(e1->from, 7);
    assert_int_equal(e1->to, 7);
    assert_int_equal(e2->to, -1);
    front_free(r);
}

static void precedence(void **state)
{
    (void)state;
    front_result *r = front_text(FRONT_HEADER
        "  define \"A1\" = $1.00 + $2.00 * 3;\n"
        "  define \"A2\" = 1.25% of $100.00 + $1.00;\n"
        "  define \"A3\" = if $1.00 < $2.00 and not $3.00 = $4.00 then $1.00 else $2.00 + $3.00;\n"
        "  define \"A4\" = 0.12% per annum of balance of \"A\" .. \"B\";\n"
        "  define \"A5\" = - $1.00 - $2.00;\n"
        "}\n", 0);
    assert_int_equal(r->diag.nerrors, 0);
    ast_expr *e = define_expr(r, "A1");
    assert_int_equal(e->op, OP_ADD);              /* 1 + (2 * 3) */
    assert_int_equal(e->b->op, OP_MUL);
    e = define_expr(r, "A2");
    assert_int_equal(e->op, OP_ADD);              /* (1.25% of 100) + 1 */
    assert_int_equal(e->a->kind, EX_OF);
    e = define_expr(r, "A3");
    assert_int_equal(e->kind, EX_IF);
    assert_int_equal(e->a->op, OP_AND);           /* (1 < 2) and (not (3 = 4)) */
    assert_int_equal(e->a->b->kind, EX_NOT);
    assert_int_equal(e->a->b->a->op, OP_EQ);
    assert_int_equal(e->c->op, OP_ADD);           /* else takes all of 2 + 3 */
    e = define_expr(r, "A4");
    assert_int_equal(e->kind, EX_PER_ANNUM);
    assert_int_equal(e->b->kind, EX_CLASSQ);
    assert_int_equal(e->b->classes.n, 1);
    assert_string_equal(((ast_classref *)e->b->classes.v[0])->last, "B");
    e = define_expr(r, "A5");
    assert_int_equal(e->op, OP_SUB);              /* (-1) - 2 */
    assert_int_equal(e->a->kind, EX_NEG);
    front_free(r);
}

static void priority_of_payments(void **state)
{
    (void)state;
    front_result *r = front_text(FRONT_HEADER
        "  party \"E\";\n"
        "  priority of payments \"3.05(a)\" from \"F\" {\n"
        "    (i)   pay $1.00 to \"E\" text \"the premium\";\n"
        "    (ii)  pay interest to \"A\", \"B\" pro rata;\n"
        "    (iii) pay interest collections as principal to \"A\" .. \"B\" sequentially;\n"
        "    (iv)  pay remainder to \"R\";\n"
        "  }\n"
        "}\n", 0);
    assert_int_equal(r->diag.nerrors, 0);
    ast_waterfall *w = r->b.deal->waterfalls.v[0];
    assert_string_equal(w->section, "3.05(a)");
    assert_string_equal(w->fund, "F");
    assert_int_equal(w->clauses.n, 4);
    ast_clause *c = w->clauses.v[0];
    assert_string_equal(c->label, "(i)");
    assert_int_equal(c->kind, CL_PAY_PARTY);
    assert_string_equal(c->text, "the premium");
    c = w->clauses.v[1];
    assert_int_equal(c->kind, CL_PAY_INTEREST);
    assert_int_equal(c->order, ORDER_PRO_RATA);
    assert_int_equal(c->payees.n, 2);
    c = w->clauses.v[2];
    assert_int_equal(c->kind, CL_PAY_PRINCIPAL);
    assert_int_equal(c->order, ORDER_SEQUENTIAL);
    assert_int_equal(c->amount->kind, EX_POOL);
    c = w->clauses.v[3];
    assert_true(c->remainder);
    front_free(r);
}

static void recovery_reports_several_errors(void **state)
{
    (void)state;
    front_result *r = front_text(FRONT_HEADER
        "  define \"X\" = $1.00 +;\n"
        "  define \"Y\" = $2.00;\n"
        "  define \"Z\" = ( $1.00;\n"
        "}\n", 0);
    assert_int_equal(r->diag.nerrors, 2);
    assert_int_equal(front_diag(r, 0)->loc.line, 12);
    assert_string_equal(front_msg(r, 0), "unexpected ';', expected an expression");
    assert_int_equal(front_diag(r, 1)->loc.line, 14);
    /* the good item between them was kept */
    int found = 0;
    for (int i = 0; i < r->b.deal->decls.n; i++)
        found |= strcmp(((ast_decl *)r->b.deal->decls.v[i])->name, "Y") == 0;
    assert_true(found);
    front_free(r);
}

static void missing_semicolon_points_at_the_end_of_the_line(void **state)
{
    (void)state;
    front_result *r = front_text(FRONT_HEADER "  define \"X\" = $1.00\n  define \"Y\" = $2.00;\n}\n", 0);
    assert_int_equal(r->diag.nerrors, 1);
    const diag *g = front_diag(r, 0);
    assert_int_equal(g->loc.line, 12);
    assert_int_equal(g->loc.col, 21);  /* just past "$1.00" */
    assert_string_equal(g->msg, "expected ';' at the end of this item");
    assert_non_null(g->notes);
    assert_int_equal(g->notes->loc.line, 13);
    front_free(r);
}

static void deep_nesting_is_an_error_not_a_crash(void **state)
{
    (void)state;
    /* bison's stack is bounded (YYMAXDEPTH); past it the parse fails with a
     * message instead of overflowing the C stack */
    size_t n = 20000;
    char *text = malloc(n * 2 + 512);
    strcpy(text, FRONT_HEADER "  define \"X\" = ");
    size_t o = strlen(text);
    for (size_t i = 0; i < n; i++) text[o++] = '(';
    text[o++] = '1';
    for (size_t i = 0; i < n; i++) text[o++] = ')';
    strcpy(text + o, ";\n}\n");
    front_result *r = front_text(text, 0);
    assert_true(r->diag.nerrors >= 1);
    assert_non_null(strstr(front_msg(r, 0), "nested too deeply"));
    front_free(r);
    free(text);
}

/* A text provision and the reconstructed mark reach the tree; the mark
 * goes to the item it follows, and a reason is optional. */
static void sections_and_marks(void **state)
{
    (void)state;
    front_result *r = front_text(
        "deal \"T\" { closing date 2003-03-26; first payment date 2003-04-25; payment day 25; group \"G\";\n"
        "  notes { class \"A\" original $100.00 coupon 1% accrual 30/360 reconstructed; }\n"
        "  define \"X\" = $1.00 text \"one\" reconstructed \"ours\";\n"
        "  define \"Y\" = $2.00;\n"
        "  section \"11.01(a)(vi)\" text \"(vi) words\";\n"
        "  fund \"F\" = interest collections; residual \"R\";\n"
        "  priority of payments \"1\" from \"F\" { (a) pay remainder to \"R\" reconstructed; }\n}\n", 0);
    assert_int_equal(r->diag.nerrors, 0);
    const ast_deal *d = r->b.deal;
    assert_int_equal(d->sections.n, 1);
    const ast_section *s = d->sections.v[0];
    assert_string_equal(s->label, "11.01(a)(vi)");
    assert_string_equal(s->text, "(vi) words");
    assert_null(s->reconstructed);
    assert_string_equal(((const ast_class *)d->classes.v[0])->reconstructed, "");
    const ast_decl *x = NULL, *y = NULL;
    for (int i = 0; i < d->decls.n; i++) {
        const ast_decl *k = d->decls.v[i];
        if (!strcmp(k->name, "X")) x = k;
        if (!strcmp(k->name, "Y")) y = k;
    }
    assert_string_equal(x->reconstructed, "ours");
    assert_null(y->reconstructed);
    const ast_waterfall *w = d->waterfalls.v[0];
    assert_string_equal(((const ast_clause *)w->clauses.v[0])->reconstructed, "");
    front_free(r);
}

/* labels in the agreement's order: a level of (i), (ii) ... by number */
static void section_labels_in_order(void **state)
{
    (void)state;
    assert_true(fmt_label_cmp("4.02(c)(ix)", "4.02(c)(x)") < 0);
    assert_true(fmt_label_cmp("4.02(c)(xiv)", "4.02(c)(xiii)") > 0);
    assert_true(fmt_label_cmp("4.02(c)(v)", "4.02(c)(iv)") > 0);
    assert_true(fmt_label_cmp("4.02(d)(i)", "4.02(c)(xiv)") > 0);
    assert_true(fmt_label_cmp("4.02", "11.01(a)(vi)") < 0);
    assert_true(fmt_label_cmp("3.05(a)", "3.05(a)(i)") < 0);
    assert_int_equal(fmt_label_cmp("4.02(c)(xii)", "4.02(c)(xii)"), 0);
}

/* --emit=ast names every kind of declaration (it indexed past its table of
 * names for accounts, insurers, triggers and dates) and shows what changes
 * one's meaning besides its expression: a trigger's memory, an account's
 * opening balance and interest. tests/fmt.sh compares these dumps to prove
 * a formatted deal means the same, so a dropped "once in effect remains in
 * effect" must change the dump. */
static char *dump_of(const char *decls)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s}\n", FRONT_HEADER, decls);
    front_result *r = front_text(text, 0);
    assert_int_equal(r->diag.nerrors, 0);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    ast_dump(f, r->b.deal);
    fclose(f);
    front_free(r);
    return buf;
}

static void dump_names_every_declaration(void **state)
{
    (void)state;
    char *d = dump_of("  input \"Delinquency\" rate;\n"
                      "  account \"Reserve\" initial $500.00 interest 1.00% of balance of \"A\";\n"
                      "  insurer \"Insurer\";\n"
                      "  trigger \"Sticky\" = \"Delinquency\" > 5%, once in effect remains in effect;\n"
                      "  trigger \"Fresh\" = \"Delinquency\" > 5%;\n"
                      "  date \"Stepdown Date\" = later of (distribution 2, first distribution on which "
                      "\"Delinquency\" < 2%);\n");
    assert_non_null(strstr(d, "  (account \"Reserve\" initial=500\n    (interest\n"));
    assert_non_null(strstr(d, "  (insurer \"Insurer\")"));
    assert_non_null(strstr(d, "  (trigger \"Sticky\" once-in-effect-remains\n"));
    assert_non_null(strstr(d, "  (trigger \"Fresh\"\n"));
    assert_non_null(strstr(d, "  (date \"Stepdown Date\"\n"));
    free(d);
    /* the same trigger without its memory dumps differently */
    char *a = dump_of("  input \"D\" rate;\n  trigger \"X\" = \"D\" > 5%, once in effect remains in effect;\n");
    char *b = dump_of("  input \"D\" rate;\n  trigger \"X\" = \"D\" > 5%;\n");
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_and_classes),
        cmocka_unit_test(precedence),
        cmocka_unit_test(priority_of_payments),
        cmocka_unit_test(recovery_reports_several_errors),
        cmocka_unit_test(missing_semicolon_points_at_the_end_of_the_line),
        cmocka_unit_test(deep_nesting_is_an_error_not_a_crash),
        cmocka_unit_test(sections_and_marks),
        cmocka_unit_test(section_labels_in_order),
        cmocka_unit_test(dump_names_every_declaration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
