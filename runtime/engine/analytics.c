/*
 * analytics.c — weighted average life, present value, yield and modified
 * duration of a class's projected cash flows. These are reporting figures,
 * not amounts paid, so doubles are the right tool: the cash flows are exact
 * cents, converted once.
 */
#include <math.h>

#include "rt_project.h"

double rt_wal(const double *principal, const double *t_years, int32_t n)
{
    double num = 0, den = 0;
    for (int32_t i = 0; i < n; i++) {
        num += principal[i] * t_years[i];
        den += principal[i];
    }
    return den > 0 ? num / den : 0;
}

double rt_pv(const double *cf, const double *t_years, int32_t n, double y, int freq)
{
    double base = log1p(y / freq) * freq, pv = 0;
    for (int32_t i = 0; i < n; i++)
        pv += cf[i] * exp(-base * t_years[i]);
    return pv;
}

/* dPV/dy, analytically: d/dy (1 + y/f)^(-f t) = -t (1 + y/f)^(-f t - 1) */
static double dpv(const double *cf, const double *t_years, int32_t n, double y, int freq)
{
    double base = log1p(y / freq) * freq, d = 0;
    for (int32_t i = 0; i < n; i++)
        d -= cf[i] * t_years[i] * exp(-base * t_years[i]) / (1 + y / freq);
    return d;
}

int rt_yield(const double *cf, const double *t_years, int32_t n, double pv, int freq, double *y)
{
    /* PV falls as the yield rises (for positive flows at positive times):
     * bracket the root, then Newton steps kept inside the bracket, with
     * bisection when a step would leave it */
    double lo = -0.99 * freq, hi = 10.0;
    double flo = rt_pv(cf, t_years, n, lo, freq) - pv, fhi = rt_pv(cf, t_years, n, hi, freq) - pv;
    if (!(flo >= 0 && fhi <= 0))
        return 0;
    double x = 0.05;
    for (int it = 0; it < 200; it++) {
        double f = rt_pv(cf, t_years, n, x, freq) - pv;
        if (f == 0 || hi - lo < 1e-15) {
            *y = x;
            return 1;
        }
        if (f > 0)
            lo = x;
        else
            hi = x;
        double dd = dpv(cf, t_years, n, x, freq);
        double nx = dd != 0 ? x - f / dd : (lo + hi) / 2;
        if (!(nx > lo && nx < hi))
            nx = (lo + hi) / 2;
        if (fabs(nx - x) < 1e-14) {
            *y = nx;
            return 1;
        }
        x = nx;
    }
    *y = x;
    return 1;
}

double rt_mod_duration(const double *cf, const double *t_years, int32_t n, double y, int freq)
{
    double pv = rt_pv(cf, t_years, n, y, freq);
    return pv != 0 ? -dpv(cf, t_years, n, y, freq) / pv : 0;
}

/* d2/dy2 (1 + y/f)^(-f t) = t (t + 1/f) (1 + y/f)^(-f t - 2) */
double rt_convexity(const double *cf, const double *t_years, int32_t n, double y, int freq)
{
    double base = log1p(y / freq) * freq, c = 0, pv = 0, g = 1 + y / freq;
    for (int32_t i = 0; i < n; i++) {
        double df = exp(-base * t_years[i]);
        pv += cf[i] * df;
        c += cf[i] * t_years[i] * (t_years[i] + 1.0 / freq) * df / (g * g);
    }
    return pv != 0 ? c / pv : 0;
}

double rt_pv_spread(const double *cf, const double *t_years, const double *zero, int32_t n, double z, int freq)
{
    double pv = 0;
    for (int32_t i = 0; i < n; i++)
        pv += cf[i] * exp(-log1p((zero[i] + z) / freq) * freq * t_years[i]);
    return pv;
}

int rt_zspread(const double *cf, const double *t_years, const double *zero, int32_t n, double pv, int freq,
               double *z)
{
    /* PV falls as the spread rises: bisection on a bracket wide enough for
     * any spread a price can mean (the zero rates plus z stay above -f) */
    double lo = -0.99 * freq, hi = 10.0;
    for (int32_t i = 0; i < n; i++)
        if (-0.99 * freq - zero[i] > lo)
            lo = -0.99 * freq - zero[i];
    double flo = rt_pv_spread(cf, t_years, zero, n, lo, freq) - pv;
    double fhi = rt_pv_spread(cf, t_years, zero, n, hi, freq) - pv;
    if (!(flo >= 0 && fhi <= 0))
        return 0;
    for (int it = 0; it < 200 && hi - lo > 1e-13; it++) {
        double mid = (lo + hi) / 2;
        if (rt_pv_spread(cf, t_years, zero, n, mid, freq) - pv > 0)
            lo = mid;
        else
            hi = mid;
    }
    *z = (lo + hi) / 2;
    return 1;
}

/* ---- evenly spaced flows ----------------------------------------------------------------
 * Monthly flows on the same day of the month are 30/360 days apart by
 * exactly 30: t_j = t0 + j step. Then (1 + y/f)^(-f t_j) = w0 u^j with
 * w0 = (1 + y/f)^(-f t0) and u = (1 + y/f)^(-f step), and the sums are
 * polynomials in u, evaluated by Horner's rule in one pass with their
 * derivative: two pow calls per evaluation instead of one exp per flow. */

/* PV and dPV/dy at y */
static void pv_even(const double *cf, int32_t n, double t0, double step, double y, int freq, double *pv, double *dpv)
{
    double g = 1 + y / freq, w0 = pow(g, -freq * t0), u = pow(g, -freq * step);
    double s0 = 0, s1 = 0; /* sum cf_j u^j, sum j cf_j u^j */
    for (int32_t j = n - 1; j >= 0; j--) {
        s0 = s0 * u + cf[j];
        s1 = s1 * u + j * cf[j];
    }
    *pv = w0 * s0;
    /* d/dy (1 + y/f)^(-f t_j) = -t_j (1 + y/f)^(-f t_j - 1) */
    *dpv = -w0 * (t0 * s0 + step * s1) / g;
}

double rt_pv_even(const double *cf, int32_t n, double t0, double step, double y, int freq)
{
    double pv, d;
    pv_even(cf, n, t0, step, y, freq, &pv, &d);
    return pv;
}

double rt_mod_duration_even(const double *cf, int32_t n, double t0, double step, double y, int freq)
{
    double pv, d;
    pv_even(cf, n, t0, step, y, freq, &pv, &d);
    return pv != 0 ? -d / pv : 0;
}

int rt_yield_even(const double *cf, int32_t n, double t0, double step, double pv, int freq, double *y)
{
    /* as rt_yield: Newton steps kept inside a bracket, bisection when a
     * step would leave it */
    double lo = -0.99 * freq, hi = 10.0;
    if (!(rt_pv_even(cf, n, t0, step, lo, freq) - pv >= 0 && rt_pv_even(cf, n, t0, step, hi, freq) - pv <= 0))
        return 0;
    /* start where a single flow of all the cash at the flows' mean time
     * would yield: a few Newton steps from there (a function of the flows
     * alone, so every thread and shard starts alike) */
    double sum = 0, tsum = 0;
    for (int32_t j = 0; j < n; j++) {
        sum += cf[j];
        tsum += cf[j] * (t0 + j * step);
    }
    double x = 0.05;
    if (sum > 0 && pv > 0 && tsum > 0) {
        double tm = tsum / sum, g = pow(sum / pv, 1.0 / (freq * tm));
        if (g > 0 && freq * (g - 1) > lo && freq * (g - 1) < hi)
            x = freq * (g - 1);
    }
    for (int it = 0; it < 200; it++) {
        double f, dd;
        pv_even(cf, n, t0, step, x, freq, &f, &dd);
        f -= pv;
        if (f == 0 || hi - lo < 1e-15) {
            *y = x;
            return 1;
        }
        if (f > 0)
            lo = x;
        else
            hi = x;
        double nx = dd != 0 ? x - f / dd : (lo + hi) / 2;
        if (!(nx > lo && nx < hi))
            nx = (lo + hi) / 2;
        if (fabs(nx - x) < 1e-14) {
            *y = nx;
            return 1;
        }
        x = nx;
    }
    *y = x;
    return 1;
}
