/*
 * test_tables.c — the projection outputs' building blocks: the
 * locale-free number formatter every double goes through.
 */
#include "support.h"

#include <locale.h>
#include <string.h>

#include "rt_tables.h"

/* fixed decimals, half away from zero on the double's value; no negative
 * zero; "-" for what cannot be printed so; trimming */
static void test_fmt_real(void **state)
{
    (void)state;
    char b[RT_NUMBUF];
    assert_string_equal(rt_fmt_real(b, 1.5, 2), "1.50");
    assert_string_equal(rt_fmt_real(b, -3.14159, 4), "-3.1416");
    assert_string_equal(rt_fmt_real(b, 0.125, 2), "0.13");   /* exactly a half: away from zero */
    assert_string_equal(rt_fmt_real(b, -0.125, 2), "-0.13");
    assert_string_equal(rt_fmt_real(b, 2.5, 0), "3");
    assert_string_equal(rt_fmt_real(b, -0.004, 2), "0.00");  /* not "-0.00" */
    assert_string_equal(rt_fmt_real(b, 0, 3), "0.000");
    assert_string_equal(rt_fmt_real(b, 0.05, 1), "0.1");
    assert_string_equal(rt_fmt_real(b, 1234567.891, 2), "1234567.89");
    assert_string_equal(rt_fmt_real(b, 3.18146030, 8), "3.18146030");
    assert_string_equal(rt_fmt_real(b, 1e19, 2), "-");
    assert_string_equal(rt_fmt_real(b, 1.0 / 0.0, 2), "-");
    assert_string_equal(rt_fmt_real_trim(b, 2.5, 4), "2.5");
    assert_string_equal(rt_fmt_real_trim(b, 3.0, 4), "3");
    assert_string_equal(rt_fmt_real_trim(b, 0.0625, 2), "0.06"); /* 6.25 hundredths */
}

/* whatever the C library's numeric locale, the point is a point */
static void test_fmt_real_locale(void **state)
{
    (void)state;
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", NULL};
    const char *got = NULL;
    for (int i = 0; names[i] && !got; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    char b[RT_NUMBUF];
    assert_string_equal(rt_fmt_real(b, 1.5, 2), "1.50");
    setlocale(LC_NUMERIC, "C");
    if (!got)
        print_message("(no comma-decimal locale installed here: checked in the C locale only)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_real),
        cmocka_unit_test(test_fmt_real_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
