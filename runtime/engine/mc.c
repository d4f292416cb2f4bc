/*
 * mc.c — see rt_mc.h. Everything here must give the same bits on every
 * machine: integer arithmetic for the generator, IEEE-754 basic operations
 * (no fused multiply-add: the runtime is compiled with -ffp-contract=off)
 * and this file's own exp and log for the rest.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_mc.h"

/* ---- Philox4x32-10 ----------------------------------------------------------------- */

void rt_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0, hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* ---- exp and log ------------------------------------------------------------------- */

static const double LN2_HI = 6.93147180369123816490e-01; /* high bits of ln 2: k * LN2_HI is exact */
static const double LN2_LO = 1.90821492927058770002e-10;

/* 1/k! for k = 20 down to 1, as the compiler rounds the quotients */
static const double inv_fact[] = {
    1.0 / 2432902008176640000.0, 1.0 / 121645100408832000.0, 1.0 / 6402373705728000.0, 1.0 / 355687428096000.0,
    1.0 / 20922789888000.0,      1.0 / 1307674368000.0,      1.0 / 87178291200.0,     1.0 / 6227020800.0,
    1.0 / 479001600.0,           1.0 / 39916800.0,           1.0 / 3628800.0,         1.0 / 362880.0,
    1.0 / 40320.0,               1.0 / 5040.0,               1.0 / 720.0,             1.0 / 120.0,
    1.0 / 24.0,                  1.0 / 6.0,                  1.0 / 2.0,               1.0};

/* e^x - 1 by its series to x^20 (for |x| < 0.7 the next term is below
 * 2e-20 of the result) */
static double expm1_series(double x)
{
    double sum = 0;
    for (size_t i = 0; i < sizeof inv_fact / sizeof inv_fact[0]; i++)
        sum = sum * x + inv_fact[i];
    return sum * x;
}

double rt_mc_exp(double x)
{
    if (x != x)
        return x;
    if (x > 709.0)
        return HUGE_VAL;
    if (x < -745.0)
        return 0;
    /* x = k ln2 + r, k the nearest integer (Cody and Waite's reduction) */
    double kd = x * 1.44269504088896338700;
    kd = kd < 0 ? (double)(int64_t)(kd - 0.5) : (double)(int64_t)(kd + 0.5);
    double r = (x - kd * LN2_HI) - kd * LN2_LO;
    return ldexp(1.0 + expm1_series(r), (int)kd); /* |r| <= 0.35 */
}

double rt_mc_expm1(double x)
{
    if (fabs(x) < 0.7)
        return expm1_series(x); /* no cancellation near 0 */
    return rt_mc_exp(x) - 1.0;
}

double rt_mc_log(double x)
{
    if (!(x > 0))
        return x == 0 ? -HUGE_VAL : NAN;
    if (x == HUGE_VAL)
        return x;
    int e;
    double m = frexp(x, &e); /* x = m 2^e, m in [0.5, 1): exact */
    if (m < 0.70710678118654752440) {
        m *= 2;
        e--;
    }
    /* log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716: the odd
     * series to s^33 (the next term is below 1e-26) */
    double s = (m - 1) / (m + 1), s2 = s * s, sum = 1.0 / 33;
    for (int k = 31; k >= 1; k -= 2)
        sum = sum * s2 + 1.0 / k;
    double lm = 2 * s * sum;
    return (e * LN2_LO + lm) + e * LN2_HI;
}

/* ---- normals ----------------------------------------------------------------------- */

double rt_norm_quantile(double p)
{
    /* Wichura, Algorithm AS 241 (Applied Statistics 37, 1988), PPND16 */
    double q = p - 0.5, r, val;
    if (fabs(q) <= 0.425) {
        r = 0.180625 - q * q;
        return q *
               (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
                    45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                 133.14166789178437745) * r + 3.387132872796366608) /
               (((((((r * 5226.4952788528545610 + 28729.085735721942674) * r + 39307.89580009271061) * r +
                    21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
                 42.313330701600911252) * r + 1.0);
    }
    r = q < 0 ? p : 1.0 - p;
    if (!(r > 0))
        return q < 0 ? -HUGE_VAL : HUGE_VAL;
    r = sqrt(-rt_mc_log(r));
    if (r <= 5.0) {
        r -= 1.6;
        val = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
                   1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
                4.6303378461565452959) * r + 1.42343711074968357734) /
              (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
                   0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
                2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5.0;
        val = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
                   0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
                5.4637849111641143699) * r + 6.6579046435011037772) /
              (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
                   7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
                0.59983220655588793769) * r + 1.0);
    }
    return q < 0 ? -val : val;
}

/* a uniform in (0, 1) from 53 random bits: never 0 or 1 */
static double uniform53(uint32_t hi, uint32_t lo)
{
    uint64_t b = ((uint64_t)(hi >> 5) << 26) | (lo >> 6);
    return ((double)b + 0.5) * (1.0 / 9007199254740992.0);
}

double rt_mc_normal(uint64_t seed, uint64_t k, int32_t t)
{
    uint32_t ctr[4] = {(uint32_t)k, (uint32_t)(k >> 32), (uint32_t)((t - 1) / 2), 0};
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    uint32_t out[4];
    rt_philox4x32(ctr, key, out);
    int h = (t - 1) % 2 * 2;
    return rt_norm_quantile(uniform53(out[h], out[h + 1]));
}

/* ---- Hull-White ---------------------------------------------------------------------- */

/* the integral of the forward curve from 0 to T: linear between points,
 * flat before the first and after the last */
static double fwd_integral(const double *tenor, const double *fwd, int n, double T)
{
    double sum = 0, at = 0, f_at = fwd[0];
    for (int i = 0; i < n && at < T; i++) {
        double to = tenor[i] < T ? tenor[i] : T;
        if (to > at) {
            /* f linear from (at, f_at) toward (tenor[i], fwd[i]) */
            double f_to = i == 0 ? fwd[0]
                                 : fwd[i - 1] + (fwd[i] - fwd[i - 1]) * (to - tenor[i - 1]) / (tenor[i] - tenor[i - 1]);
            sum += (f_at + f_to) / 2 * (to - at);
            at = to;
            f_at = f_to;
        }
    }
    if (T > at)
        sum += fwd[n - 1] * (T - at);
    return sum;
}

int rt_hw_fit(rt_hw *m, double a, double sigma, const double *tenor, const double *fwd, int n, int32_t months,
              char *msg, size_t msgsize)
{
    if (!(a >= 0) || !(sigma >= 0)) {
        snprintf(msg, msgsize, "%s below zero", !(sigma >= 0) ? "the volatility is" : "the mean reversion is");
        return 0;
    }
    if (n < 1 || months < 1 || months > 1200) {
        snprintf(msg, msgsize, "a forward curve and 1 to 1200 months are needed");
        return 0;
    }
    const double dt = 1.0 / 12;
    memset(m, 0, sizeof *m);
    m->a = a;
    m->sigma = sigma;
    m->months = months;
    if (a > 0) {
        m->beta = rt_mc_exp(-a * dt);
        m->c = sigma * sqrt((1 - m->beta * m->beta) / (2 * a));
    } else {
        m->beta = 1;
        m->c = sigma * sqrt(dt);
    }
    double prev = 0, g = 0; /* g = g_(t-1) = 1 + beta + ... + beta^(t-2) */
    for (int32_t t = 1; t <= months; t++) {
        double F = fwd_integral(tenor, fwd, n, t * dt);
        double dv = dt * dt * m->c * m->c * g * g; /* V_t - V_(t-1) */
        m->phi[t] = (F - prev + dv / 2) / dt;
        prev = F;
        g = g * m->beta + 1;
    }
    return 1;
}

void rt_hw_path(const rt_hw *m, uint64_t seed, uint64_t k, int32_t months, rt_dec *rate, double *disc)
{
    const double dt = 1.0 / 12;
    double x = 0;
    for (int32_t t = 1; t <= months; t++) {
        double r = m->phi[t <= m->months ? t : m->months] + x;
        double L = rt_mc_expm1(r * dt) / dt;
        double u = L * 1e12;
        rate[t - 1] = (rt_dec)(int64_t)(u < 0 ? u - 0.5 : u + 0.5);
        if (disc)
            disc[t - 1] = 1.0 / (1.0 + L * dt);
        x = m->beta * x + m->c * rt_mc_normal(seed, k, t);
    }
}

/* ---- paths from a file --------------------------------------------------------------- */

/* reads the next line that is not blank or a comment into pf->line; 0 at
 * the end of the file, -1 on a read error */
static int next_line(rt_pathfile *pf)
{
    for (;;) {
        size_t len = 0;
        int c;
        while ((c = getc(pf->f)) != EOF && c != '\n') {
            if (len + 2 > pf->cap) {
                size_t nc = pf->cap ? pf->cap * 2 : 4096;
                char *nl = realloc(pf->line, nc);
                if (!nl)
                    return -1;
                pf->line = nl;
                pf->cap = nc;
            }
            pf->line[len++] = (char)c;
        }
        if (c == EOF && ferror(pf->f))
            return -1;
        if (c == EOF && len == 0)
            return 0;
        if (!pf->line) {
            pf->line = malloc(4096);
            if (!pf->line)
                return -1;
            pf->cap = 4096;
        }
        pf->line[len] = '\0';
        pf->lineno++;
        char *h = strchr(pf->line, '#');
        if (h)
            *h = '\0';
        if (pf->line[strspn(pf->line, " \t\r,")])
            return 1;
        if (c == EOF)
            return 0;
    }
}

/* parses pf->line into rate[0..months-1] (rate NULL: only checks); *got
 * is the number of values on the line */
static int parse_path(rt_pathfile *pf, rt_dec *rate, int32_t months, int32_t *got, rt_err *e)
{
    const char *p = pf->line;
    int32_t n = 0;
    rt_dec last = 0;
    while (*p) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == ',') {
            p++;
            continue;
        }
        const char *t = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != ',')
            p++;
        int col = (int)(t - pf->line) + 1;
        const char *star = memchr(t, '*', (size_t)(p - t));
        size_t vl = star ? (size_t)(star - t) : (size_t)(p - t);
        rt_dec v;
        rt_numtext info;
        if (rt_dec_parse(t, vl, &v, &info) != RT_PARSE_OK) {
            rt_err_set(e, (int)pf->lineno, col, "expected a rate in percent (6 or 6%%), found \"%.*s\"", (int)vl, t);
            return 0;
        }
        if (!info.percent)
            v /= 100;
        if (v < -RT_SCALE || v > 10 * RT_SCALE) {
            rt_err_set(e, (int)pf->lineno, col, "a rate outside -100%% to 1,000%%");
            return 0;
        }
        long times = 1;
        if (star) {
            char num[16];
            size_t cl = (size_t)(p - star - 1);
            char *end;
            if (cl == 0 || cl >= sizeof num || (memcpy(num, star + 1, cl), num[cl] = '\0', times = strtol(num, &end, 10),
                                                *end || times < 1)) {
                rt_err_set(e, (int)pf->lineno, col + (int)vl + 1, "expected a repeat count after '*' (a whole number from 1)");
                return 0;
            }
        }
        /* months past the projection are read, checked and not kept (a
         * repeat runs only as far as the months it fills) */
        for (long i = 0; rate && i < times && n + i < months; i++)
            rate[n + i] = v;
        n = times > INT32_MAX - n ? INT32_MAX : n + (int32_t)times;
        last = v;
    }
    if (rate)
        for (int32_t i = n < months ? n : months; i < months; i++)
            rate[i] = last;
    *got = n;
    return 1;
}

int rt_pathfile_open(rt_pathfile *pf, const char *path, rt_err *e)
{
    memset(pf, 0, sizeof *pf);
    pf->f = fopen(path, "rb");
    if (!pf->f) {
        rt_err_set(e, 0, 0, "cannot read: %s", strerror(errno));
        return 0;
    }
    pf->path = malloc(strlen(path) + 1);
    if (!pf->path) {
        rt_err_set(e, 0, 0, "out of memory");
        rt_pathfile_close(pf);
        return 0;
    }
    strcpy(pf->path, path);
    int r;
    while ((r = next_line(pf)) == 1) {
        int32_t got;
        if (!parse_path(pf, NULL, 0, &got, e)) {
            rt_pathfile_close(pf);
            return 0;
        }
        pf->count++;
    }
    if (r < 0) {
        rt_err_set(e, 0, 0, "cannot read the file");
        rt_pathfile_close(pf);
        return 0;
    }
    if (pf->count == 0) {
        rt_err_set(e, 0, 0, "no paths in the file");
        rt_pathfile_close(pf);
        return 0;
    }
    rewind(pf->f);
    pf->lineno = 0;
    pf->next = 0;
    return 1;
}

int rt_pathfile_read(rt_pathfile *pf, int64_t k, rt_dec *rate, int32_t months, rt_err *e)
{
    if (k < pf->next) {
        rewind(pf->f);
        pf->lineno = 0;
        pf->next = 0;
    }
    for (;;) {
        int r = next_line(pf);
        if (r <= 0) {
            rt_err_set(e, 0, 0, r < 0 ? "cannot read the file" : "the file has changed: path %lld is gone",
                       (long long)k + 1);
            return 0;
        }
        if (pf->next++ == k) {
            int32_t got;
            return parse_path(pf, rate, months, &got, e);
        }
    }
}

void rt_pathfile_close(rt_pathfile *pf)
{
    if (pf->f)
        fclose(pf->f);
    free(pf->line);
    free(pf->path);
    memset(pf, 0, sizeof *pf);
}
