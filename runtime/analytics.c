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
