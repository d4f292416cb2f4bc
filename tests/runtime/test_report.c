/*
 * test_report.c — the statement writers on a hand-filled slot array: units,
 * negatives, notional classes, a missing class-table line, and quoting of
 * awkward names in CSV and JSON.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

static rt_deal *make_deal(void)
{
    rt_deal *d = rt_deal_new();
    rt_deal_name(d, "Trust \"Q\", 2024");
    rt_deal_dates(d, rt_days_from_civil(2024, 1, 2), rt_days_from_civil(2024, 1, 25), 25, RT_BDC_NONE);
    rt_add_group(d, "G");
    rt_add_class(d, "A,1", 40000, RT_CLASS_PRINCIPAL, RT_DC_ACT_360); /* 400.00 */
    rt_add_class(d, "IO", 0, RT_CLASS_NOTIONAL, RT_DC_30_360);
    rt_add_party(d, "Fee", 0);
    rt_add_party(d, "Res", 1);
    rt_add_line(d, "Loss, net", RT_UNIT_MONEY);
    rt_add_line(d, "Say \"hi\"", RT_UNIT_RATE);
    rt_add_line(d, "Flag", RT_UNIT_BOOL);
    rt_add_line(d, "Loans", RT_UNIT_COUNT);
    rt_add_line(d, "Ratio", RT_UNIT_NUMBER);
    rt_add_line(d, "When", RT_UNIT_DATE);
    return d;
}

static rt_dec *make_slots(const rt_deal *d)
{
    const rt_layout *l = rt_deal_layout(d);
    rt_dec *s = calloc((size_t)l->total, sizeof *s);
    s[RT_G_PAYMENT_DATE] = (rt_dec)rt_days_from_civil(2024, 2, 25) * RT_SCALE;
    s[RT_G_DIST_NUMBER] = 2 * RT_SCALE;
    s[RT_SLOT_CLASS(l, 0, RT_C_ORIGINAL)] = 400 * RT_SCALE;
    s[RT_SLOT_CLASS(l, 0, RT_C_BEGIN_BALANCE)] = 100 * RT_SCALE;
    s[RT_SLOT_CLASS(l, 0, RT_C_PRINCIPAL_PAID)] = 10 * RT_SCALE;
    s[RT_SLOT_CLASS(l, 0, RT_C_END_BALANCE)] = 90 * RT_SCALE;
    s[RT_SLOT_CLASS(l, 0, RT_C_COUPON)] = 12 * RT_SCALE / 1000; /* 1.2% */
    s[RT_SLOT_CLASS(l, 0, RT_C_INTEREST_PAID)] = 5 * RT_CENT;
    s[RT_SLOT_CLASS(l, 1, RT_C_BEGIN_BALANCE)] = 1000 * RT_SCALE;
    s[RT_SLOT_CLASS(l, 1, RT_C_END_BALANCE)] = 900 * RT_SCALE;
    s[RT_SLOT_CLASS(l, 1, RT_C_COUPON)] = 7 * RT_SCALE / 100;
    s[RT_SLOT_CLASS(l, 1, RT_C_INTEREST_PAID)] = 583 * RT_CENT;
    s[RT_SLOT_PARTY(l, 0, RT_P_PAID)] = RT_SCALE;
    s[RT_SLOT_PARTY(l, 1, RT_P_PAID)] = 250 * RT_CENT;
    s[RT_SLOT_LINE(l, 0)] = -(rt_dec)50818637 * RT_CENT;
    s[RT_SLOT_LINE(l, 1)] = 77745 * RT_SCALE / 1000000; /* 7.7745% */
    s[RT_SLOT_LINE(l, 2)] = 0;
    s[RT_SLOT_LINE(l, 3)] = 11704 * RT_SCALE;
    s[RT_SLOT_LINE(l, 4)] = RT_SCALE / 3;
    s[RT_SLOT_LINE(l, 5)] = (rt_dec)rt_days_from_civil(2024, 2, 20) * RT_SCALE;
    return s;
}

static char *render(rt_format f)
{
    rt_deal *d = make_deal();
    rt_dec *s = make_slots(d);
    rt_buf b;
    rt_buf_init(&b);
    rt_report_begin(d, f, &b);
    rt_report_period(d, f, s, 1, &b);
    rt_report_end(d, f, 1, &b);
    free(s);
    rt_deal_free(d);
    return b.data;
}

static void test_table(void **state)
{
    (void)state;
    char *o = render(RT_FORMAT_TABLE);
    assert_contains(o, "Payment Date  02/25/2024\n");
    assert_contains(o, "(508,186.37)\n");
    assert_contains(o, "7.77450%\n");
    assert_contains(o, "No\n");
    assert_contains(o, "11,704\n");
    assert_contains(o, "0.3333333\n");
    assert_contains(o, "2024-02-20\n");
    /* no empty-label line: the class table comes after the lines */
    const char *when = strstr(o, "When");
    const char *tbl = strstr(o, "Class A,1");
    assert_non_null(when);
    assert_non_null(tbl);
    assert_true(when < tbl);
    /* factor 90/400 = 0.225; security 90/400 = 22.50%; coupon 1.200% */
    assert_contains(o, "0.2250000");
    assert_contains(o, "22.50%");
    assert_contains(o, "1.200%");
    /* the notional class issued with no original: no factor (the trustee's
     * "-", as on GMACM 2002-HE1's VF-1 row), security 0 */
    assert_contains(o, "Class IO");
    const char *io = strstr(o, "Class IO");
    assert_non_null(io);
    assert_true(strstr(io, "  -  ") != NULL && strstr(io, "  -  ") < strchr(io, '\n'));
    assert_contains(o, "0.00%");
    assert_contains(o, "7.000%");
    /* only the residual party gets a row */
    assert_contains(o, "\nRes ");
    assert_null(strstr(o, "\nFee"));
    free(o);
}

static void test_csv(void **state)
{
    (void)state;
    char *o = render(RT_FORMAT_CSV);
    assert_contains(o, "payment_date,section,name,field,value\n2024-02-25,class,\"A,1\",beginning_balance,100.00\n");
    assert_contains(o, "2024-02-25,class,\"A,1\",factor,0.2250000\n");
    assert_contains(o, "2024-02-25,class,\"A,1\",security_percent,22.50\n");
    assert_contains(o, "2024-02-25,class,\"A,1\",coupon_percent,1.2\n");
    assert_contains(o, "2024-02-25,class,IO,security_percent,0.00\n");
    assert_contains(o, "2024-02-25,class,IO,interest,5.83\n");
    assert_contains(o, "2024-02-25,party,Fee,paid,1.00\n");
    assert_contains(o, "2024-02-25,party,Res,paid,2.50\n");
    assert_contains(o, "2024-02-25,line,\"Loss, net\",value,-508186.37\n");
    assert_contains(o, "2024-02-25,line,\"Say \"\"hi\"\"\",value,7.7745\n");
    assert_contains(o, "2024-02-25,line,Flag,value,false\n");
    assert_contains(o, "2024-02-25,line,Loans,value,11704\n");
    assert_contains(o, "2024-02-25,line,Ratio,value,0.333333333333\n");
    assert_contains(o, "2024-02-25,line,When,value,2024-02-20\n");
    free(o);
}

static void test_json(void **state)
{
    (void)state;
    char *o = render(RT_FORMAT_JSON);
    assert_contains(o, "\"payment_date\": \"2024-02-25\", \"distribution_number\": 2");
    assert_contains(o, "{\"class\": \"A,1\", \"beginning_balance\": 100.00, \"principal\": 10.00, \"interest\": 0.05, "
                       "\"interest_shortfall\": 0.00, \"ending_balance\": 90.00, \"factor\": 0.2250000, "
                       "\"security_percent\": 22.50, \"coupon_percent\": 1.2}");
    assert_contains(o, "\"coupon_percent\": 7}");
    assert_contains(o, "\"Loss, net\": -508186.37");
    assert_contains(o, "\"Say \\\"hi\\\"\": 7.7745");
    assert_contains(o, "\"Flag\": false");
    assert_contains(o, "\"Loans\": 11704");
    assert_contains(o, "\"When\": \"2024-02-20\"");
    rt_err e;
    rt_jnode *n = rt_json_parse(o, strlen(o), &e);
    assert_non_null(n);
    rt_json_free(n);
    free(o);

    /* no periods: an empty array */
    rt_deal *d = make_deal();
    rt_buf b;
    rt_buf_init(&b);
    rt_report_begin(d, RT_FORMAT_JSON, &b);
    rt_report_end(d, RT_FORMAT_JSON, 0, &b);
    assert_string_equal(b.data, "[]\n");
    rt_buf_free(&b);
    rt_deal_free(d);
}

static void test_quoting(void **state)
{
    (void)state;
    rt_buf b;
    rt_buf_init(&b);
    rt_buf_json_string(&b, "a\"b\\c\n\x01\t");
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\\t\"");
    rt_buf_free(&b);
    rt_buf_csv_field(&b, "plain");
    rt_buf_putc(&b, ',');
    rt_buf_csv_field(&b, "two\nlines");
    rt_buf_putc(&b, ',');
    rt_buf_csv_field(&b, " padded");
    assert_string_equal(b.data, "plain,\"two\nlines\",\" padded\"");
    rt_buf_free(&b);
    char q[128];
    rt_msg_quote(q, sizeof q, "a\"\xff", 3);
    assert_string_equal(q, "a\\\"\\xff");
    char big[500];
    memset(big, 'x', sizeof big);
    rt_msg_quote(q, sizeof q, big, sizeof big);
    assert_true(strlen(q) <= 64);
    assert_contains(q, "...");
    /* a long printf into the buffer */
    rt_buf_printf(&b, "%0300d|%s", 7, "end");
    assert_int_equal(b.len, 304);
    assert_string_equal(b.data + 300, "|end");
    rt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_quoting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
