/*
 * calendar.c — civil dates, US bank holidays, business-day conventions and
 * the deal's payment-date schedule.
 *
 * Day numbers count from 1970-01-01 in the proleptic Gregorian calendar, so
 * date differences are plain subtraction. The holiday list follows the
 * Federal Reserve's, because trustees pay on the Fed's business days.
 */
#include <stdio.h>
#include <string.h>

#include "rt_internal.h"

/* Years are shifted to start in March so the leap day is the last day of
 * the shifted year; the 400-year Gregorian cycle has exactly 146097 days. */
int32_t rt_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;                                  /* 0..399 */
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* 0..146096 */
    return (int32_t)(era * 146097 + doe - 719468);
}

void rt_civil_from_days(int32_t z, int *y, int *m, int *d)
{
    int64_t zz = (int64_t)z + 719468;
    int64_t era = (zz >= 0 ? zz : zz - 146096) / 146097;
    int64_t doe = zz - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int rt_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return dim[m - 1] + (m == 2 && is_leap(y));
}

int rt_civil_to_days(int y, int m, int d, int32_t *days)
{
    if (y < RT_YEAR_MIN || y > RT_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > rt_days_in_month(y, m))
        return 0;
    *days = rt_days_from_civil(y, m, d);
    return 1;
}

int rt_date_parse(const char *s, size_t n, int32_t *out)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    int v[3] = {0, 0, 0};
    static const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < len[k]; i++) {
            char c = s[start[k] + i];
            if (c < '0' || c > '9')
                return 0;
            v[k] = v[k] * 10 + (c - '0');
        }
    return rt_civil_to_days(v[0], v[1], v[2], out);
}

char *rt_date_format(char *buf, int32_t z)
{
    int y, m, d;
    rt_civil_from_days(z, &y, &m, &d);
    if (y < 0 || y > 9999) {
        strcpy(buf, "0000-00-00"); /* outside what a statement can show */
        return buf;
    }
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
    return buf;
}

char *rt_date_format_long(char *buf, int32_t z)
{
    static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
    int y, m, d;
    rt_civil_from_days(z, &y, &m, &d);
    snprintf(buf, RT_DATEBUF_LONG, "%d %s %d", d, months[m - 1], y);
    return buf;
}

int rt_weekday(int32_t z)
{
    /* 1970-01-01 was a Thursday (4) */
    int64_t w = ((int64_t)z + 4) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

enum { SUN = 0, MON = 1, THU = 4, SAT = 6 };

/* A fixed-date holiday: observed on the day, or on the Monday after when it
 * falls on a Sunday; a Saturday holiday is simply lost (the Fed's rule). */
static int fixed_holiday(int m, int d, int wd, int hm, int hd, int32_t z)
{
    if (m == hm && d == hd)
        return wd != SUN && wd != SAT;
    if (wd == MON) {
        int py, pm, pd;
        rt_civil_from_days(z - 1, &py, &pm, &pd);
        return pm == hm && pd == hd;
    }
    return 0;
}

int rt_is_holiday(int32_t z)
{
    int y, m, d;
    rt_civil_from_days(z, &y, &m, &d);
    int wd = rt_weekday(z);
    int nth = (d - 1) / 7; /* 0 for the first such weekday of the month */
    if (fixed_holiday(m, d, wd, 1, 1, z))
        return 1; /* New Year's Day */
    if (y >= 1986 && m == 1 && wd == MON && nth == 2)
        return 1; /* Martin Luther King Jr. Day */
    if (m == 2 && wd == MON && nth == 2)
        return 1; /* Washington's Birthday */
    if (m == 5 && wd == MON && d + 7 > 31)
        return 1; /* Memorial Day */
    if (y >= 2022 && fixed_holiday(m, d, wd, 6, 19, z))
        return 1; /* Juneteenth */
    if (fixed_holiday(m, d, wd, 7, 4, z))
        return 1; /* Independence Day */
    if (m == 9 && wd == MON && nth == 0)
        return 1; /* Labor Day */
    if (m == 10 && wd == MON && nth == 1)
        return 1; /* Columbus Day */
    if (fixed_holiday(m, d, wd, 11, 11, z))
        return 1; /* Veterans Day */
    if (m == 11 && wd == THU && nth == 3)
        return 1; /* Thanksgiving */
    if (fixed_holiday(m, d, wd, 12, 25, z))
        return 1; /* Christmas */
    return 0;
}

int rt_is_business_day(int32_t z)
{
    int wd = rt_weekday(z);
    return wd != SUN && wd != SAT && !rt_is_holiday(z);
}

int32_t rt_adjust(int32_t z, int bdc)
{
    if (bdc == RT_BDC_NONE)
        return z;
    int32_t f = z;
    while (!rt_is_business_day(f))
        f++;
    if (bdc == RT_BDC_MODIFIED_FOLLOWING) {
        int y1, m1, d1, y2, m2, d2;
        rt_civil_from_days(z, &y1, &m1, &d1);
        rt_civil_from_days(f, &y2, &m2, &d2);
        if (m1 != m2) {
            f = z;
            while (!rt_is_business_day(f))
                f--;
        }
    }
    return f;
}

int32_t rt_nominal_payment_date(int32_t first_payment, int payment_day, int32_t n)
{
    int y, m, d;
    rt_civil_from_days(first_payment, &y, &m, &d);
    int64_t months = (int64_t)y * 12 + (m - 1) + (n - 1);
    y = (int)(months / 12);
    m = (int)(months % 12) + 1;
    int last = rt_days_in_month(y, m);
    d = payment_day < 1 ? 1 : payment_day > last ? last : payment_day;
    return rt_days_from_civil(y, m, d);
}

int32_t rt_payment_date(const rt_deal *d, int32_t n)
{
    if (n <= 0)
        return d->closing;
    return rt_adjust(rt_nominal_payment_date(d->first_payment, d->payment_day, n), d->bdc);
}

/* bond basis: D1 = 31 -> 30; D2 = 31 -> 30 when D1 is 30 or 31 */
int32_t rt_days_30_360(int32_t from, int32_t to)
{
    int y1, m1, d1, y2, m2, d2;
    rt_civil_from_days(from, &y1, &m1, &d1);
    rt_civil_from_days(to, &y2, &m2, &d2);
    if (d1 == 31)
        d1 = 30;
    if (d2 == 31 && d1 >= 30)
        d2 = 30;
    return 360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1);
}

/* Later periods run between nominal payment dates, which share a day of
 * month, so they count 30 per month whatever the clamping or the business
 * day adjustment did; the first runs from the closing date to the first
 * payment date as actually paid. */
int32_t rt_period_days_30_360(const rt_deal *d, int32_t n)
{
    if (n <= 1)
        return rt_days_30_360(d->closing, rt_payment_date(d, 1));
    int y1, m1, dd1, y2, m2, dd2;
    rt_civil_from_days(rt_nominal_payment_date(d->first_payment, d->payment_day, n - 1), &y1, &m1, &dd1);
    rt_civil_from_days(rt_nominal_payment_date(d->first_payment, d->payment_day, n), &y2, &m2, &dd2);
    return 360 * (y2 - y1) + 30 * (m2 - m1);
}
