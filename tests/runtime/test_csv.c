/*
 * test_csv.c — the CSV tokenizer and the remittance reader: values, header
 * matching, and every error with its line and column.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "fake_deal.h"

/* ---- tokenizer ---------------------------------------------------------------- */

static void test_tokenizer(void **state)
{
    (void)state;
    rt_csv c;
    rt_err e;
    const char *text = "\xEF\xBB\xBF" "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\r\n1,,\"multi\nline\"\n2,3,4";
    assert_true(rt_csv_parse(text, strlen(text), &c, &e));
    assert_int_equal(c.nr, 3);
    assert_int_equal(c.r[0].n, 3);
    assert_string_equal(c.f[0].text, "a");
    assert_int_equal(c.f[0].col, 1);
    assert_string_equal(c.f[1].text, "b,c");
    assert_int_equal(c.f[1].col, 3);
    assert_string_equal(c.f[2].text, "say \"hi\"");
    assert_int_equal(c.r[1].line, 3); /* the blank line is dropped, lines still count */
    assert_string_equal(c.f[c.r[1].first + 1].text, "");
    assert_string_equal(c.f[c.r[1].first + 2].text, "multi\nline");
    assert_int_equal(c.r[2].line, 5);
    assert_string_equal(c.f[c.r[2].first + 2].text, "4"); /* no final newline */
    assert_int_equal(c.f[c.r[2].first + 2].col, 5);
    rt_csv_free(&c);

    const char *unterminated = "a,b\n1,\"open\n2,3\n";
    assert_false(rt_csv_parse(unterminated, strlen(unterminated), &c, &e));
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 3);
    assert_contains(e.msg, "unterminated quoted field");

    const char *stray = "a,b\n1,x\"y\n";
    assert_false(rt_csv_parse(stray, strlen(stray), &c, &e));
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 4);
    assert_contains(e.msg, "quote inside an unquoted field");

    const char *after = "a,b\n1,\"x\"y\n";
    assert_false(rt_csv_parse(after, strlen(after), &c, &e));
    assert_int_equal(e.line, 2);
    assert_int_equal(e.col, 6);

    assert_true(rt_csv_parse("", 0, &c, &e));
    assert_int_equal(c.nr, 0);
    rt_csv_free(&c);

    /* binary bytes are just field text; NUL bytes included */
    const char bin[] = {'a', 0, 'b', ',', (char)0xff, '\n'};
    assert_true(rt_csv_parse(bin, sizeof bin, &c, &e));
    assert_int_equal(c.nr, 1);
    assert_int_equal(c.f[0].len, 3);
    rt_csv_free(&c);
}

/* ---- the remittance reader ------------------------------------------------------- */

/* two groups and an input of every unit */
static void describe2(rt_deal *d)
{
    rt_deal_name(d, "Two Group Trust");
    rt_deal_dates(d, rt_days_from_civil(2024, 1, 30), rt_days_from_civil(2024, 2, 25), 25,
                  RT_BDC_FOLLOWING);
    rt_add_group(d, "Group 1");
    rt_add_group(d, "Group 2");
    rt_add_class(d, "A", 100, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_input(d, "One-Month LIBOR", RT_UNIT_RATE);
    rt_add_input(d, "Swap Payment", RT_UNIT_MONEY);
    rt_add_input(d, "Delinquent Loans", RT_UNIT_COUNT);
    rt_add_input(d, "Index Factor", RT_UNIT_NUMBER);
    rt_add_input(d, "Determination Date", RT_UNIT_DATE);
}

#define H2 "payment_date,group,principal_collections,interest_collections,principal_draws," \
           "liquidation_loss,recoveries,substitution_adjustment,active_loan_count,"          \
           "One-Month LIBOR,Swap Payment,Delinquent Loans,Index Factor,Determination Date\n"

typedef struct ctx {
    rt_deal *d;
    rt_state st;
    rt_remit rm;
    rt_err e;
} ctx;

static int setup(void **state)
{
    ctx *c = calloc(1, sizeof *c);
    c->d = rt_deal_new();
    describe2(c->d);
    rt_state_init(&c->st, c->d);
    c->st.distribution_number = 0;
    c->st.payment_date = rt_days_from_civil(2024, 1, 30);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    ctx *c = *state;
    rt_remit_free(&c->rm);
    rt_state_free(&c->st);
    rt_deal_free(c->d);
    free(c);
    return 0;
}

static int parse(ctx *c, const char *text)
{
    rt_remit_free(&c->rm);
    memset(&c->e, 0, sizeof c->e);
    return rt_remit_parse(c->d, &c->st, text, strlen(text), &c->rm, &c->e);
}

/* the 1-based column where field k (0-based) of an unquoted line starts */
static int fieldcol(const char *line, int k)
{
    int col = 1;
    for (const char *p = line; k > 0 && *p; p++, col++)
        if (*p == ',')
            k--;
    return col;
}

static void expect_error(ctx *c, const char *text, int line, int col, const char *msg)
{
    if (parse(c, text)) {
        print_error("parsed, expected error %s\n", msg);
        fail();
    }
    if (c->e.line != line || c->e.col != col) {
        print_error("error at %d:%d (%s), expected %d:%d\n", c->e.line, c->e.col, c->e.msg, line, col);
        fail();
    }
    assert_contains(c->e.msg, msg);
}

#define R1 "2024-02-26,Group 1,100.00,50.00,,,,,10,1.10%,5.00,3,0.5,2024-02-20\n"
#define R2 "2024-02-26,Group 2,\"1,200.50\",60.25,1.00,2.00,3.00,-4.00,\"1,204\",,,,,\n"
#define R3 "2024-03-25,Group 2,7.00,8.00,0,0,0,0,5,1.2%,0,0,1,2024-03-20\n"
#define R4 "2024-03-25,Group 1,9.00,10.00,0,0,0,0,6,,,,,\n"

static void test_good(void **state)
{
    ctx *c = *state;
    /* dates out of order, CRLF, BOM, header names in other spellings, no
     * final newline */
    const char *text = "\xEF\xBB\xBF"
                       "Payment Date,GROUP,Principal-Collections,interest collections,principal_draws,"
                       "liquidation_loss,recoveries,substitution_adjustment,active_loan_count,"
                       "one_month_libor,SWAP PAYMENT,delinquent-loans,Index_Factor,Determination Date\r\n"
                       "2024-03-25,Group 2,7.00,8.00,0,0,0,0,5,1.2%,0,0,1,2024-03-20\r\n"
                       "2024-02-26,group 1,100.00,50.00,,,,,10,1.10%,5.00,3,0.5,2024-02-20\r\n"
                       "2024-02-26,Group 2,\"1,200.50\",60.25,1.00,2.00,3.00,-4.00,\"1,204\",,,,,\r\n"
                       "2024-03-25,Group 1,9.00,10.00,0,0,0,0,6,,,,,";
    if (!parse(c, text)) {
        print_error("%d:%d: %s\n", c->e.line, c->e.col, c->e.msg);
        fail();
    }
    assert_int_equal(c->rm.nperiods, 2);
    rt_period_in *p = &c->rm.period[0];
    assert_int_equal(p->payment_date, rt_days_from_civil(2024, 2, 26));
    rt_dec *g1 = p->group, *g2 = p->group + RT_GR_REPORTED_COUNT;
    assert_true(g1[RT_GR_PRINCIPAL_COLLECTIONS] == 100 * RT_SCALE);
    assert_true(g1[RT_GR_INTEREST_COLLECTIONS] == 50 * RT_SCALE);
    assert_true(g1[RT_GR_PRINCIPAL_DRAWS] == 0 && g1[RT_GR_LIQUIDATION_LOSS] == 0);
    assert_true(g1[RT_GR_ACTIVE_LOAN_COUNT] == 10 * RT_SCALE);
    assert_true(g2[RT_GR_PRINCIPAL_COLLECTIONS] == 120050 * RT_CENT);
    assert_true(g2[RT_GR_INTEREST_COLLECTIONS] == 6025 * RT_CENT);
    assert_true(g2[RT_GR_PRINCIPAL_DRAWS] == RT_SCALE);
    assert_true(g2[RT_GR_LIQUIDATION_LOSS] == 2 * RT_SCALE);
    assert_true(g2[RT_GR_RECOVERIES] == 3 * RT_SCALE);
    assert_true(g2[RT_GR_SUBSTITUTION_ADJUSTMENT] == -4 * RT_SCALE);
    assert_true(g2[RT_GR_ACTIVE_LOAN_COUNT] == 1204 * RT_SCALE);
    /* inputs: given in one row of the date */
    assert_true(p->input[0] == 11 * RT_SCALE / 1000);
    assert_true(p->input[1] == 5 * RT_SCALE);
    assert_true(p->input[2] == 3 * RT_SCALE);
    assert_true(p->input[3] == RT_SCALE / 2);
    assert_true(p->input[4] == (rt_dec)rt_days_from_civil(2024, 2, 20) * RT_SCALE);
    p = &c->rm.period[1];
    assert_int_equal(p->payment_date, rt_days_from_civil(2024, 3, 25));
    assert_true(p->group[RT_GR_PRINCIPAL_COLLECTIONS] == 9 * RT_SCALE); /* Group 1 first */
    assert_true(p->group[RT_GR_REPORTED_COUNT + RT_GR_PRINCIPAL_COLLECTIONS] == 7 * RT_SCALE);
    assert_true(p->input[0] == 12 * RT_SCALE / 1000);
}

#define R2B "2024-02-26,Group 2,1200.50,60.25,,,,,1204,,,,,\n"

static void test_cell_errors(void **state)
{
    ctx *c = *state;
    /* the spec's example: a mistyped amount */
    expect_error(c, H2 "2024-02-26,Group 1,\"12,3x4.00\",50.00,,,,,10,1.10%,5.00,3,0.5,2024-02-20\n" R2, 2,
                 20, "bad amount \"12,3x4.00\" in column \"principal_collections\"");
    const char *row = "2024-02-26,Group 1,100.00,50.001,,,,,10,1.10%,5.00,3,0.5,2024-02-20\n";
    expect_error(c, H2 "2024-02-26,Group 1,100.00,50.001,,,,,10,1.10%,5.00,3,0.5,2024-02-20\n" R2,
                 2, fieldcol(row, 3), "bad amount \"50.001\" in column \"interest_collections\": more than 2 decimals");
    row = "2024-02-26,Group 1,,50.00,,,,,10,1.10%,5.00,3,0.5,2024-02-20\n";
    expect_error(c, H2 "2024-02-26,Group 1,,50.00,,,,,10,1.10%,5.00,3,0.5,2024-02-20\n" R2, 2, fieldcol(row, 2),
                 "empty cell in column \"principal_collections\"");
    row = "2024-02-26,Group 1,1,2,,,,,10.5,1.10%,5.00,3,0.5,2024-02-20\n";
    expect_error(c, H2 "2024-02-26,Group 1,1,2,,,,,10.5,1.10%,5.00,3,0.5,2024-02-20\n" R2, 2, fieldcol(row, 8),
                 "bad count \"10.5\" in column \"active_loan_count\"");
    row = "2024-02-26,Group 1,1,2,,,,,10,1.10,5.00,3,0.5,2024-02-20\n";
    expect_error(c, H2 "2024-02-26,Group 1,1,2,,,,,10,1.10,5.00,3,0.5,2024-02-20\n" R2, 2, fieldcol(row, 9),
                 "rate \"1.10\" in column \"One-Month LIBOR\" needs a % sign (write 1.10%)");
    expect_error(c, H2 "2024-02-30,Group 1,1,2,,,,,10,1.10%,5.00,3,0.5,2024-02-20\n", 2, 1,
                 "bad date \"2024-02-30\" in column \"payment_date\"");
    expect_error(c, H2 R1 "2024-02-26,Group 3,1,2,,,,,10,,,,,\n", 3, 12,
                 "unknown group \"Group 3\" (the deal's groups are \"Group 1\", \"Group 2\")");
    row = "2024-02-26,Group 1,1,2,,,,,10,1.10%,5.001,3,0.5,2024-02-20\n";
    expect_error(c, H2 "2024-02-26,Group 1,1,2,,,,,10,1.10%,5.001,3,0.5,2024-02-20\n" R2, 2, fieldcol(row, 10),
                 "in column \"Swap Payment\": more than 2 decimals");
    row = "2024-02-26,Group 1,1,2,,,,,10,1.10%,5.00,3,0.5,2024-13-20\n";
    expect_error(c, H2 "2024-02-26,Group 1,1,2,,,,,10,1.10%,5.00,3,0.5,2024-13-20\n" R2, 2, fieldcol(row, 13),
                 "bad date \"2024-13-20\" in column \"Determination Date\"");
    row = "2024-02-26,Group 1,1,2,,,,,10,1.10%,5.00,3,1.5%,2024-02-20\n";
    expect_error(c, H2 "2024-02-26,Group 1,1,2,,,,,10,1.10%,5.00,3,1.5%,2024-02-20\n" R2, 2, fieldcol(row, 12),
                 "bad number \"1.5%\" in column \"Index Factor\"");
    row = "2024-02-26,Group 1,99999999999999999999.00,2,,,,,10,1.10%,5.00,3,0.5,2024-02-20\n";
    expect_error(c, H2 "2024-02-26,Group 1,99999999999999999999.00,2,,,,,10,1.10%,5.00,3,0.5,2024-02-20\n" R2,
                 2, fieldcol(row, 2), "is out of range");
    row = "2024-02-26,Group 1,1,2,,,,,10,1.10%,5.00,3,0.5\n";
    expect_error(c, H2 "2024-02-26,Group 1,1,2,,,,,10,1.10%,5.00,3,0.5\n", 2, fieldcol(row, 12),
                 "this row has 13 fields but the header has 14");
    row = "2024-02-26,Group 1,1,2,,,,,10,1.10%,5.00,3,0.5,2024-02-20,extra\n";
    expect_error(c, H2 "2024-02-26,Group 1,1,2,,,,,10,1.10%,5.00,3,0.5,2024-02-20,extra\n", 2, fieldcol(row, 14),
                 "this row has 15 fields but the header has 14");
}

static void test_row_errors(void **state)
{
    ctx *c = *state;
    expect_error(c, H2 R1 R2 "2024-02-26,Group 1,1,2,,,,,10,,,,,\n", 4, 12,
                 "second row for payment date 2024-02-26 and group \"Group 1\" (the first is on line 2)");
    expect_error(c, H2 R1, 2, 1, "payment date 2024-02-26 has no row for group \"Group 2\"");
    expect_error(c, H2 R1 R2 R3, 4, 1, "payment date 2024-03-25 has no row for group \"Group 1\"");
    /* the nominal date is not the payment date: 25 February 2024 was a Sunday */
    expect_error(c, H2 "2024-02-25,Group 1,1,2,,,,,10,1.10%,,,,\n2024-02-25,Group 2,1,2,,,,,10,,,,,\n", 2, 1,
                 "payment date 2024-02-25 is not the next one: expected 2024-02-26 (distribution 1, the one "
                 "after the opening state's 2024-01-30)");
    /* a skipped month */
    expect_error(c,
                 H2 R1 R2 "2024-04-25,Group 1,1,2,,,,,10,1.10%,0,0,0,2024-04-20\n2024-04-25,Group 2,1,2,,,,,10,,,,,\n",
                 4, 1,
                 "payment date 2024-04-25 is not the next one: expected 2024-03-25 (distribution 2, the one "
                 "after 2024-02-26)");
    /* a state already past these dates */
    c->st.distribution_number = 1;
    c->st.payment_date = rt_days_from_civil(2024, 2, 26);
    expect_error(c, H2 R1 R2, 2, 1, "expected 2024-03-25 (distribution 2");
    c->st.distribution_number = 0;
    c->st.payment_date = rt_days_from_civil(2024, 1, 30);
}

static void test_input_errors(void **state)
{
    ctx *c = *state;
    const char *r2 = "2024-02-26,Group 2,1200.50,60.25,,,,,1204,1.20%,,,,\n";
    expect_error(c, H2 R1 "2024-02-26,Group 2,1200.50,60.25,,,,,1204,1.20%,,,,\n", 3, fieldcol(r2, 9),
                 "\"One-Month LIBOR\" is \"1.20%\" here but \"1.10%\" on line 2 for the same payment date 2024-02-26");
    /* equal values written differently agree */
    assert_true(parse(c, H2 R1 "2024-02-26,Group 2,1200.50,60.25,,,,,1204,1.1%,5,3,0.50,2024-02-20\n"));
    const char *r1 = "2024-02-26,Group 1,100.00,50.00,,,,,10,,5.00,3,0.5,2024-02-20\n";
    expect_error(c, H2 "2024-02-26,Group 1,100.00,50.00,,,,,10,,5.00,3,0.5,2024-02-20\n" R2B, 2, fieldcol(r1, 9),
                 "no value for \"One-Month LIBOR\" on payment date 2024-02-26");
}

static void test_header_errors(void **state)
{
    ctx *c = *state;
    const char *h = "payment_date,group,principle_collections,interest_collections,principal_draws,"
                    "liquidation_loss,recoveries,substitution_adjustment,active_loan_count,"
                    "One-Month LIBOR,Swap Payment,Delinquent Loans,Index Factor,Determination Date\n";
    char text[1024];
    snprintf(text, sizeof text, "%s%s%s", h, R1, R2);
    expect_error(c, text, 1, 20, "unknown column \"principle_collections\"");
    expect_error(c,
                 "payment_date,group,principal_collections,interest_collections,principal_draws,"
                 "liquidation_loss,substitution_adjustment,active_loan_count,"
                 "One-Month LIBOR,Swap Payment,Delinquent Loans,Index Factor,Determination Date\n" R1,
                 1, 1, "missing column \"recoveries\"");
    expect_error(c,
                 "payment_date,group,principal_collections,interest_collections,principal_draws,"
                 "liquidation_loss,recoveries,substitution_adjustment,active_loan_count,"
                 "Swap Payment,Delinquent Loans,Index Factor,Determination Date\n",
                 1, 1, "missing column \"One-Month LIBOR\"");
    expect_error(c, "payment_date,Group,group\n", 1, 20, "column \"group\" appears twice");
    expect_error(c, "payment_date,,group\n", 1, 14, "empty column name");
    expect_error(c, "", 1, 1, "empty file");
    expect_error(c, "\xEF\xBB\xBF", 1, 1, "empty file");
    expect_error(c, "\n\n\r\n", 1, 1, "empty file");
    expect_error(c, H2, 2, 1, "no rows after the header");
}

static void test_hostile_input(void **state)
{
    ctx *c = *state;
    /* binary garbage: an error, shown with escapes, never a crash */
    const char garbage[] = "\x01\x02\xff\xfe garbage\x7f,\"\n";
    assert_false(parse(c, garbage));
    /* NUL bytes in the header */
    const char nul[] = {'a', 0, 'b', '\n', '1', '\n'};
    rt_remit_free(&c->rm);
    assert_false(rt_remit_parse(c->d, &c->st, nul, sizeof nul, &c->rm, &c->e));
    assert_contains(c->e.msg, "unknown column \"a\\x00b\"");
    /* a line of megabytes */
    size_t big = 3u << 20;
    char *text = malloc(big + 2048);
    strcpy(text, H2 "2024-02-26,Group 1,");
    size_t n = strlen(text);
    memset(text + n, '9', big);
    strcpy(text + n + big, ",2,,,,,10,1.10%,5.00,3,0.5,2024-02-20\n" R2);
    assert_false(parse(c, text));
    assert_int_equal(c->e.line, 2);
    assert_int_equal(c->e.col, 20);
    assert_contains(c->e.msg, "out of range");
    assert_true(strlen(c->e.msg) < 300); /* the cell is cut short in the message */
    free(text);
    /* every prefix of a good file: an error or a success, never a crash */
    const char *good = H2 R1 R2 R3 R4;
    size_t len = strlen(good);
    for (size_t i = 0; i <= len; i++) {
        rt_remit_free(&c->rm);
        char *copy = malloc(i + 1);
        memcpy(copy, good, i);
        copy[i] = '\0';
        rt_remit_parse(c->d, &c->st, copy, i, &c->rm, &c->e);
        free(copy);
    }
    assert_true(parse(c, good));
    assert_int_equal(c->rm.nperiods, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokenizer),
        cmocka_unit_test_setup_teardown(test_good, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cell_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_row_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
