/*
 * dec.c — exact decimal arithmetic on rt_dec (i128, 12 decimals) and the
 * conversions between rt_dec and text.
 *
 * Trust deeds specify money to the cent and rounding "half-up"; a single cent
 * off makes the statement disagree with the trustee's. So nothing here goes
 * through floating point, every rounding is explicit, and any intermediate
 * that does not fit 128 bits is carried in a small fixed-width bignum
 * instead of being allowed to wrap.
 */
#include <string.h>

#include "rt_internal.h"

typedef unsigned __int128 u128;

/* ---- a 512-bit unsigned scratch number ----------------------------------- */

/* Wide enough for the product of three 128-bit magnitudes (interest). */
typedef struct big {
    uint64_t w[8]; /* little-endian limbs */
} big;

static void big_set(big *x, u128 v)
{
    memset(x, 0, sizeof *x);
    x->w[0] = (uint64_t)v;
    x->w[1] = (uint64_t)(v >> 64);
}

static void big_mul_u64(big *x, uint64_t m)
{
    u128 carry = 0;
    for (int i = 0; i < 8; i++) {
        u128 t = (u128)x->w[i] * m + carry;
        x->w[i] = (uint64_t)t;
        carry = t >> 64;
    }
}

/* x *= m; the callers never need more than 512 bits, so the top is dropped. */
static void big_mul_u128(big *x, u128 m)
{
    big lo = *x, hi = *x;
    big_mul_u64(&lo, (uint64_t)m);
    big_mul_u64(&hi, (uint64_t)(m >> 64));
    /* x = lo + (hi << 64) */
    u128 carry = 0;
    for (int i = 0; i < 8; i++) {
        u128 t = (u128)lo.w[i] + carry + (i > 0 ? hi.w[i - 1] : 0);
        x->w[i] = (uint64_t)t;
        carry = t >> 64;
    }
}

static int big_bits(const big *x)
{
    for (int i = 7; i >= 0; i--)
        if (x->w[i])
            return i * 64 + 64 - __builtin_clzll(x->w[i]);
    return 0;
}

/* x /= d (d != 0) by shift-and-subtract; *rem gets the remainder. */
static void big_div_u128(big *x, u128 d, u128 *rem)
{
    big q;
    memset(&q, 0, sizeof q);
    u128 r = 0;
    for (int bit = big_bits(x) - 1; bit >= 0; bit--) {
        int top = (int)(r >> 127);
        r = (r << 1) | ((x->w[bit / 64] >> (bit % 64)) & 1u);
        /* with the top bit shifted out r stands for r + 2^128 > d; the
         * subtraction below wraps to the right value */
        if (top || r >= d) {
            r -= d;
            q.w[bit / 64] |= (uint64_t)1 << (bit % 64);
        }
    }
    *x = q;
    *rem = r;
}

static int big_fits_u128(const big *x)
{
    for (int i = 2; i < 8; i++)
        if (x->w[i])
            return 0;
    return 1;
}

static u128 big_get(const big *x)
{
    return ((u128)x->w[1] << 64) | x->w[0];
}

static u128 mag(rt_dec v)
{
    return v < 0 ? -(u128)v : (u128)v;
}

static u128 pow10u(int n)
{
    u128 p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

/* round(x / d) half away from zero on magnitudes; 0 when it does not fit in
 * `limit` (a magnitude bound) */
static int big_div_round(big *x, u128 d, u128 limit, u128 *out)
{
    u128 r;
    big_div_u128(x, d, &r);
    if (!big_fits_u128(x))
        return 0;
    u128 q = big_get(x);
    if (r >= d - r) /* 2r >= d without overflowing */
        q++;
    if (q > limit)
        return 0;
    *out = q;
    return 1;
}

static rt_dec signed_result(u128 m, int negative)
{
    return negative ? -(rt_dec)m : (rt_dec)m;
}

/* ---- ABI arithmetic --------------------------------------------------------- */

/* n / d and n % d for a divisor below 2^64: two 64-bit divisions instead
 * of the library's general 128-bit one (this is the hot path of every
 * projected period: rounding and interest) */
static inline u128 divmod64(u128 n, uint64_t d, uint64_t *rem)
{
    uint64_t hi = (uint64_t)(n >> 64), lo = (uint64_t)n;
    uint64_t qhi = hi / d, r = hi % d, qlo;
#if defined(__x86_64__)
    /* r < d, so the quotient of r:lo by d fits 64 bits: one divq */
    __asm__("divq %[d]" : "=a"(qlo), "=d"(r) : "a"(lo), "d"(r), [d] "rm"(d));
#else
    u128 t = ((u128)r << 64) | lo;
    qlo = (uint64_t)(t / d);
    r = (uint64_t)(t % d);
#endif
    *rem = r;
    return ((u128)qhi << 64) | qlo;
}

/* n / 10^10 and n / 10^12, floored, with the remainder. 10^k = 2^k * 5^k,
 * and floor(floor(n / 2^k) / 5^k) = floor(n / 10^k); when n / 2^k fits 64
 * bits (amounts below about a billion dollars) the second division is by a
 * constant, which the compiler turns into a multiplication. */
static inline u128 div_pow10(u128 n, int k, uint64_t *rem)
{
    const uint64_t five = k == 10 ? 9765625ull : 244140625ull;
    const uint64_t ten = k == 10 ? 10000000000ull : 1000000000000ull;
    if ((n >> (64 + k)) == 0) {
        uint64_t h = (uint64_t)(n >> k);
        uint64_t q = k == 10 ? h / 9765625ull : h / 244140625ull;
        *rem = (uint64_t)(n - (u128)q * ten);
        return q;
    }
    (void)five;
    return divmod64(n, ten, rem);
}


rt_dec rt_dec_mul(rt_run *run, rt_dec a, rt_dec b, int32_t site)
{
    int neg = (a < 0) != (b < 0);
    u128 q;
    rt_dec p;
    if (!__builtin_mul_overflow(a, b, &p)) {
        uint64_t r;
        q = div_pow10(mag(p), 12, &r); /* floor(m / 10^12) and the remainder */
        if (r >= (uint64_t)RT_SCALE - r)
            q++;
        if (q <= (u128)RT_DEC_LIMIT)
            return signed_result(q, neg);
    } else {
        big x;
        big_set(&x, mag(a));
        big_mul_u128(&x, mag(b));
        if (big_div_round(&x, (u128)RT_SCALE, (u128)RT_DEC_LIMIT, &q))
            return signed_result(q, neg);
    }
    rt_run_fail(run, site, "amount out of range in multiplication");
    return 0;
}

rt_dec rt_dec_div(rt_run *run, rt_dec a, rt_dec b, int32_t site)
{
    if (b == 0) {
        rt_run_fail(run, site, "division by zero");
        return 0;
    }
    int neg = (a < 0) != (b < 0);
    big x;
    u128 q;
    big_set(&x, mag(a));
    big_mul_u64(&x, (uint64_t)RT_SCALE);
    if (big_div_round(&x, mag(b), (u128)RT_DEC_LIMIT, &q))
        return signed_result(q, neg);
    rt_run_fail(run, site, "amount out of range in division");
    return 0;
}

rt_dec rt_dec_round_cents(rt_dec a)
{
    int64_t c;
    if (rt_fast_cents(a, &c)) /* already whole cents: nothing to round */
        return a;
    u128 m = mag(a);
    uint64_t r;
    u128 q = div_pow10(m, 10, &r);
    if (r >= (uint64_t)RT_CENT - r)
        q++;
    /* unsigned so that a value at the very edge of i128 cannot trap */
    u128 v = q * (u128)RT_CENT;
    return a < 0 ? (rt_dec)(0 - v) : (rt_dec)v;
}

/* 10^12 = 2^12 * 5^12; the inverse of 5^12 modulo 2^64 */
#define INV_5_12 0x3662e0e1cf503eb1ull
_Static_assert(244140625ull * INV_5_12 == 1ull, "INV_5_12 is the inverse of 5^12 modulo 2^64");

static __attribute__((noinline)) rt_dec interest_general(rt_run *run, int32_t basis, int32_t site,
                                                         rt_dec balance, rt_dec rate, rt_dec days)
{
    /* the divisor basis * 10^34 (scale^3 / cents) must fit 128 bits */
    if (basis <= 0 || basis > 10000) {
        rt_run_fail(run, site, "bad day-count basis %d", (int)basis);
        return 0;
    }
    int neg = ((balance < 0) + (rate < 0) + (days < 0)) % 2;
    /* The common case, and the hot one in projections: a whole number of
     * days and a product that fits 128 bits. balance*rate carries 24
     * decimals, times whole days still 24; dividing by basis * 10^22 gives
     * cents, rounded once, half up, exactly as the general path below. */
    u128 mb = mag(balance), mr = mag(rate), md = mag(days);
    /* Fastest: a balance in whole cents and a rate that fit 64 bits, whole
     * days: cents * rate * days / (basis * 10^12) with one 64x64 product
     * and two 64-bit divisions. */
    uint64_t rb, rd;
    u128 cents_bal = div_pow10(mb, 10, &rb);
    u128 whole_days = div_pow10(md, 12, &rd);
    if (rb == 0 && rd == 0 && (cents_bal >> 63) == 0 && (mr >> 63) == 0 && whole_days < (1u << 20)) {
        u128 n = (u128)(uint64_t)cents_bal * (uint64_t)mr;   /* < 2^126 */
        if ((n >> 106) == 0) {                               /* times < 2^20 days stays < 2^126 */
            n *= (uint64_t)whole_days;
            uint64_t div = (uint64_t)basis * 1000000000000ull; /* basis <= 10^4: < 2^54 */
            uint64_t rem;
            u128 cents;
            if ((n >> 76) == 0) {
                /* n / (basis * 10^12) as (n / 2^12) / (basis * 5^12): 64-bit,
                 * and by a constant for the usual 360 */
                uint64_t h = (uint64_t)(n >> 12);
                uint64_t q = basis == 360 ? h / (360ull * 244140625ull) : h / ((uint64_t)basis * 244140625ull);
                cents = q;
                rem = (uint64_t)(n - (u128)q * div);
            } else {
                cents = divmod64(n, div, &rem);
            }
            if (rem >= div - rem) cents++;
            if (cents <= (u128)RT_DEC_LIMIT / (u128)RT_CENT)
                return signed_result(cents * (u128)RT_CENT, neg);
        }
    }
    if (md % (u128)RT_SCALE == 0) {
        u128 whole = md / (u128)RT_SCALE, p, n;
        if (!__builtin_mul_overflow(mb, mr, &p) && !__builtin_mul_overflow(p, whole, &n)) {
            /* n / (basis * 10^22) in two divisions by 64-bit numbers:
             * floor(floor(n / 10^12) / (basis * 10^10)) is the same quotient,
             * and the remainder is put back together for the rounding */
            u128 div = (u128)basis * pow10u(22);
            uint64_t r1, r2;
            u128 q1 = divmod64(n, 1000000000000ull, &r1);
            u128 cents = divmod64(q1, (uint64_t)basis * 10000000000ull, &r2);
            u128 rem = (u128)r2 * 1000000000000ull + r1;
            if (rem >= div - rem) cents++;   /* rem * 2 >= div, without overflow */
            if (cents <= (u128)RT_DEC_LIMIT / (u128)RT_CENT)
                return signed_result(cents * (u128)RT_CENT, neg);
        }
    }
    /* balance*rate*days carries 36 decimals; one division takes it to
     * cents so there is exactly one rounding */
    big x;
    big_set(&x, mag(balance));
    big_mul_u128(&x, mag(rate));
    big_mul_u128(&x, mag(days));
    u128 d = (u128)basis * pow10u(34);
    u128 cents;
    if (big_div_round(&x, d, (u128)RT_DEC_LIMIT / (u128)RT_CENT, &cents))
        return signed_result(cents * (u128)RT_CENT, neg);
    rt_run_fail(run, site, "amount out of range in interest");
    return 0;
}

rt_dec rt_dec_interest(rt_run *run, int32_t basis, int32_t site,
                       rt_dec balance, rt_dec rate, rt_dec days)
{
    /* The hot case, every class every period: a 30/360 or actual/360
     * coupon on a balance of whole cents, none of it negative.
     *   cents: rt_fast_cents, exact (see rt_internal.h);
     *   days: a whole number d below 2^20 when days < 2^63, its low 12 bits
     *   are 0 and x = days / 2^12 times the inverse of 5^12 is below 2^20:
     *   then d * 5^12 and x agree modulo 2^64 and both are below 2^64, so
     *   x == d * 5^12 and days == d * 10^12 exactly;
     *   the rest is interest_general's first path: n = cents * rate * d (< 2^40 *
     *   2^64 * 2^20, fits), and below 2^76 n / (360 * 10^12) is a shift and
     *   a 64-bit division by a constant, rounded half up once: the same
     *   quotient and remainder, so the same result, as every path of interest_general. */
    if (balance == 0 && basis > 0 && basis <= 10000)
        return 0; /* a class paid off: nothing accrues, whatever the rate and days */
    int64_t cb;
    uint64_t dlo = (uint64_t)days, wd = (dlo >> 12) * INV_5_12;
    if (basis == 360 && rt_fast_cents(balance, &cb) && cb >= 0 && (rate >> 64) == 0 && (days >> 63) == 0 &&
        (dlo & 4095u) == 0 && wd < (1u << 20)) {
        u128 n = (u128)(uint64_t)cb * (uint64_t)rate * wd;
        if ((n >> 76) == 0) {
            const uint64_t div = 360ull * 1000000000000ull;
            uint64_t q = (uint64_t)(n >> 12) / (360ull * 244140625ull);
            uint64_t rem = (uint64_t)(n - (u128)q * div);
            q += rem >= div - rem;
            return (rt_dec)q * RT_CENT;
        }
    }
    return interest_general(run, basis, site, balance, rate, days);
}

/* (a*b) mod d and floor(a*b/d) for magnitudes, exact */
static u128 muldiv(u128 a, u128 b, u128 d, u128 *rem)
{
    u128 p;
    if (!__builtin_mul_overflow(a, b, &p)) { /* the usual case: no bignum */
        *rem = p % d;
        return p / d;
    }
    big x;
    big_set(&x, a);
    big_mul_u128(&x, b);
    big_div_u128(&x, d, rem);
    return big_get(&x); /* fits: a <= d by the callers' contract */
}

/* floor(a * b / d) and the remainder, for a <= d (so the quotient is at
 * most b and fits 64 bits): one divq on x86-64, no library call */
static inline uint64_t muldiv64(uint64_t a, uint64_t b, uint64_t d, uint64_t *rem)
{
    u128 p = (u128)a * b;
#if defined(__x86_64__)
    uint64_t q, r, hi = (uint64_t)(p >> 64), lo = (uint64_t)p;
    /* hi < d because a * b < d * 2^64 */
    __asm__("divq %[d]" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), [d] "rm"(d));
    *rem = r;
    return q;
#else
    *rem = (uint64_t)(p % d);
    return (uint64_t)(p / d);
#endif
}

/* The same split as below, on int64 cents with a scratch of remainders on
 * the stack, for up to PRO_RATA_FAST recipients whose weights and amount
 * are whole cents within RT_FAST_CENTS_MAX (their total then stays below
 * PRO_RATA_FAST * 2^63 / 5^10 < 2^46). Returns 0, having written nothing,
 * when it does not apply. Each share and remainder is the exact
 * floor(amount * weight / total) and its remainder, as muldiv gives below,
 * and the leftover cents go by the same rule (largest remainder first,
 * ties to the earlier index, one each), so out[] is identical. */
#define PRO_RATA_FAST 64
static int pro_rata_fast(rt_dec amount, int32_t n, const rt_dec *weight, rt_dec *out)
{
    if (n > PRO_RATA_FAST)
        return 0;
    int64_t w[PRO_RATA_FAST], amt;
    uint64_t r[PRO_RATA_FAST];
    int64_t total = 0;
    for (int32_t i = 0; i < n; i++) {
        if (!rt_fast_cents(weight[i], &w[i]))
            return 0;
        if (w[i] > 0)
            total += w[i];
    }
    if (!rt_fast_cents(amount, &amt))
        return 0;
    if (amt > total) /* outside the contract: never pay anyone past weight */
        amt = total;
    if (total > 0 && amt == total) {
        /* paid in full, the usual case: amt * w / total is w exactly,
         * with no remainder and no cent left over */
        for (int32_t i = 0; i < n; i++)
            out[i] = w[i] > 0 ? (rt_dec)w[i] * RT_CENT : 0;
        return 1;
    }
    for (int32_t i = 0; i < n; i++)
        out[i] = 0;
    if (total == 0 || amt <= 0)
        return 1;
    int64_t given = 0;
    for (int32_t i = 0; i < n; i++) {
        r[i] = 0;
        if (w[i] <= 0)
            continue;
        uint64_t share = muldiv64((uint64_t)amt, (uint64_t)w[i], (uint64_t)total, &r[i]);
        out[i] = (rt_dec)share * RT_CENT;
        given += (int64_t)share;
    }
    for (int64_t left = amt - given; left > 0; left--) {
        int32_t best = -1;
        for (int32_t i = 0; i < n; i++)
            if (r[i] != 0 && (best < 0 || r[i] > r[best]))
                best = i;
        if (best < 0)
            break; /* cannot happen: leftover < number of inexact shares */
        out[best] += RT_CENT;
        r[best] = 0; /* one extra cent each */
    }
    return 1;
}

void rt_alloc_pro_rata(rt_dec amount, int32_t n, const rt_dec *weight, rt_dec *out)
{
    if (n <= 0)
        return;
    if (pro_rata_fast(amount, n, weight, out))
        return;
    /* work in whole cents: the contract says inputs are whole cents, and
     * rounding them first keeps out[] whole cents even if they are not */
    u128 total = 0;
    for (int32_t i = 0; i < n; i++) {
        rt_dec w = rt_dec_round_cents(weight[i]);
        if (w > 0)
            total += (u128)w / (u128)RT_CENT;
        out[i] = 0;
    }
    if (total == 0 || amount <= 0)
        return;
    u128 amt = (u128)rt_dec_round_cents(amount) / (u128)RT_CENT;
    if (amt > total) /* outside the contract: never pay anyone past weight */
        amt = total;
    u128 given = 0;
    for (int32_t i = 0; i < n; i++) {
        rt_dec w = rt_dec_round_cents(weight[i]);
        if (w <= 0)
            continue;
        u128 r;
        u128 share = muldiv(amt, (u128)w / (u128)RT_CENT, total, &r);
        out[i] = (rt_dec)(share * (u128)RT_CENT);
        given += share;
    }
    /* hand out the leftover cents by largest remainder; remainders are
     * recomputed rather than stored so that this needs no scratch memory */
    u128 left = amt - given;
    while (left > 0) {
        int32_t best = -1;
        u128 best_r = 0;
        for (int32_t i = 0; i < n; i++) {
            rt_dec w = rt_dec_round_cents(weight[i]);
            if (w <= 0)
                continue;
            u128 r;
            u128 share = muldiv(amt, (u128)w / (u128)RT_CENT, total, &r);
            if ((u128)out[i] != share * (u128)RT_CENT || r == 0)
                continue; /* already given its extra cent, or exact */
            if (best < 0 || r > best_r) {
                best = i;
                best_r = r;
            }
        }
        if (best < 0)
            break; /* cannot happen: leftover < number of inexact shares */
        out[best] += RT_CENT;
        left--;
    }
}

rt_dec rt_dec_ratio(rt_dec a, rt_dec b, int digits, int *ok)
{
    *ok = 0;
    if (b == 0 || digits < 0 || digits > 38)
        return 0;
    big x;
    u128 q;
    big_set(&x, mag(a));
    big_mul_u128(&x, pow10u(digits));
    if (!big_div_round(&x, mag(b), (u128)RT_DEC_LIMIT, &q))
        return 0;
    *ok = 1;
    return signed_result(q, (a < 0) != (b < 0));
}

/* ---- text -> rt_dec ------------------------------------------------------------ */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int rt_dec_parse(const char *s, size_t n, rt_dec *out, rt_numtext *info)
{
    rt_numtext local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    *out = 0;
    while (n > 0 && is_blank(*s))
        s++, n--;
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    if (n == 0)
        return RT_PARSE_BAD;
    int neg = 0;
    if (s[0] == '(') {
        if (n < 2 || s[n - 1] != ')')
            return RT_PARSE_BAD;
        s++, n -= 2;
        neg = 1;
    }
    if (n > 0 && s[n - 1] == '%') {
        info->percent = 1;
        n--;
    }
    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        if (neg) /* "(-5)" means nothing sensible */
            return RT_PARSE_BAD;
        neg = s[0] == '-';
        s++, n--;
    }
    size_t i = 0;
    u128 ipart = 0;
    int idigits = 0, group = 0, grouped = 0, range = 0;
    for (; i < n && s[i] != '.'; i++) {
        char c = s[i];
        if (c == ',') {
            /* thousands separators must sit where a reader expects them */
            if (idigits == 0 || (grouped ? group != 3 : group > 3))
                return RT_PARSE_BAD;
            grouped = 1;
            group = 0;
            continue;
        }
        if (c < '0' || c > '9')
            return RT_PARSE_BAD;
        if (ipart > (u128)1000000000000000000ULL)
            range = 1; /* keep scanning so bad text is still reported as bad */
        else
            ipart = ipart * 10 + (u128)(c - '0');
        idigits++;
        group++;
    }
    if (grouped && group != 3)
        return RT_PARSE_BAD;
    u128 frac = 0;
    int fdigits = 0, precision = 0;
    if (i < n) { /* at '.' */
        i++;
        if (i == n)
            return RT_PARSE_BAD;
        for (; i < n; i++) {
            char c = s[i];
            if (c < '0' || c > '9')
                return RT_PARSE_BAD;
            if (fdigits < 12)
                frac = frac * 10 + (u128)(c - '0');
            else if (c != '0')
                precision = 1;
            fdigits++;
        }
    }
    if (idigits == 0 && fdigits == 0)
        return RT_PARSE_BAD;
    info->decimals = fdigits;
    info->negative = neg;
    if (range)
        return RT_PARSE_RANGE;
    if (precision)
        return RT_PARSE_PRECISION;
    u128 v = ipart * (u128)RT_SCALE + frac * pow10u(12 - (fdigits < 12 ? fdigits : 12));
    if (info->percent) {
        if (v % 100 != 0)
            return RT_PARSE_PRECISION;
        v /= 100;
    }
    if (v > (u128)RT_DEC_LIMIT)
        return RT_PARSE_RANGE;
    *out = signed_result(v, neg);
    return RT_PARSE_OK;
}

/* ---- rt_dec -> text ---------------------------------------------------------------- */

/* The value is |v| in units of 10^-12; print round(|v| / 10^drop) as a number
 * with `decimals` digits after the point. */
static char *fmt_scaled(char *buf, rt_dec v, int drop, int decimals, int grouped, int parens)
{
    u128 m = mag(v);
    if (drop > 0) {
        u128 d = pow10u(drop);
        u128 q = m / d, r = m % d;
        if (r >= d - r)
            q++;
        m = q;
    }
    int neg = v < 0 && m != 0; /* never print "-0.00" */
    char digits[64];
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m != 0);
    while (nd <= decimals) /* at least one digit before the point */
        digits[nd++] = '0';
    char *p = buf;
    if (neg)
        *p++ = parens ? '(' : '-';
    for (int i = nd - 1; i >= decimals; i--) {
        *p++ = digits[i];
        int left = i - decimals; /* digits still to come in the whole part */
        if (grouped && left > 0 && left % 3 == 0)
            *p++ = ',';
    }
    if (decimals > 0) {
        *p++ = '.';
        for (int i = decimals - 1; i >= 0; i--)
            *p++ = digits[i];
    }
    if (neg && parens)
        *p++ = ')';
    *p = '\0';
    return buf;
}

char *rt_fmt_fixed(char *buf, rt_dec v, int decimals, int grouped, int parens)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 12)
        decimals = 12;
    return fmt_scaled(buf, v, 12 - decimals, decimals, grouped, parens);
}

char *rt_fmt_money(char *buf, rt_dec v, int grouped, int parens)
{
    return rt_fmt_fixed(buf, v, 2, grouped, parens);
}

char *rt_fmt_cents(char *buf, int64_t cents)
{
    return rt_fmt_money(buf, (rt_dec)cents * RT_CENT, 0, 0);
}

char *rt_fmt_percent(char *buf, rt_dec v, int decimals)
{
    if (decimals < 0)
        decimals = 0;
    if (decimals > 10)
        decimals = 10;
    return fmt_scaled(buf, v, 10 - decimals, decimals, 0, 0);
}

static char *trim_zeros(char *buf)
{
    char *dot = strchr(buf, '.');
    if (!dot)
        return buf;
    char *end = buf + strlen(buf);
    while (end > dot + 1 && end[-1] == '0')
        end--;
    if (end == dot + 1)
        end = dot;
    *end = '\0';
    return buf;
}

char *rt_fmt_exact(char *buf, rt_dec v, int min_decimals, int grouped)
{
    rt_fmt_fixed(buf, v, 12, grouped, 0);
    char *dot = strchr(buf, '.');
    char *end = buf + strlen(buf), *keep = dot + 1 + (min_decimals > 12 ? 12 : min_decimals);
    while (end > keep && end[-1] == '0')
        end--;
    if (end == dot + 1)
        end = dot;
    *end = '\0';
    return buf;
}

char *rt_fmt_trim(char *buf, rt_dec v)
{
    return rt_fmt_exact(buf, v, 0, 0);
}

char *rt_fmt_percent_trim(char *buf, rt_dec v)
{
    return trim_zeros(rt_fmt_percent(buf, v, 10));
}

int64_t rt_dec_to_cents(rt_dec v)
{
    uint64_t r;
    u128 q = div_pow10(mag(v), 10, &r);
    return v < 0 ? -(int64_t)q : (int64_t)q;
}
