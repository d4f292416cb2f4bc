/*
 * rt_mc.h — Monte Carlo index paths: a counter-based random generator
 * (Philox4x32-10), standard normals (Wichura's AS 241), a one-factor
 * Hull-White short-rate model calibrated to a forward curve, and index
 * paths read from a file.
 *
 * Reproducibility is the contract: path k of a run is a pure function of
 * (seed, k, the model), computed with IEEE-754 additions, multiplications,
 * divisions and square roots only (the runtime is built without fused
 * multiply-add; exp and log are this module's own polynomials, not the C
 * library's, whose last bit may differ between libraries and processors),
 * so it is the same on any machine, thread or shard.
 *
 * Ownership: an rt_hw is a value the caller owns (no allocation); path
 * generation writes into caller arrays. The paths file reader keeps one
 * line in memory at a time.
 */
#ifndef RT_MC_H
#define RT_MC_H

#include <stdint.h>
#include <stdio.h>

#include "rt_internal.h"

/* Philox4x32-10 (Salmon et al., SC'11; Random123): out = the block for
 * counter ctr under key. */
void rt_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* The standard normal quantile (AS 241, PPND16), p in (0, 1). */
double rt_norm_quantile(double p);
/* The normal draw for month t (>= 1) of path k under seed: two draws per
 * Philox block (counter: k's two words, (t - 1) / 2, 0), each from 53 bits. */
double rt_mc_normal(uint64_t seed, uint64_t k, int32_t t);

/* This module's own exp and log (deterministic everywhere, to within an
 * ulp or two of the true values). */
double rt_mc_exp(double x);
double rt_mc_expm1(double x);
double rt_mc_log(double x);

#define RT_MC_MAXCURVE 64

/* One-factor Hull-White in monthly steps (dt = 1/12): the short rate over
 * month t (from (t-1) dt to t dt) is r_t = phi_t + x_(t-1), x_0 = 0,
 * x_t = beta x_(t-1) + c z_t, beta = e^(-a dt), c = sigma sqrt((1 - beta^2)
 * / (2a)) (sigma sqrt(dt) when a = 0): the exact discretisation of
 * dx = -a x dt + sigma dW. phi is fitted so that E[exp(-dt sum r)] over the
 * first t months is the curve's discount factor for every t (exactly, not
 * only as dt -> 0): with F_t = the integral of the forward curve to t dt and
 * V_t = Var(dt (x_1 + ... + x_(t-1))), phi_t dt = F_t - F_(t-1) + (V_t -
 * V_(t-1)) / 2. The index for month t is the month's simple rate
 * L_t = (e^(r_t dt) - 1) / dt, so discounting a month at 1 / (1 + L_t dt)
 * is discounting at r_t. */
typedef struct rt_hw {
    double a, sigma, beta, c;
    int32_t months;          /* phi computed for months 1 .. months */
    double phi[1201];        /* phi[t], per year */
} rt_hw;

/* The forward curve: tenor (years) and instantaneous forward rate (a
 * fraction), linear between points and flat beyond; n >= 1. Fits the model
 * for `months` months (<= 1200); 0 + message when a or sigma is negative. */
int rt_hw_fit(rt_hw *m, double a, double sigma, const double *tenor, const double *fwd, int n, int32_t months,
              char *msg, size_t msgsize);
/* Path k: rate[t - 1] (t = 1 .. months) the index L_t as an rt_dec
 * (10^12 = 100%, rounded to the nearest unit), and when disc is not NULL
 * disc[t - 1] = 1 / (1 + L_t / 12), the month's discount factor. */
void rt_hw_path(const rt_hw *m, uint64_t seed, uint64_t k, int32_t months, rt_dec *rate, double *disc);

/* Index paths from a file: one path a line, monthly rates in percent
 * separated by blanks or commas, "X*N" repeating X N times; the last value
 * holds after a line ends; '#' comments and blank lines ignored. Read one
 * line at a time, so a file of any size takes one line of memory. */
typedef struct rt_pathfile {
    FILE *f;
    char *path;
    char *line;
    size_t cap;
    int64_t lineno;   /* of the last line read */
    int64_t next;     /* the number of the next path (0-based) */
    int64_t count;    /* paths in the file (rt_pathfile_open) */
} rt_pathfile;

/* Opens and checks the whole file (every path parses; months past a
 * projection's end are read and not used); 0 + e (file:line:col) when it
 * does not. */
int rt_pathfile_open(rt_pathfile *pf, const char *path, rt_err *e);
/* Path k into rate[0 .. months-1] (the last value repeated to months):
 * reading on from the current position (or from the start when k is
 * behind it); 0 + e on a read error. */
int rt_pathfile_read(rt_pathfile *pf, int64_t k, rt_dec *rate, int32_t months, rt_err *e);
void rt_pathfile_close(rt_pathfile *pf);

#endif /* RT_MC_H */
