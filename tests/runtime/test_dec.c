/*
 * test_dec.c — exact decimal arithmetic and decimal text. Expected values
 * are worked by hand (or quoted from the trustee statements the deals are
 * checked against), never taken from the code's own output.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S RT_SCALE

static char *fmt(rt_dec v)
{
    static char b[4][RT_NUMBUF];
    static int i;
    return rt_fmt_fixed(b[i++ % 4], v, 12, 0, 0);
}

#define assert_dec(a, b)                                                                        \
    do {                                                                                        \
        rt_dec a_ = (a), b_ = (b);                                                              \
        if (a_ != b_) {                                                                         \
            print_error("%s = %s, expected %s\n", #a, fmt(a_), fmt(b_));                         \
            fail();                                                                             \
        }                                                                                       \
    } while (0)

static void test_mul(void **state)
{
    (void)state;
    rt_run *run = rt_run_new(NULL);
    assert_dec(rt_dec_mul(run, 3 * S / 2, 9 * S / 4, -1), 3375 * S / 1000);
    /* 1e-12 * 0.5 = 0.5e-12: half away from zero at the 12th decimal */
    assert_dec(rt_dec_mul(run, 1, S / 2, -1), 1);
    assert_dec(rt_dec_mul(run, -1, S / 2, -1), -1);
    assert_dec(rt_dec_mul(run, 1, S / 2 - 1, -1), 0);
    assert_dec(rt_dec_mul(run, -7 * S, -6 * S, -1), 42 * S);
    /* a product too wide for 128 bits whose result is in range:
     * 10^9 * 10^8 = 10^17 (raw product 10^41) */
    rt_dec e9 = (rt_dec)1000000000 * S, e8 = (rt_dec)100000000 * S;
    assert_dec(rt_dec_mul(run, e9, e8, -1), (rt_dec)100000000000000000LL * S);
    assert_dec(rt_dec_mul(run, -e9, e8, -1), -(rt_dec)100000000000000000LL * S);
    assert_false(rt_run_failed(run));
    assert_string_equal(rt_run_error(run), "");
    rt_run_free(run);
}

static void test_mul_overflow(void **state)
{
    (void)state;
    rt_deal *d = rt_deal_new();
    rt_set_source(d, "deal.deal");
    int32_t site = rt_add_site(d, "definition \"Excess Cash\"", 12, 5);
    assert_int_equal(site, 0);
    rt_run *run = rt_run_new(d);
    rt_dec e17 = (rt_dec)100000000000000000LL * S;
    /* 10^17 * 10^17 = 10^34, far beyond 10^18 */
    assert_dec(rt_dec_mul(run, e17, e17, site), 0);
    assert_true(rt_run_failed(run));
    assert_contains(rt_run_error(run), "amount out of range");
    assert_contains(rt_run_error(run), "in definition \"Excess Cash\" (deal.deal:12:5)");
    /* just past the limit: 10^18 * 1.000000000001 */
    rt_run_reset(run);
    assert_dec(rt_dec_mul(run, RT_DEC_LIMIT, S + 1, -1), 0);
    assert_true(rt_run_failed(run));
    /* exactly the limit is allowed */
    rt_run_reset(run);
    assert_dec(rt_dec_mul(run, RT_DEC_LIMIT, S, -1), RT_DEC_LIMIT);
    assert_false(rt_run_failed(run));
    rt_run_free(run);
    rt_deal_free(d);
}

static void test_div(void **state)
{
    (void)state;
    rt_deal *d = rt_deal_new();
    rt_set_source(d, "deal.deal");
    rt_add_site(d, "nothing", 1, 1);
    int32_t site = rt_add_site(d, "definition \"Excess Cash\"", 12, 5);
    rt_run *run = rt_run_new(d);
    assert_dec(rt_dec_div(run, S, 3 * S, -1), 333333333333);
    assert_dec(rt_dec_div(run, 2 * S, 3 * S, -1), 666666666667);
    assert_dec(rt_dec_div(run, -2 * S, 3 * S, -1), -666666666667);
    assert_dec(rt_dec_div(run, 2 * S, -3 * S, -1), -666666666667);
    assert_dec(rt_dec_div(run, 7 * S, 2 * S, -1), 35 * S / 10);
    /* 1,549,000 / 1,600,000 = 0.968125 */
    assert_dec(rt_dec_div(run, 1549000 * S, 1600000 * S, -1), 968125000000);
    assert_false(rt_run_failed(run));
    assert_dec(rt_dec_div(run, 5 * S, 0, site), 0);
    assert_true(rt_run_failed(run));
    assert_string_equal(rt_run_error(run),
                        "division by zero in definition \"Excess Cash\" (deal.deal:12:5)");
    /* the first error is kept */
    rt_dec_mul(run, RT_DEC_LIMIT, RT_DEC_LIMIT, 0);
    assert_string_equal(rt_run_error(run),
                        "division by zero in definition \"Excess Cash\" (deal.deal:12:5)");
    /* overflow: 10^18 / 0.1 */
    rt_run_reset(run);
    assert_dec(rt_dec_div(run, RT_DEC_LIMIT, S / 10, -1), 0);
    assert_contains(rt_run_error(run), "amount out of range");
    /* a site without a source file still names the position */
    rt_run_free(run);
    rt_deal_free(d);

    /* no run at all: must not crash */
    assert_dec(rt_dec_div(NULL, S, 0, 3), 0);
}

static void test_round_cents(void **state)
{
    (void)state;
    assert_dec(rt_dec_round_cents(D("12.345")), D("12.35"));
    assert_dec(rt_dec_round_cents(D("-12.345")), D("-12.35"));
    assert_dec(rt_dec_round_cents(D("12.344999999999")), D("12.34"));
    assert_dec(rt_dec_round_cents(D("0.005")), D("0.01"));
    assert_dec(rt_dec_round_cents(D("0.004999999999")), 0);
    assert_dec(rt_dec_round_cents(D("39320.6495")), D("39320.65"));
    assert_dec(rt_dec_round_cents(D("7.00")), 7 * S);
    assert_dec(rt_dec_round_cents(0), 0);
}

static void test_interest(void **state)
{
    (void)state;
    rt_run *run = rt_run_new(NULL);
    rt_dec d30 = 30 * S;
    /* figures from the GMACM 2003-HE2 statement of 2004-02-25 */
    assert_dec(rt_dec_interest(run, 360, -1, D("133373590.32"), D("1.20%"), d30), D("133373.59"));
    assert_dec(rt_dec_interest(run, 360, -1, D("22233000"), D("4.62%"), d30), D("85597.05"));
    assert_dec(rt_dec_interest(run, 360, -1, D("161627000"), D("3.14%"), d30), D("422923.98"));
    assert_dec(rt_dec_interest(run, 360, -1, D("65665892.28"), D("6%"), d30), D("328329.46"));
    assert_dec(rt_dec_interest(run, 360, -1, D("401572590.32"), D("0.1175%"), d30), D("39320.65"));
    assert_dec(rt_dec_interest(run, 360, -1, D("76000000"), D("7%"), d30), D("443333.33"));
    /* 949,000 x 5.55% / 12 = 4,389.125 exactly: half-up to 4,389.13 */
    assert_dec(rt_dec_interest(run, 360, -1, D("949000"), D("5.55%"), d30), D("4389.13"));
    /* actual/360: 1,000,000 x 5.5% x 26/360 = 3,972.2222 */
    assert_dec(rt_dec_interest(run, 360, -1, D("1000000"), D("5.5%"), 26 * S), D("3972.22"));
    /* 365 basis: 1,000,000 x 3.65% x 1/365 = 100.00 */
    assert_dec(rt_dec_interest(run, 365, -1, D("1000000"), D("3.65%"), S), D("100.00"));
    /* negative balance rounds away from zero: -949,000 -> -4,389.13 */
    assert_dec(rt_dec_interest(run, 360, -1, D("-949000"), D("5.55%"), d30), D("-4389.13"));
    /* a huge but in-range result goes through the wide path */
    assert_dec(rt_dec_interest(run, 360, -1, D("100000000000000000"), D("1000%"), 36 * S),
               D("100000000000000000"));
    assert_false(rt_run_failed(run));
    /* over the limit: 10^17 x 1000% x 720/360 = 2 x 10^18 */
    assert_dec(rt_dec_interest(run, 360, -1, D("100000000000000000"), D("1000%"), 720 * S), 0);
    assert_contains(rt_run_error(run), "amount out of range");
    rt_run_reset(run);
    assert_dec(rt_dec_interest(run, 0, -1, D("100"), D("1%"), d30), 0);
    assert_true(rt_run_failed(run));
    rt_run_free(run);
}

static void test_pro_rata(void **state)
{
    (void)state;
    /* equal weights (the header caps each share at its weight, so the
     * weights must cover the amount) */
    rt_dec w[4] = {D("1000.00"), D("1000.00"), D("1000.00")}, out[4];
    rt_alloc_pro_rata(D("100.00"), 3, w, out);
    assert_dec(out[0], D("33.34"));
    assert_dec(out[1], D("33.33"));
    assert_dec(out[2], D("33.33"));

    rt_dec w2[3] = {D("1000.00"), D("2000.00"), D("3000.00")};
    /* 1000 over 1:2:3 = 166.666.., 333.333.., 500: the leftover cent goes
     * to the largest remainder (.666 beats .333) */
    rt_alloc_pro_rata(D("1000.00"), 3, w2, out);
    assert_dec(out[0], D("166.67"));
    assert_dec(out[1], D("333.33"));
    assert_dec(out[2], D("500.00"));

    /* 0.05 over four equal weights: ties go to the earlier index */
    rt_dec w3[4] = {D("10"), D("10"), D("10"), D("10")};
    rt_alloc_pro_rata(D("0.05"), 4, w3, out);
    assert_dec(out[0], D("0.02"));
    assert_dec(out[1], D("0.01"));
    assert_dec(out[2], D("0.01"));
    assert_dec(out[3], D("0.01"));

    rt_dec zero[2] = {0, 0};
    out[0] = out[1] = 123;
    rt_alloc_pro_rata(D("5.00"), 2, zero, out);
    assert_dec(out[0], 0);
    assert_dec(out[1], 0);

    /* amount == sum of weights pays every weight in full */
    rt_dec w4[3] = {D("0.01"), D("123456.78"), D("0")};
    rt_alloc_pro_rata(D("123456.79"), 3, w4, out);
    assert_dec(out[0], D("0.01"));
    assert_dec(out[1], D("123456.78"));
    assert_dec(out[2], 0);

    /* outside the contract (amount above the weights): nobody is paid past
     * their weight */
    rt_dec w5[2] = {D("1.00"), D("2.00")};
    rt_alloc_pro_rata(D("100.00"), 2, w5, out);
    assert_dec(out[0], D("1.00"));
    assert_dec(out[1], D("2.00"));

    /* products past 128 bits: 100,000,000,000,000,000.01 over two equal
     * weights of 500,000,000,000,000,000.00; the odd cent goes to the first */
    rt_dec w6[2] = {D("500000000000000000"), D("500000000000000000")};
    rt_alloc_pro_rata(D("100000000000000000.01"), 2, w6, out);
    assert_dec(out[0], D("50000000000000000.01"));
    assert_dec(out[1], D("50000000000000000.00"));

    /* properties over pseudo-random cases */
    uint64_t seed = 12345;
    for (int iter = 0; iter < 2000; iter++) {
        rt_dec ws[6], o[6], total = 0;
        int n = 1 + (int)(iter % 6);
        for (int i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            ws[i] = (rt_dec)((seed >> 20) % 100000000000ULL) * RT_CENT;
            if (seed % 7 == 0)
                ws[i] = 0;
            total += ws[i];
        }
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        rt_dec amount = total == 0 ? 0 : (rt_dec)((seed >> 11) % (uint64_t)(total / RT_CENT + 1)) * RT_CENT;
        rt_alloc_pro_rata(amount, n, ws, o);
        rt_dec sum = 0;
        for (int i = 0; i < n; i++) {
            assert_true(o[i] >= 0 && o[i] <= ws[i]);
            assert_true(o[i] % RT_CENT == 0);
            sum += o[i];
        }
        assert_dec(sum, amount);
    }
}

static void test_parse(void **state)
{
    (void)state;
    rt_dec v;
    rt_numtext info;
    assert_int_equal(rt_dec_parse("15998210.91", 11, &v, &info), RT_PARSE_OK);
    assert_dec(v, (rt_dec)1599821091 * RT_CENT);
    assert_int_equal(info.decimals, 2);
    assert_int_equal(rt_dec_parse("15,998,210.91", 13, &v, NULL), RT_PARSE_OK);
    assert_dec(v, (rt_dec)1599821091 * RT_CENT);
    assert_int_equal(rt_dec_parse("-0.5", 4, &v, NULL), RT_PARSE_OK);
    assert_dec(v, -S / 2);
    assert_int_equal(rt_dec_parse("1.10%", 5, &v, &info), RT_PARSE_OK);
    assert_dec(v, 11 * S / 1000);
    assert_true(info.percent);
    assert_int_equal(rt_dec_parse("(508,186.37)", 12, &v, NULL), RT_PARSE_OK);
    assert_dec(v, -(rt_dec)50818637 * RT_CENT);
    assert_int_equal(rt_dec_parse(" 7 ", 3, &v, NULL), RT_PARSE_OK);
    assert_dec(v, 7 * S);
    assert_int_equal(rt_dec_parse("7.77450%", 8, &v, NULL), RT_PARSE_OK);
    assert_dec(v, 77745000000);
    assert_int_equal(rt_dec_parse("0.000000000001", 14, &v, NULL), RT_PARSE_OK);
    assert_dec(v, 1);
    assert_int_equal(rt_dec_parse("1000000000000000000", 19, &v, NULL), RT_PARSE_OK);
    assert_dec(v, RT_DEC_LIMIT);

    static const char *bad[] = {"12,3x4.00", "1,2345.00", "", "abc", "1.", "--1", "1e5", "(5",
                                "5%%", ",100", "100,", "1,00", "(-5)", ".", "-", "1 000", "0x10",
                                "1.2.3", "%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (rt_dec_parse(bad[i], strlen(bad[i]), &v, NULL) != RT_PARSE_BAD) {
            print_error("\"%s\" parsed\n", bad[i]);
            fail();
        }
    }
    assert_int_equal(rt_dec_parse("10000000000000000000", 20, &v, NULL), RT_PARSE_RANGE);
    assert_int_equal(rt_dec_parse("99999999999999999999999999999999999999999999", 44, &v, NULL),
                     RT_PARSE_RANGE);
    assert_int_equal(rt_dec_parse("0.1234567890123", 15, &v, NULL), RT_PARSE_PRECISION);
    assert_int_equal(rt_dec_parse("0.12345678901%", 14, &v, NULL), RT_PARSE_PRECISION);
    /* length is honoured: no reading past n */
    assert_int_equal(rt_dec_parse("12345", 2, &v, NULL), RT_PARSE_OK);
    assert_dec(v, 12 * S);
}

static void test_format(void **state)
{
    (void)state;
    char b[RT_NUMBUF];
    assert_string_equal(rt_fmt_money(b, D("1234567.89"), 1, 1), "1,234,567.89");
    assert_string_equal(rt_fmt_money(b, D("1234567.89"), 0, 0), "1234567.89");
    assert_string_equal(rt_fmt_money(b, D("-508186.37"), 1, 1), "(508,186.37)");
    assert_string_equal(rt_fmt_money(b, D("-508186.37"), 0, 0), "-508186.37");
    assert_string_equal(rt_fmt_money(b, D("-508186.37"), 1, 0), "-508,186.37");
    assert_string_equal(rt_fmt_money(b, D("1234567.895"), 1, 1), "1,234,567.90");
    assert_string_equal(rt_fmt_money(b, D("-0.001"), 1, 1), "0.00");
    assert_string_equal(rt_fmt_money(b, 0, 1, 1), "0.00");
    assert_string_equal(rt_fmt_money(b, D("999.99"), 1, 1), "999.99");
    assert_string_equal(rt_fmt_money(b, D("100000"), 1, 1), "100,000.00");
    assert_string_equal(rt_fmt_money(b, RT_DEC_LIMIT, 1, 1), "1,000,000,000,000,000,000.00");
    assert_string_equal(rt_fmt_money(b, -RT_DEC_LIMIT, 0, 0), "-1000000000000000000.00");
    assert_string_equal(rt_fmt_percent(b, D("7.77450%"), 5), "7.77450");
    assert_string_equal(rt_fmt_percent(b, D("1.2%"), 3), "1.200");
    assert_string_equal(rt_fmt_percent(b, D("0.0123455"), 3), "1.235"); /* half-up */
    assert_string_equal(rt_fmt_percent_trim(b, D("1.10%")), "1.1");
    assert_string_equal(rt_fmt_percent_trim(b, D("5%")), "5");
    assert_string_equal(rt_fmt_percent_trim(b, 0), "0");
    assert_string_equal(rt_fmt_percent_trim(b, D("0.1175%")), "0.1175");
    assert_string_equal(rt_fmt_fixed(b, D("0.317268049"), 7, 0, 0), "0.3172680");
    assert_string_equal(rt_fmt_fixed(b, D("0.31726805"), 7, 0, 0), "0.3172681");
    assert_string_equal(rt_fmt_fixed(b, D("11704"), 0, 1, 0), "11,704");
    assert_string_equal(rt_fmt_fixed(b, D("-2.5"), 0, 0, 0), "-3");
    assert_string_equal(rt_fmt_trim(b, D("0.968125")), "0.968125");
    assert_string_equal(rt_fmt_trim(b, D("100")), "100");
    assert_string_equal(rt_fmt_trim(b, 1), "0.000000000001");
    assert_string_equal(rt_fmt_trim(b, -S / 2), "-0.5");
    /* the compiler's canonical money: every digit, at least the cents */
    assert_string_equal(rt_fmt_exact(b, D("1234567.5"), 2, 1), "1,234,567.50");
    assert_string_equal(rt_fmt_exact(b, D("100"), 2, 1), "100.00");
    assert_string_equal(rt_fmt_exact(b, D("0.125"), 2, 1), "0.125");
    assert_string_equal(rt_fmt_exact(b, -S / 2, 0, 0), "-0.5");
    assert_string_equal(rt_fmt_exact(b, D("1000"), 0, 1), "1,000");
}

/* The one JSON and HTML escaper (buf.c), which the compiler's redline and
 * pages use too. */
static void test_escapers(void **state)
{
    (void)state;
    rt_buf b;
    rt_buf_init(&b);
    rt_buf_json_string(&b, "a\"b\\c\n\x01\x7f");
    rt_buf_putc(&b, '\0');
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\\u007f\"");
    rt_buf_free(&b);
    rt_buf_init(&b);
    rt_buf_html_text(&b, "<a href=\"x\">R&D</a>tail", 19); /* 19 bytes: not the tail */
    rt_buf_putc(&b, '\0');
    assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;R&amp;D&lt;/a&gt;");
    rt_buf_free(&b);
}

static void test_ratio(void **state)
{
    (void)state;
    int ok;
    /* factor 949,000 / 1,000,000 to 7 decimals */
    assert_dec(rt_dec_ratio(D("949000"), D("1000000"), 7, &ok), 9490000);
    assert_true(ok);
    /* 2/3 to 2 decimals: 0.67 -> 67 */
    assert_dec(rt_dec_ratio(2 * S, 3 * S, 2, &ok), 67);
    assert_dec(rt_dec_ratio(-2 * S, 3 * S, 2, &ok), -67);
    assert_dec(rt_dec_ratio(S, 0, 2, &ok), 0);
    assert_false(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mul),      cmocka_unit_test(test_mul_overflow),
        cmocka_unit_test(test_div),      cmocka_unit_test(test_round_cents),
        cmocka_unit_test(test_interest), cmocka_unit_test(test_pro_rata),
        cmocka_unit_test(test_parse),    cmocka_unit_test(test_format),
        cmocka_unit_test(test_ratio),    cmocka_unit_test(test_escapers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
