/*
 * test_json.c — the strict JSON parser (values, positions, every syntax
 * error) and the state file reader and writer.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "fake_deal.h"

static rt_jnode *ok_parse(const char *text)
{
    rt_err e;
    rt_jnode *n = rt_json_parse(text, strlen(text), &e);
    if (!n) {
        print_error("%d:%d: %s\n", e.line, e.col, e.msg);
        fail();
    }
    return n;
}

static void bad_parse(const char *text, size_t len, int line, int col, const char *msg)
{
    rt_err e;
    memset(&e, 0, sizeof e);
    rt_jnode *n = rt_json_parse(text, len, &e);
    if (n) {
        rt_json_free(n);
        print_error("parsed: %s\n", text);
        fail();
    }
    if (e.line != line || e.col != col) {
        print_error("error at %d:%d (%s), expected %d:%d for %s\n", e.line, e.col, e.msg, line, col, text);
        fail();
    }
    assert_contains(e.msg, msg);
}

#define BAD(text, line, col, msg) bad_parse((text), strlen(text), (line), (col), (msg))

static void test_values(void **state)
{
    (void)state;
    rt_jnode *n = ok_parse("\xEF\xBB\xBF{\n  \"a\": [1, -2.50, \"x\\u00e9\\ud83d\\ude00\\n\"],\n"
                           "  \"b\": true, \"c\": null, \"d\": {}, \"e\": [], \"f\": 1.5e3\n}\n");
    assert_int_equal(n->type, RT_J_OBJECT);
    assert_int_equal(n->n, 6);
    assert_string_equal(n->keys[0], "a");
    assert_int_equal(n->key_line[0], 2);
    assert_int_equal(n->key_col[0], 3);
    rt_jnode *a = n->items[0];
    assert_int_equal(a->type, RT_J_ARRAY);
    assert_int_equal(a->line, 2);
    assert_int_equal(a->col, 8);
    assert_int_equal(a->n, 3);
    assert_string_equal(a->items[1]->str, "-2.50");
    assert_int_equal(a->items[1]->col, 12);
    assert_string_equal(a->items[2]->str, "x\xc3\xa9\xf0\x9f\x98\x80\n");
    assert_int_equal(n->items[1]->type, RT_J_BOOL);
    assert_true(n->items[1]->boolean);
    assert_int_equal(n->items[1]->line, 3);
    assert_int_equal(n->items[1]->col, 8);
    assert_int_equal(n->items[2]->type, RT_J_NULL);
    assert_int_equal(n->items[3]->type, RT_J_OBJECT);
    assert_int_equal(n->items[3]->n, 0);
    assert_string_equal(n->items[5]->str, "1.5e3");
    rt_json_free(n);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    BAD("", 1, 1, "empty file");
    BAD("  \n ", 2, 2, "empty file");
    BAD("{\"a\":1,}", 1, 8, "trailing comma");
    BAD("[1,]", 1, 4, "trailing comma");
    BAD("{\"a\" 1}", 1, 6, "expected ':' after the key");
    BAD("{\"a\":1}x", 1, 8, "expected end of file after the JSON value, found 'x'");
    BAD("{\"a\":\"abc", 1, 6, "unterminated string");
    BAD("{\"a\":1,\"a\":2}", 1, 8, "duplicate key \"a\"");
    BAD("{a:1}", 1, 2, "expected a key in double quotes");
    BAD("[1 2]", 1, 4, "expected ',' or ']'");
    BAD("{\"a\":1 \"b\":2}", 1, 8, "expected ',' or '}'");
    BAD("[01]", 1, 3, "expected ',' or ']', found '1'");
    BAD("[-]", 1, 3, "expected a digit");
    BAD("[1.]", 1, 4, "expected a digit after the decimal point");
    BAD("[1e]", 1, 4, "expected a digit in the exponent");
    BAD("[tru]", 1, 2, "expected a value");
    BAD("[\"a\\qb\"]", 1, 4, "bad escape");
    BAD("[\"\\ud800\"]", 1, 3, "unpaired surrogate");
    BAD("[\"\\udc00\"]", 1, 3, "unpaired surrogate");
    BAD("[\"\\u12G4\"]", 1, 7, "hex digit");
    BAD("[\"\\u0000\"]", 1, 3, "NUL character");
    BAD("[\"a\tb\"]", 1, 4, "control character in string");
    BAD("{\n  \"a\": [\n    1,\n    ?\n  ]\n}", 4, 5, "expected a value, found '?'");
    BAD("[1,\n", 2, 1, "expected a value, found end of file");
    bad_parse("[\"a\0b\"]", 7, 1, 4, "control character");
    bad_parse("\x80\x81", 2, 1, 1, "found byte 0x80");

    /* deep nesting: refused, not a stack overflow */
    size_t n = 100000;
    char *deep = malloc(n + 1);
    memset(deep, '[', n);
    deep[n] = '\0';
    BAD(deep, 1, 66, "nesting too deep");
    free(deep);
}

/* ---- state ---------------------------------------------------------------------- */

typedef struct ctx {
    rt_deal *d;
    rt_state st;
    rt_err e;
} ctx;

static int setup(void **state)
{
    ctx *c = calloc(1, sizeof *c);
    c->d = rt_deal_new();
    fake_describe(c->d);
    rt_state_init(&c->st, c->d);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    ctx *c = *state;
    rt_state_free(&c->st);
    rt_deal_free(c->d);
    free(c);
    return 0;
}

static int parse_state(ctx *c, const char *text)
{
    memset(&c->e, 0, sizeof c->e);
    return rt_state_parse(c->d, text, strlen(text), &c->st, &c->e);
}

static void state_error(ctx *c, const char *text, int line, int col, const char *msg)
{
    if (parse_state(c, text)) {
        print_error("parsed, expected %s\n", msg);
        fail();
    }
    if (c->e.line != line || c->e.col != col) {
        print_error("error at %d:%d (%s), expected %d:%d\n", c->e.line, c->e.col, c->e.msg, line, col);
        fail();
    }
    assert_contains(c->e.msg, msg);
}

#define GOOD                                                                     \
    "{\n"                                                                        \
    "  \"deal\": \"" FAKE_NAME "\",\n"                                           \
    "  \"payment_date\": \"2024-02-26\",\n"                                      \
    "  \"distribution_number\": 1,\n"                                            \
    "  \"groups\": [ { \"group\": \"Group 1\", \"pool_balance\": \"1,549,000.00\", " \
    "\"cumulative_loss\": 1000 } ],\n"                                          \
    "  \"classes\": [ { \"class\": \"B\", \"balance\": 500000.00 }, "            \
    "{ \"class\": \"A\", \"balance\": 949000.5 } ]\n"                            \
    "}\n"

static void test_state_good(void **state)
{
    ctx *c = *state;
    if (!parse_state(c, GOOD)) {
        print_error("%d:%d: %s\n", c->e.line, c->e.col, c->e.msg);
        fail();
    }
    assert_int_equal(c->st.distribution_number, 1);
    assert_int_equal(c->st.payment_date, rt_days_from_civil(2024, 2, 26));
    assert_true(c->st.pool_balance[0] == 1549000 * RT_SCALE);
    assert_true(c->st.cumulative_loss[0] == 1000 * RT_SCALE);
    assert_true(c->st.class_balance[0] == 9490005 * RT_SCALE / 10);
    assert_true(c->st.class_balance[1] == 500000 * RT_SCALE);

    /* written and read back: the same state */
    rt_buf b;
    rt_buf_init(&b);
    rt_state_write(c->d, &c->st, &b);
    assert_contains(b.data, "\"pool_balance\": 1549000.00, \"cumulative_loss\": 1000.00");
    assert_contains(b.data, "{ \"class\": \"A\", \"balance\": 949000.50 }");
    rt_state st2;
    rt_state_init(&st2, c->d);
    assert_true(rt_state_parse(c->d, b.data, b.len, &st2, &c->e));
    assert_int_equal(st2.distribution_number, 1);
    assert_int_equal(st2.payment_date, c->st.payment_date);
    assert_true(st2.pool_balance[0] == c->st.pool_balance[0]);
    assert_true(st2.cumulative_loss[0] == c->st.cumulative_loss[0]);
    assert_true(st2.class_balance[0] == c->st.class_balance[0]);
    assert_true(st2.class_balance[1] == c->st.class_balance[1]);
    /* no unpaid interest: no key; some: written and read back */
    assert_null(strstr(b.data, "unpaid_interest"));
    c->st.class_unpaid[1] = 123456 * RT_CENT;
    rt_buf_free(&b);
    rt_buf_init(&b);
    rt_state_write(c->d, &c->st, &b);
    assert_contains(b.data, "{ \"class\": \"B\", \"balance\": 500000.00, \"unpaid_interest\": 1234.56 }");
    assert_true(rt_state_parse(c->d, b.data, b.len, &st2, &c->e));
    assert_true(st2.class_unpaid[1] == 123456 * RT_CENT);
    assert_true(st2.class_unpaid[0] == 0);
    rt_state_free(&st2);
    rt_buf_free(&b);

    /* at closing */
    assert_true(parse_state(c, "{\"deal\": \"" FAKE_NAME "\", \"payment_date\": \"2024-01-30\", "
                               "\"distribution_number\": 0, \"groups\": [{\"group\": \"group 1\", "
                               "\"pool_balance\": 1600000, \"cumulative_loss\": 0}], \"classes\": "
                               "[{\"class\": \"A\", \"balance\": 1000000}, {\"class\": \"B\", \"balance\": 500000}]}"));
    assert_int_equal(c->st.distribution_number, 0);
}

static void test_state_errors(void **state)
{
    ctx *c = *state;
    /* the spec's example position: line 5, column 22 */
    state_error(c,
                "{\n  \"deal\": \"" FAKE_NAME "\",\n  \"payment_date\": \"2024-02-26\",\n"
                "  \"groups\": [\n    { \"group\": \"Group 1\", \"pool_balance\": true, \"cumulative_loss\": 0 }\n"
                "  ],\n  \"distribution_number\": 1,\n  \"classes\": []\n}\n",
                5, 43, "expected a number or a string for \"pool_balance\"");
    state_error(c,
                "{\n  \"deal\": \"" FAKE_NAME "\",\n  \"payment_date\": \"2024-02-26\",\n"
                "  \"distribution_number\": 1,\n  \"groups\": [{\"group\": \"Group 1\",\n"
                "    \"pool_balance\": null, \"cumulative_loss\": 0}], \"classes\": []}",
                6, 21, "expected a number or a string for \"pool_balance\"");
    state_error(c, "{\"deal\": \"Other Trust\", \"payment_date\": \"2024-02-26\", \"distribution_number\": 1, "
                   "\"groups\": [], \"classes\": []}",
                1, 10, "this state is for deal \"Other Trust\", but this program is \"" FAKE_NAME "\"");
    state_error(c, "{\"deal\": \"" FAKE_NAME "\", \"payment_date\": \"2024-02-25\", \"distribution_number\": 1, "
                   "\"groups\": [], \"classes\": []}",
                1, 59, "\"payment_date\" 2024-02-25 does not match distribution 1: expected 2024-02-26");
    state_error(c, "{\"deal\": \"" FAKE_NAME "\", \"payment_date\": \"2024-02-26\", \"distribution_number\": 0, "
                   "\"groups\": [], \"classes\": []}",
                1, 59, "expected the closing date 2024-01-30");
    state_error(c, "{\"deal\": \"" FAKE_NAME "\", \"payment_date\": \"2024-02-26\", \"distribution_number\": 1.5, "
                   "\"groups\": [], \"classes\": []}",
                1, 96, "\"distribution_number\" must be a whole number");
    state_error(c, "{\"deal\": \"" FAKE_NAME "\", \"payment_date\": \"26/02/2024\", \"distribution_number\": 1, "
                   "\"groups\": [], \"classes\": []}",
                1, 59, "bad date \"26/02/2024\"");
    state_error(c, "{\"deal\": \"" FAKE_NAME "\", \"payment_date\": \"2024-02-26\", \"distribution_number\": 1, "
                   "\"groups\": [], \"classes\": [], \"extra\": 1}",
                1, 128, "unknown key \"extra\"");
    state_error(c, "{\"deal\": \"" FAKE_NAME "\", \"payment_date\": \"2024-02-26\", \"distribution_number\": 1, "
                   "\"groups\": []}",
                1, 1, "missing \"classes\"");
    state_error(c, "[]", 1, 1, "expected an object for the state");

#define HEAD "{\"deal\": \"" FAKE_NAME "\", \"payment_date\": \"2024-02-26\", \"distribution_number\": 1,\n"
#define G1 "{\"group\": \"Group 1\", \"pool_balance\": 1, \"cumulative_loss\": 0}"
#define CA "{\"class\": \"A\", \"balance\": 1}"
#define CB "{\"class\": \"B\", \"balance\": 1}"
    state_error(c, HEAD "\"groups\": [], \"classes\": [" CA ", " CB "]}", 2, 11, "group \"Group 1\" is missing");
    state_error(c, HEAD "\"groups\": [" G1 ", {\"group\": \"Group 2\", \"pool_balance\": 1, \"cumulative_loss\": 0}],\n"
                        "\"classes\": []}",
                2, 85, "unknown group \"Group 2\"");
    state_error(c, HEAD "\"groups\": [" G1 ", " G1 "], \"classes\": []}", 2, 85, "group \"Group 1\" appears twice");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", " CA "]}", 3, 53, "class \"A\" appears twice");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA "]}", 3, 12, "class \"B\" is missing");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", {\"class\": \"C\", \"balance\": 1}]}", 3, 53,
                "unknown class \"C\"");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", {\"class\": \"B\", \"balance\": -1}]}", 3, 69,
                "negative balance \"-1\" for \"balance\"");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", {\"class\": \"B\", \"balance\": \"(1.00)\"}]}", 3,
                69, "negative balance");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", {\"class\": \"B\", \"balance\": 1.001}]}", 3, 69,
                "has more than 2 decimals");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", {\"class\": \"B\", \"balance\": 1e6}]}", 3, 69,
                "bad amount \"1e6\" for \"balance\"");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", {\"class\": \"B\", \"balanse\": 1}]}", 3, 58,
                "unknown key \"balanse\" (expected \"class\", \"balance\", \"unpaid_interest\", \"unpaid_realized_loss\", \"basis_risk_carry_forward\")");
    /* carried-forward interest: optional, but never negative or fractional */
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", {\"class\": \"B\", \"balance\": 1, \"unpaid_interest\": -5}]}",
                3, 91, "negative balance \"-5\" for \"unpaid_interest\"");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", {\"class\": \"B\", \"balance\": 1, \"unpaid_interest\": 0.001}]}",
                3, 91, "has more than 2 decimals");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", {\"class\": \"B\"}]}", 3, 43,
                "missing \"balance\"");
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", {\"class\": 7, \"balance\": 1}]}", 3, 53,
                "expected a string for \"class\", found a number");
    state_error(c, HEAD "\"groups\": {},\n\"classes\": []}", 2, 11, "expected an array for \"groups\", found an object");
    /* a syntax error surfaces as such */
    state_error(c, HEAD "\"groups\": [" G1 "],\n\"classes\": [" CA ", " CB "],}", 3, 73, "trailing comma");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test_setup_teardown(test_state_good, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
