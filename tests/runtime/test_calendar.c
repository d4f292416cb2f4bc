/*
 * test_calendar.c — civil dates, the Federal Reserve holiday calendar,
 * business-day conventions and the payment schedule. Dates are checked
 * against a printed calendar, not against the code.
 */
#include "support.h"

#include <string.h>

static int32_t day(int y, int m, int d)
{
    return rt_days_from_civil(y, m, d);
}

static int32_t parse(const char *s)
{
    int32_t z;
    if (!rt_date_parse(s, strlen(s), &z)) {
        print_error("cannot parse %s\n", s);
        fail();
    }
    return z;
}

static void test_civil(void **state)
{
    (void)state;
    assert_int_equal(day(1970, 1, 1), 0);
    assert_int_equal(day(1969, 12, 31), -1);
    assert_int_equal(day(2024, 1, 1), 19723); /* 54 years, 13 of them leap */
    assert_int_equal(day(2000, 3, 1) - day(2000, 2, 28), 2);
    assert_int_equal(day(1900, 3, 1) - day(1900, 2, 28), 1);
    /* every day from 1900 to 2200 round-trips and follows the previous */
    int py = 0, pm = 0, pd = 0;
    for (int32_t z = day(1900, 1, 1); z <= day(2200, 12, 31); z++) {
        int y, m, d;
        rt_civil_from_days(z, &y, &m, &d);
        assert_int_equal(day(y, m, d), z);
        assert_true(d >= 1 && d <= rt_days_in_month(y, m));
        if (py)
            assert_true((y == py && m == pm && d == pd + 1) || (y == py && m == pm + 1 && d == 1) ||
                        (y == py + 1 && m == 1 && d == 1));
        py = y, pm = m, pd = d;
    }
    char b[11];
    assert_string_equal(rt_date_format(b, day(2004, 2, 25)), "2004-02-25");
    assert_string_equal(rt_date_format(b, 0), "1970-01-01");
    char l[RT_DATEBUF_LONG];
    assert_string_equal(rt_date_format_long(l, day(2004, 2, 25)), "25 February 2004");
    assert_string_equal(rt_date_format_long(l, day(2003, 12, 1)), "1 December 2003");
}

static void test_parse(void **state)
{
    (void)state;
    assert_int_equal(parse("2004-02-29"), day(2004, 2, 29));
    assert_int_equal(parse("2000-02-29"), day(2000, 2, 29));
    /* the years an agreement may use (the lexer's rule) are the files' too */
    assert_int_equal(parse("1900-01-01"), day(1900, 1, 1));
    assert_int_equal(parse("2200-12-31"), day(2200, 12, 31));
    static const char *bad[] = {"2003-02-29", "1900-02-29", "2004-2-29", "2004-02-29 ", "20040229",
                                "2004-13-01", "2004-00-10", "2004-01-32", "0999-01-01", "1899-12-31", "2201-01-01", "2004/01/01",
                                "", "abcd-ef-gh", "2004-01-0x", "+004-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t z;
        if (rt_date_parse(bad[i], strlen(bad[i]), &z)) {
            print_error("\"%s\" parsed\n", bad[i]);
            fail();
        }
    }
}

static void test_weekday(void **state)
{
    (void)state;
    assert_int_equal(rt_weekday(day(1970, 1, 1)), 4);  /* Thursday */
    assert_int_equal(rt_weekday(day(2004, 2, 25)), 3); /* Wednesday */
    assert_int_equal(rt_weekday(day(2003, 10, 25)), 6); /* Saturday */
    assert_int_equal(rt_weekday(day(1969, 12, 28)), 0); /* Sunday */
}

static void test_holidays_2004(void **state)
{
    (void)state;
    /* weekday holidays in 2004 from the Fed's calendar; Independence Day
     * fell on a Sunday (observed Monday 5 July) and Christmas on a Saturday
     * (not observed on the Friday) */
    static const char *want[] = {"2004-01-01", "2004-01-19", "2004-02-16", "2004-05-31", "2004-07-05",
                                 "2004-09-06", "2004-10-11", "2004-11-11", "2004-11-25"};
    size_t found = 0;
    for (int32_t z = day(2004, 1, 1); z <= day(2004, 12, 31); z++) {
        int wd = rt_weekday(z);
        if (!rt_is_holiday(z))
            continue;
        assert_true(wd != 0 && wd != 6);
        char b[11];
        rt_date_format(b, z);
        assert_true(found < sizeof want / sizeof want[0]);
        assert_string_equal(b, want[found]);
        found++;
    }
    assert_int_equal(found, sizeof want / sizeof want[0]);
    assert_true(rt_is_business_day(day(2004, 12, 24)));
    assert_false(rt_is_business_day(day(2004, 12, 25)));
}

static void test_holiday_rules(void **state)
{
    (void)state;
    /* Juneteenth from 2022: 2022-06-19 was a Sunday, observed Monday 20 */
    assert_true(rt_is_holiday(day(2022, 6, 20)));
    assert_true(rt_is_holiday(day(2023, 6, 19)));
    assert_false(rt_is_holiday(day(2021, 6, 18)));
    assert_false(rt_is_holiday(day(2021, 6, 21)));
    /* MLK Day from 1986 */
    assert_false(rt_is_holiday(day(1985, 1, 21)));
    assert_true(rt_is_holiday(day(1986, 1, 20)));
    /* New Year's Day on a Saturday is not moved to Friday 31 December */
    assert_true(rt_is_business_day(day(2004, 12, 31)));
    /* ... on a Sunday it is observed on Monday 2 January */
    assert_true(rt_is_holiday(day(2017, 1, 2)));
    /* Veterans Day 2018 (Sunday) -> Monday 12 November */
    assert_true(rt_is_holiday(day(2018, 11, 12)));
    /* Memorial Day: last Monday in May, 2021-05-31 and 2022-05-30 */
    assert_true(rt_is_holiday(day(2021, 5, 31)));
    assert_true(rt_is_holiday(day(2022, 5, 30)));
    assert_false(rt_is_holiday(day(2022, 5, 23)));
    /* Thanksgiving 2023: 23 November; Columbus Day 2023: 9 October */
    assert_true(rt_is_holiday(day(2023, 11, 23)));
    assert_true(rt_is_holiday(day(2023, 10, 9)));
    assert_false(rt_is_holiday(day(2023, 11, 24)));
    /* an ordinary Monday */
    assert_false(rt_is_holiday(day(2004, 1, 26)));
}

static void test_adjust(void **state)
{
    (void)state;
    assert_int_equal(rt_adjust(day(2003, 10, 25), RT_BDC_FOLLOWING), day(2003, 10, 27));
    assert_int_equal(rt_adjust(day(2003, 12, 25), RT_BDC_FOLLOWING), day(2003, 12, 26));
    assert_int_equal(rt_adjust(day(2004, 1, 25), RT_BDC_FOLLOWING), day(2004, 1, 26));
    assert_int_equal(rt_adjust(day(2004, 2, 25), RT_BDC_FOLLOWING), day(2004, 2, 25));
    assert_int_equal(rt_adjust(day(2004, 7, 25), RT_BDC_FOLLOWING), day(2004, 7, 26));
    assert_int_equal(rt_adjust(day(2004, 7, 25), RT_BDC_NONE), day(2004, 7, 25));
    /* Saturday 31 July 2004: following crosses into August, so back to Friday */
    assert_int_equal(rt_adjust(day(2004, 7, 31), RT_BDC_MODIFIED_FOLLOWING), day(2004, 7, 30));
    assert_int_equal(rt_adjust(day(2004, 7, 31), RT_BDC_FOLLOWING), day(2004, 8, 2));
    assert_int_equal(rt_adjust(day(2004, 7, 25), RT_BDC_MODIFIED_FOLLOWING), day(2004, 7, 26));
    /* Sunday 4 July 2004 -> Monday is a holiday -> Tuesday 6 */
    assert_int_equal(rt_adjust(day(2004, 7, 4), RT_BDC_FOLLOWING), day(2004, 7, 6));
}

static void test_schedule(void **state)
{
    (void)state;
    rt_deal *d = rt_deal_new();
    rt_deal_name(d, "x");
    /* GMACM 2003-HE2 style: closed 2003-09-29, paying the 25th from October */
    rt_deal_dates(d, day(2003, 9, 29), day(2003, 10, 25), 25, RT_BDC_FOLLOWING);
    assert_int_equal(rt_payment_date(d, 0), day(2003, 9, 29));
    assert_int_equal(rt_payment_date(d, 1), day(2003, 10, 27));
    assert_int_equal(rt_payment_date(d, 2), day(2003, 11, 25));
    assert_int_equal(rt_payment_date(d, 3), day(2003, 12, 26));
    assert_int_equal(rt_payment_date(d, 4), day(2004, 1, 26));
    assert_int_equal(rt_payment_date(d, 5), day(2004, 2, 25));
    assert_int_equal(rt_payment_date(d, 10), day(2004, 7, 26));
    assert_int_equal(rt_payment_date(d, 16), day(2005, 1, 25));
    /* distribution 1 runs closing -> first payment as paid: 30 + (27 - 29) */
    assert_int_equal(rt_period_days_30_360(d, 1), 28);
    /* later ones are whole months between nominal dates, whatever the
     * adjustment: 2003-12-26 -> 2004-01-26 is still 30 */
    assert_int_equal(rt_period_days_30_360(d, 4), 30);
    assert_int_equal(rt_period_days_30_360(d, 5), 30);
    rt_deal_free(d);

    /* payment day 31 is clamped to short months */
    d = rt_deal_new();
    rt_deal_dates(d, day(2004, 1, 2), day(2004, 1, 31), 31, RT_BDC_NONE);
    assert_int_equal(rt_payment_date(d, 2), day(2004, 2, 29));
    assert_int_equal(rt_payment_date(d, 3), day(2004, 3, 31));
    assert_int_equal(rt_payment_date(d, 4), day(2004, 4, 30));
    assert_int_equal(rt_payment_date(d, 14), day(2005, 2, 28));
    assert_int_equal(rt_period_days_30_360(d, 2), 30);
    assert_int_equal(rt_period_days_30_360(d, 3), 30);
    /* 2004-01-02 -> 2004-01-31: D2 stays 31 because D1 < 30 */
    assert_int_equal(rt_period_days_30_360(d, 1), 29);
    rt_deal_free(d);
}

static void test_30_360(void **state)
{
    (void)state;
    assert_int_equal(rt_days_30_360(day(2003, 9, 29), day(2003, 10, 27)), 28);
    assert_int_equal(rt_days_30_360(day(2004, 1, 31), day(2004, 3, 31)), 60);
    assert_int_equal(rt_days_30_360(day(2004, 1, 30), day(2004, 3, 31)), 60);
    assert_int_equal(rt_days_30_360(day(2004, 1, 15), day(2004, 3, 31)), 76);
    assert_int_equal(rt_days_30_360(day(2004, 1, 30), day(2004, 2, 28)), 28);
    assert_int_equal(rt_days_30_360(day(2003, 12, 25), day(2004, 12, 25)), 360);
    assert_int_equal(rt_days_30_360(day(2024, 1, 30), day(2024, 2, 26)), 26);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil),         cmocka_unit_test(test_parse),
        cmocka_unit_test(test_weekday),       cmocka_unit_test(test_holidays_2004),
        cmocka_unit_test(test_holiday_rules), cmocka_unit_test(test_adjust),
        cmocka_unit_test(test_schedule),      cmocka_unit_test(test_30_360),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
