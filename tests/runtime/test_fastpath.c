/*
 * test_fastpath.c — the int64 fast paths of the per-period hot loop against
 * the exact 128-bit arithmetic they stand in for: where each fast path
 * applies, that it gives the exact answer there, and that just past its
 * edge it hands over to the 128-bit path, which still gives the same
 * answer (or the same failure and message).
 */
#include "support.h"

#include "proj_deal.h"
#include "rt_project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CENT RT_CENT
#define MAXC RT_FAST_CENTS_MAX

/* ---- rt_fast_cents ----------------------------------------------------------- */

/* the reference: whole cents and |cents| <= MAXC, by 128-bit division */
static int ref_fast(rt_dec v, int64_t *c)
{
    if (v % CENT != 0)
        return 0;
    rt_dec q = v / CENT;
    if (q > MAXC || q < -MAXC)
        return 0;
    *c = (int64_t)q;
    return 1;
}

static void expect_fast(rt_dec v)
{
    int64_t got = 0, want = 0;
    int g = rt_fast_cents(v, &got), w = ref_fast(v, &want);
    if (g != w || (w && got != want)) {
        char b[RT_NUMBUF];
        print_error("rt_fast_cents(%s): %d %lld, expected %d %lld\n", rt_fmt_trim(b, v), g, (long long)got, w,
                    (long long)want);
        fail();
    }
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_fast_cents(void **state)
{
    (void)state;
    int64_t c;
    assert_true(rt_fast_cents(0, &c) && c == 0);
    assert_true(rt_fast_cents(CENT, &c) && c == 1);
    assert_true(rt_fast_cents(-CENT, &c) && c == -1);
    assert_true(rt_fast_cents(D("406,855,924.22"), &c) && c == 40685592422LL);
    assert_true(rt_fast_cents(D("-508,186.37"), &c) && c == -50818637LL);
    /* the edge: 9,444,732,965.73 is the largest amount the fast path takes */
    assert_true(rt_fast_cents((rt_dec)MAXC * CENT, &c) && c == MAXC);
    assert_true(rt_fast_cents(-(rt_dec)MAXC * CENT, &c) && c == -MAXC);
    assert_false(rt_fast_cents((rt_dec)(MAXC + 1) * CENT, &c));
    assert_false(rt_fast_cents(-(rt_dec)(MAXC + 1) * CENT, &c));
    /* not whole cents: a half cent, one unit of 10^-12, a multiple of 2^10
     * that 5^10 does not divide, and one that 2^10 does not */
    assert_false(rt_fast_cents(CENT / 2, &c));
    assert_false(rt_fast_cents(CENT + 1, &c));
    assert_false(rt_fast_cents(1024, &c));
    assert_false(rt_fast_cents(9765625, &c));
    assert_false(rt_fast_cents(-(CENT + 1024), &c));
    /* beyond 64 bits after the shift, and the runtime's limits */
    assert_false(rt_fast_cents(RT_DEC_LIMIT, &c));
    assert_false(rt_fast_cents(-RT_DEC_LIMIT, &c));
    assert_false(rt_fast_cents((rt_dec)1 << 74, &c));
    assert_false(rt_fast_cents(((rt_dec)1 << 126) + ((rt_dec)1 << 90) * CENT, &c));

    /* against the reference around the edges and at random */
    const rt_dec edges[] = {0, 1, CENT, (rt_dec)MAXC * CENT, (rt_dec)1 << 63, (rt_dec)1 << 73,
                            (rt_dec)1 << 74, RT_DEC_LIMIT, ((rt_dec)1 << 126)};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        for (int s = -1; s <= 1; s += 2)
            for (int dc = -3; dc <= 3; dc++)
                for (int du = -2; du <= 2; du++) {
                    rt_dec v = s * (edges[i] + (rt_dec)dc * CENT + du);
                    expect_fast(v);
                    expect_fast(v - v % CENT); /* the whole-cents neighbour */
                }
    for (int i = 0; i < 200000; i++) {
        uint64_t r = next();
        int bits = (int)(next() % 100);
        rt_dec v = (rt_dec)(((unsigned __int128)next() << 64 | r) >> (127 - bits));
        if (i & 1)
            v -= v % CENT; /* half of them whole cents */
        if (i & 2)
            v = -v;
        expect_fast(v);
    }
}

/* ---- rt_check_period_fast -------------------------------------------------------- */

/*
 * A deal with what the checks look at: a principal class A and a notional
 * class IO, two parties, and two funds whose clauses interleave in the
 * priority of payments (the fast path walks clauses in order with a
 * remainder per fund; the 128-bit path walks fund by fund):
 *   k0 fund 0  Servicer fee          100.00 of 100.00
 *   k1 fund 0  interest A and IO   4,300.00 of 4,500.00 (IO short 200.00)
 *   k2 fund 1  principal A        50,000.00
 *   k3 fund 0  remainder           1,234.56 to the Certificates
 *   k4 fund 1  to the Certificates 9,000.00, leaving 1,000.00 in fund 1
 */
enum { A, IO };
enum { SERVICER, CERTS };
enum { K_FEE, K_INT, K_PRIN, K_REM0, K_REM1 };

static rt_deal *check_deal(int extra_funds)
{
    rt_deal *d = rt_deal_new();
    rt_add_group(d, "Group 1");
    rt_add_class(d, "A", 100000000, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_class(d, "IO", 0, RT_CLASS_NOTIONAL, RT_DC_30_360);
    rt_add_party(d, "Servicer", 0);
    rt_add_party(d, "Certificates", 1);
    rt_add_fund(d, "Interest Funds", 0);
    rt_add_fund(d, "Principal Funds", 0);
    for (int i = 0; i < extra_funds; i++) {
        char name[32];
        snprintf(name, sizeof name, "Reserve %d", i + 1);
        rt_add_fund(d, name, 0); /* empty funds: deposit 0, remaining 0 */
    }
    rt_add_clause(d, "5.01(a)(i)", 0, "Servicer");
    rt_add_clause(d, "5.01(a)(ii)", 0, "interest");
    rt_add_clause(d, "5.01(b)(i)", 1, "Class A principal");
    rt_add_clause(d, "5.01(a)(iii)", 0, "Certificates");
    rt_add_clause(d, "5.01(b)(ii)", 1, "Certificates");
    /* what the clauses pay: the fee and the two remainders go to parties */
    rt_clause_flow(d, 0, RT_FLOW_PARTY, 0);
    rt_clause_flow(d, 3, RT_FLOW_PARTY, 1);
    rt_clause_flow(d, 4, RT_FLOW_PARTY, 1);
    return d;
}

#define CL(c, f) slot[RT_SLOT_CLASS(l, (c), (f))]
#define KL(k, f) slot[RT_SLOT_CLAUSE(l, (k), (f))]
#define FU(i, f) slot[RT_SLOT_FUND(l, (i), (f))]
#define PA(p) slot[RT_SLOT_PARTY(l, (p), RT_P_PAID)]

/* a period that passes every check; class A begins at begin_a */
static void good_period(const rt_deal *d, rt_dec *slot, rt_dec begin_a)
{
    const rt_layout *l = rt_deal_layout(d);
    memset(slot, 0, (size_t)l->total * sizeof *slot);
    CL(A, RT_C_BEGIN_BALANCE) = begin_a;
    CL(A, RT_C_INTEREST_DUE) = D("4000");
    CL(A, RT_C_INTEREST_PAID) = D("4000");
    CL(A, RT_C_PRINCIPAL_PAID) = D("50000");
    CL(A, RT_C_END_BALANCE) = begin_a - D("50000");
    CL(IO, RT_C_BEGIN_BALANCE) = D("1000000");
    CL(IO, RT_C_INTEREST_DUE) = D("500");
    CL(IO, RT_C_INTEREST_PAID) = D("300");
    CL(IO, RT_C_INTEREST_SHORTFALL) = D("200");
    CL(IO, RT_C_UNPAID_END) = D("200"); /* the shortfall, carried */
    CL(IO, RT_C_END_BALANCE) = D("900000");
    FU(0, RT_F_DEPOSIT) = D("5634.56");
    FU(1, RT_F_DEPOSIT) = D("60000");
    FU(1, RT_F_REMAINING) = D("1000");
    KL(K_FEE, RT_K_AVAILABLE) = D("5634.56");
    KL(K_FEE, RT_K_PAID) = D("100");
    KL(K_INT, RT_K_AVAILABLE) = D("5534.56");
    KL(K_INT, RT_K_PAID) = D("4300");
    KL(K_INT, RT_K_SHORTFALL) = D("200");
    KL(K_PRIN, RT_K_AVAILABLE) = D("60000");
    KL(K_PRIN, RT_K_PAID) = D("50000");
    KL(K_REM0, RT_K_AVAILABLE) = D("1234.56");
    KL(K_REM0, RT_K_PAID) = D("1234.56");
    KL(K_REM1, RT_K_AVAILABLE) = D("10000");
    KL(K_REM1, RT_K_PAID) = D("9000");
    KL(K_REM1, RT_K_SHORTFALL) = D("1000");
    PA(SERVICER) = D("100");
    PA(CERTS) = D("10234.56");
}

/* the fast path's verdict (fast: 1 expected) and the full check's */
static void expect_verdict(const rt_deal *d, const rt_dec *slot, int fast, const char *fails_with)
{
    char msg[RT_ERRMAX] = "";
    int64_t beg[2], in[2], pr[2], en[2];
    rt_class_cents cc = {beg, in, pr, en};
    int f = rt_check_period_fast(d, slot, &cc);
    int ok = rt_check_period(d, slot, msg);
    if (f != fast || ok != (fails_with == NULL) || (fails_with && !strstr(msg, fails_with))) {
        print_error("fast %d (expected %d), check %d: \"%s\" (expected %s)\n", f, fast, ok, msg,
                    fails_with ? fails_with : "to pass");
        fail();
    }
    if (f) {
        const rt_layout *l = rt_deal_layout(d);
        for (int c = 0; c < 2; c++) {
            assert_true((rt_dec)beg[c] * CENT == CL(c, RT_C_BEGIN_BALANCE));
            assert_true((rt_dec)in[c] * CENT == CL(c, RT_C_INTEREST_PAID));
            assert_true((rt_dec)pr[c] * CENT == CL(c, RT_C_PRINCIPAL_PAID));
            assert_true((rt_dec)en[c] * CENT == CL(c, RT_C_END_BALANCE));
        }
    }
}

typedef struct breakage {
    const char *what; /* the message the 128-bit path words */
    void (*apply)(const rt_layout *l, rt_dec *slot);
} breakage;

static void lose_cent(const rt_layout *l, rt_dec *slot) { PA(CERTS) -= CENT; }
static void bad_available(const rt_layout *l, rt_dec *slot) { KL(K_REM0, RT_K_AVAILABLE) += CENT; }
static void half_cent(const rt_layout *l, rt_dec *slot)
{
    CL(IO, RT_C_INTEREST_PAID) += CENT / 2;
    CL(IO, RT_C_INTEREST_SHORTFALL) -= CENT / 2;
}
static void int_over(const rt_layout *l, rt_dec *slot)
{
    CL(A, RT_C_INTEREST_PAID) += CENT;
    CL(A, RT_C_INTEREST_SHORTFALL) -= CENT;
}
static void bad_shortfall(const rt_layout *l, rt_dec *slot) { CL(IO, RT_C_INTEREST_SHORTFALL) += CENT; }
static void notional_prin(const rt_layout *l, rt_dec *slot) { CL(IO, RT_C_PRINCIPAL_PAID) = CENT; }
static void notional_neg(const rt_layout *l, rt_dec *slot) { CL(IO, RT_C_END_BALANCE) = -CENT; }
static void bad_end(const rt_layout *l, rt_dec *slot) { CL(A, RT_C_END_BALANCE) += CENT; }
static void prin_over(const rt_layout *l, rt_dec *slot)
{
    /* principal past the beginning balance, everything else consistent */
    rt_dec extra = CL(A, RT_C_BEGIN_BALANCE);
    CL(A, RT_C_PRINCIPAL_PAID) += extra;
    CL(A, RT_C_END_BALANCE) -= extra;
    KL(K_PRIN, RT_K_PAID) += extra;
    FU(1, RT_F_DEPOSIT) += extra;
    KL(K_PRIN, RT_K_AVAILABLE) += extra;
}
static void neg_clause(const rt_layout *l, rt_dec *slot) { KL(K_FEE, RT_K_PAID) = -CENT; }
static void neg_party(const rt_layout *l, rt_dec *slot)
{
    PA(SERVICER) -= D("100.01");
    PA(CERTS) += D("100.01");
}
static void overpay(const rt_layout *l, rt_dec *slot)
{
    /* clause k4 pays a cent more than fund 1 holds, and fund 1 reports
     * a cent below zero: the draw-down check must catch it first */
    KL(K_REM1, RT_K_PAID) = D("10000.01");
    PA(CERTS) += D("1000.01");
    FU(1, RT_F_REMAINING) = 0;
    FU(0, RT_F_REMAINING) = CENT; /* totals still add up */
    PA(CERTS) -= CENT;
    KL(K_REM0, RT_K_PAID) -= CENT;
}
static void fund_swap(const rt_layout *l, rt_dec *slot)
{
    /* a cent too much in one fund and a cent too little in another */
    FU(0, RT_F_REMAINING) += CENT;
    FU(1, RT_F_REMAINING) -= CENT;
}
static void neg_deposit(const rt_layout *l, rt_dec *slot) { FU(1, RT_F_DEPOSIT) = -FU(1, RT_F_DEPOSIT); }
static void out_of_range(const rt_layout *l, rt_dec *slot) { KL(K_FEE, RT_K_SHORTFALL) = RT_DEC_LIMIT + CENT; }

/* figures a check derives (the fast path compares them with the amount
 * in cents it expects) and figures it does not, off by less than a cent */
static void end_frac(const rt_layout *l, rt_dec *slot) { CL(A, RT_C_END_BALANCE) += 1; }
static void avail_frac(const rt_layout *l, rt_dec *slot) { KL(K_REM0, RT_K_AVAILABLE) += 1; }
static void remaining_frac(const rt_layout *l, rt_dec *slot) { FU(1, RT_F_REMAINING) += 1; }
static void shortfall_frac(const rt_layout *l, rt_dec *slot) { CL(A, RT_C_INTEREST_SHORTFALL) = 1; }
static void clause_sf_half(const rt_layout *l, rt_dec *slot) { KL(K_INT, RT_K_SHORTFALL) += CENT / 2; }
static void notional_end_half(const rt_layout *l, rt_dec *slot) { CL(IO, RT_C_END_BALANCE) += CENT / 2; }
static void due_frac(const rt_layout *l, rt_dec *slot)
{
    CL(IO, RT_C_INTEREST_DUE) += 7;
    CL(IO, RT_C_INTEREST_SHORTFALL) += 7;
}

/* the fast path's shortcuts: interest paid equal to its due, a clause
 * paying all its fund holds; equal, but not whole cents */
static void paid_due_frac(const rt_layout *l, rt_dec *slot)
{
    CL(A, RT_C_INTEREST_DUE) += 1;
    CL(A, RT_C_INTEREST_PAID) += 1;
}
static void paid_avail_frac(const rt_layout *l, rt_dec *slot)
{
    KL(K_REM0, RT_K_AVAILABLE) += 1;
    KL(K_REM0, RT_K_PAID) += 1;
}

/* interest carried forward: a wrong carry; earlier unpaid interest paid
 * though none was owed; and paid when it was (that one passes) */
static void bad_carry(const rt_layout *l, rt_dec *slot) { CL(IO, RT_C_UNPAID_END) += CENT; }
static void unpaid_not_owed(const rt_layout *l, rt_dec *slot)
{
    CL(A, RT_C_UNPAID_PAID) = CENT;
    CL(A, RT_C_INTEREST_PAID) += CENT;
}

static const breakage breakages[] = {
    {"class \"IO\" carries 200.01 of unpaid interest forward", bad_carry},
    {"class \"A\" was paid 0.01 of earlier unpaid interest, out of 0.00 owed", unpaid_not_owed},
    {"class \"A\" interest due 4000.000000000001 is not a whole number of cents", paid_due_frac},
    {"clause \"5.01(a)(iii)\" available 1234.560000000001 is not a whole number of cents", paid_avail_frac},
    {"ending balance", end_frac},
    {"clause \"5.01(a)(iii)\" available 1234.560000000001 is not a whole number of cents", avail_frac},
    {"fund \"Principal Funds\" remaining 1000.000000000001 is not a whole number of cents", remaining_frac},
    {"class \"A\" interest shortfall 0.000000000001 is not a whole number of cents", shortfall_frac},
    {"clause \"5.01(a)(ii)\" shortfall 200.005 is not a whole number of cents", clause_sf_half},
    {"class \"IO\" ending balance 900000.005 is not a whole number of cents", notional_end_half},
    {"class \"IO\" interest due 500.000000000007 is not a whole number of cents", due_frac},
    {"party \"Certificates\" reports 10,234.55 paid", lose_cent},
    {"clause 5.01(a)(iii) (Certificates): available 1,234.57", bad_available},
    {"class \"IO\" interest paid 300.005 is not a whole number of cents", half_cent},
    {"class \"A\" was paid interest 4,000.01, more than the 4,000.00 due", int_over},
    {"class \"IO\" interest shortfall 200.01", bad_shortfall},
    {"notional class \"IO\" was paid principal 0.01", notional_prin},
    {"notional class \"IO\" has a negative ending notional", notional_neg},
    {"class \"A\" ending balance", bad_end},
    {"more than its beginning balance", prin_over},
    {"clause 5.01(a)(i) (Servicer) paid a negative amount (0.01)", neg_clause},
    {"party \"Servicer\" paid is negative: (0.01)", neg_party},
    {"clause 5.01(b)(ii) (Certificates) paid 10,000.01, more than the 10,000.00 available", overpay},
    {"fund \"Interest Funds\" reports 0.01 remaining, but 0.00 is left", fund_swap},
    {"fund \"Principal Funds\" would start the priority of payments at clause 5.01(b)(i) with (60,000.00)", neg_deposit},
    {"clause \"5.01(a)(i)\" shortfall is out of range", out_of_range},
};

static void run_breakages(const rt_deal *d, rt_dec *slot, rt_dec begin_a)
{
    const rt_layout *l = rt_deal_layout(d);
    for (size_t i = 0; i < sizeof breakages / sizeof breakages[0]; i++) {
        good_period(d, slot, begin_a);
        breakages[i].apply(l, slot);
        expect_verdict(d, slot, 0, breakages[i].what);
    }
}

static void test_check_fast(void **state)
{
    (void)state;
    rt_deal *d = check_deal(0);
    const rt_layout *l = rt_deal_layout(d);
    rt_dec *slot = calloc((size_t)l->total, sizeof *slot);
    assert_non_null(slot);

    /* within the fast path's range: it decides, and agrees */
    good_period(d, slot, D("1000000"));
    expect_verdict(d, slot, 1, NULL);
    run_breakages(d, slot, D("1000000"));
    /* A owed 50.00 from before and paid it out of what went to the
     * certificates: the fast path passes it, carrying nothing */
    good_period(d, slot, D("1000000"));
    CL(A, RT_C_UNPAID_BEGIN) = D("50");
    CL(A, RT_C_UNPAID_PAID) = D("50");
    CL(A, RT_C_INTEREST_PAID) += D("50");
    KL(K_INT, RT_K_PAID) += D("50");
    KL(K_REM0, RT_K_AVAILABLE) -= D("50");
    KL(K_REM0, RT_K_PAID) -= D("50");
    PA(CERTS) -= D("50");
    expect_verdict(d, slot, 1, NULL);
    CL(A, RT_C_UNPAID_END) = D("0.01");   /* and catches a carry that is not owed */
    expect_verdict(d, slot, 0, "class \"A\" carries 0.01 of unpaid interest forward");

    /* at the edge: class A begins at exactly RT_FAST_CENTS_MAX cents */
    good_period(d, slot, (rt_dec)MAXC * CENT);
    expect_verdict(d, slot, 1, NULL);
    run_breakages(d, slot, (rt_dec)MAXC * CENT);
    /* a cent past it: the 128-bit path decides, the same way */
    good_period(d, slot, (rt_dec)(MAXC + 1) * CENT);
    expect_verdict(d, slot, 0, NULL);
    run_breakages(d, slot, (rt_dec)(MAXC + 1) * CENT);
    /* far past it, a trillion dollars */
    good_period(d, slot, D("1000000000000"));
    expect_verdict(d, slot, 0, NULL);
    run_breakages(d, slot, D("1000000000000"));

    /* a figure that is neither a check's subject nor whole cents: the
     * beginning balance; 128 bits decide (and the ending balance is then
     * not whole cents either) */
    good_period(d, slot, D("1000000") + 1);
    expect_verdict(d, slot, 0, "class \"A\" ending balance 950000.000000000001 is not a whole number of cents");

    /* the negative edge, on a figure no check bounds: a clause's shortfall */
    good_period(d, slot, D("1000000"));
    KL(K_FEE, RT_K_SHORTFALL) = -(rt_dec)MAXC * CENT;
    expect_verdict(d, slot, 1, NULL);
    KL(K_FEE, RT_K_SHORTFALL) = -(rt_dec)(MAXC + 1) * CENT;
    expect_verdict(d, slot, 0, NULL);
    /* and on a due: IO's interest due at the edge, the shortfall with it */
    good_period(d, slot, D("1000000"));
    CL(IO, RT_C_INTEREST_DUE) = (rt_dec)MAXC * CENT;
    CL(IO, RT_C_INTEREST_SHORTFALL) = (rt_dec)MAXC * CENT - D("300");
    CL(IO, RT_C_UNPAID_END) = CL(IO, RT_C_INTEREST_SHORTFALL);
    expect_verdict(d, slot, 1, NULL);
    CL(IO, RT_C_INTEREST_DUE) += CENT;
    CL(IO, RT_C_INTEREST_SHORTFALL) += CENT;
    CL(IO, RT_C_UNPAID_END) += CENT;
    expect_verdict(d, slot, 0, NULL);
    CL(IO, RT_C_INTEREST_SHORTFALL) += CENT;
    expect_verdict(d, slot, 0, "class \"IO\" interest shortfall");

    free(slot);
    rt_deal_free(d);
}

/* more funds than the fast path keeps remainders for: 128 bits decide */
static void test_check_many_funds(void **state)
{
    (void)state;
    rt_deal *d = check_deal(RT_FAST_CHECK_FUNDS - 1); /* 2 + 15: 17 funds */
    const rt_layout *l = rt_deal_layout(d);
    rt_dec *slot = calloc((size_t)l->total, sizeof *slot);
    assert_non_null(slot);
    assert_int_equal(d->funds.n, RT_FAST_CHECK_FUNDS + 1);
    good_period(d, slot, D("1000000"));
    expect_verdict(d, slot, 0, NULL);
    run_breakages(d, slot, D("1000000"));
    free(slot);
    rt_deal_free(d);

    d = check_deal(RT_FAST_CHECK_FUNDS - 2); /* 16 funds: still fast */
    l = rt_deal_layout(d);
    slot = calloc((size_t)l->total, sizeof *slot);
    assert_non_null(slot);
    good_period(d, slot, D("1000000"));
    expect_verdict(d, slot, 1, NULL);
    run_breakages(d, slot, D("1000000"));
    free(slot);
    rt_deal_free(d);
}

/* ---- the engine's monthly interest ------------------------------------------------ */

/* the reference: floor((2 n + D) / 2D), half-up, on 128 bits */
static int64_t ref_month_interest(int64_t b, int64_t r)
{
    if (b <= 0 || r <= 0)
        return 0;
    unsigned __int128 n = (unsigned __int128)(uint64_t)b * (uint64_t)r, D = 12000000000000ull;
    return (int64_t)((2 * n + D) / (2 * D));
}

static void expect_interest(int64_t b, int64_t r)
{
    int64_t got = rt_month_interest(b, r), want = ref_month_interest(b, r);
    if (got != want) {
        print_error("rt_month_interest(%lld, %lld) = %lld, expected %lld\n", (long long)b, (long long)r,
                    (long long)got, (long long)want);
        fail();
    }
}

static void test_month_interest(void **state)
{
    (void)state;
    /* 100,000.00 at 6%: 500.00; 1,234.56 at 7.125%: 7.33 (7.3302); a half
     * cent goes up: 1.00 at 6% is half a cent -> 0.01, 0.99 -> 0.00 (0.495) */
    assert_int_equal(rt_month_interest(10000000, 60000000000LL), 50000);
    assert_int_equal(rt_month_interest(123456, 71250000000LL), 733);
    assert_int_equal(rt_month_interest(100, 60000000000LL), 1);
    assert_int_equal(rt_month_interest(99, 60000000000LL), 0);
    assert_int_equal(rt_month_interest(0, 60000000000LL), 0);
    assert_int_equal(rt_month_interest(100, 0), 0);
    assert_int_equal(rt_month_interest(-100, 60000000000LL), 0);
    /* the edge of the 64-bit path: balance * rate just below, at and just
     * above 2^64 (2^32 * 2^32), then a pool-sized line at 8% */
    expect_interest(4294967296LL, 4294967295LL);
    expect_interest(4294967296LL, 4294967296LL);
    expect_interest(4294967297LL, 4294967296LL);
    expect_interest(40000000000LL, 80000000000LL);
    /* 2^64 - 1 is 12 * 10^12 * 1537228 + 8073709551615 (more than half
     * of 12 * 10^12, so it rounds up) */
    expect_interest(3, 6148914691236517205LL);      /* n = 2^64 - 1 */
    assert_int_equal(rt_month_interest(3, 6148914691236517205LL), 1537229);
    expect_interest(1, INT64_MAX);
    /* the largest line rt_pool_start takes: 10^17 cents at 1000% (the
     * 128-bit division) */
    expect_interest(100000000000000000LL, 10000000000000LL);
    /* products around 2^64 and exact halves, at random */
    const int64_t D = 12000000000000LL;
    for (int i = 0; i < 200000; i++) {
        int64_t r = (int64_t)(next() % 10000000000000ull) + 1;  /* up to 1000% */
        uint64_t b = (uint64_t)(((unsigned __int128)1 << 64) / (uint64_t)r);
        int64_t jitter = (int64_t)(next() % 2001) - 1000;
        expect_interest((int64_t)b + jitter, r);
        expect_interest((int64_t)((next() % 100000000000000000ull) >> (next() % 64)), r);
        expect_interest((int64_t)(next() % 1000000000), D / 2 / ((int64_t)(next() % 1000) + 1));
    }
}

/* ---- rt_dec_interest, rt_dec_round_cents, rt_alloc_pro_rata --------------------- */

/* the reference: cents * rate * days / (basis * 10^12), half up, for
 * products that fit 127 bits */
static rt_dec ref_interest(int64_t cents, int64_t rate, int64_t days, int32_t basis)
{
    unsigned __int128 n = (unsigned __int128)cents * (uint64_t)rate * (uint64_t)days;
    unsigned __int128 div = (unsigned __int128)basis * 1000000000000ull;
    return (rt_dec)((2 * n + div) / (2 * div)) * CENT;
}

static void expect_int(rt_run *run, int64_t cents, int64_t rate, int64_t days, int32_t basis)
{
    rt_dec got = rt_dec_interest(run, basis, -1, (rt_dec)cents * CENT, rate, (rt_dec)days * RT_SCALE);
    rt_dec want = ref_interest(cents, rate, days, basis);
    if (got != want || rt_run_failed(run)) {
        char a[RT_NUMBUF], b[RT_NUMBUF];
        print_error("interest on %lld cents at %lld for %lld days / %d: %s, expected %s\n", (long long)cents,
                    (long long)rate, (long long)days, (int)basis, rt_fmt_trim(a, got), rt_fmt_trim(b, want));
        fail();
    }
}

static void test_interest_fast(void **state)
{
    (void)state;
    rt_run *run = rt_run_new(NULL);
    /* 366,447,000.00 at 2.10% for 31 days actual/360: 662,658.325 -> 662,658.33 */
    expect_int(run, 36644700000LL, 21000000000LL, 31, 360);
    assert_true(rt_dec_interest(run, 360, -1, D("366447000"), D("0.021"), 31 * RT_SCALE) == D("662658.33"));
    expect_int(run, 16162700000LL, 31400000000LL, 30, 360);
    expect_int(run, 0, 31400000000LL, 30, 360);
    expect_int(run, 16162700000LL, 0, 30, 360);
    expect_int(run, 16162700000LL, 31400000000LL, 0, 360);
    /* half a cent goes up: 1.00 at 6% for 30 days is 0.005 */
    assert_true(rt_dec_interest(run, 360, -1, D("1"), D("0.06"), 30 * RT_SCALE) == CENT);
    /* the edges of the fast path: the balance (RT_FAST_CENTS_MAX cents and
     * one more), the days (2^20 - 1 and 2^20), the product (2^76 after the
     * days), the basis (360 and others), the rate (2^64 - 1 and 2^63) */
    const int64_t rates[] = {1, 31400000000LL, 999999999999LL, 1000000000000LL, 10000000000000LL};
    const int64_t bals[] = {1, 99, 100, 12345678901LL, MAXC - 1, MAXC, MAXC + 1, 2 * MAXC};
    const int64_t dayss[] = {1, 28, 30, 31, 365, (1 << 20) - 1, 1 << 20};
    const int32_t bases[] = {360, 365, 1};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        for (size_t j = 0; j < sizeof bals / sizeof bals[0]; j++)
            for (size_t k = 0; k < sizeof dayss / sizeof dayss[0]; k++)
                for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++)
                    expect_int(run, bals[j], rates[i], dayss[k], bases[b]);
    /* products just below and above 2^76 (cents * rate * days) */
    for (int64_t days = 1; days <= 31; days += 15) {
        int64_t rate = 50000000000LL; /* 5% */
        int64_t c = (int64_t)((((unsigned __int128)1) << 76) / ((unsigned __int128)rate * (uint64_t)days));
        for (int64_t dc = -2; dc <= 2; dc++)
            expect_int(run, c + dc, rate, days, 360);
    }
    /* the largest rate the fast path takes is below 2^64; a rate of 2^63
     * and more is still exact (the reference fits: small balances) */
    expect_int(run, 3, INT64_MAX, 30, 360);
    for (int i = 0; i < 100000; i++) {
        int64_t c = (int64_t)(next() % (uint64_t)(2 * MAXC));
        int64_t r = (int64_t)(next() % 200000000000ull);
        int64_t d = (int64_t)(next() % 400);
        expect_int(run, c, r, d, i % 7 ? 360 : 365);
    }
    /* not the fast path: a negative balance, fractional days, a balance
     * that is not whole cents (results checked by test_dec) must agree
     * with the exact arithmetic all the same */
    assert_true(rt_dec_interest(run, 360, -1, D("-100"), D("0.06"), 30 * RT_SCALE) == -50 * CENT);
    assert_true(rt_dec_interest(run, 360, -1, D("100"), D("0.06"), 30 * RT_SCALE + RT_SCALE / 2) == 51 * CENT);
    assert_true(rt_dec_interest(run, 360, -1, D("100.005"), D("0.06"), 30 * RT_SCALE) == 50 * CENT);
    /* nothing accrues on nothing, whatever the rate and days; a bad basis
     * is still reported */
    assert_true(rt_dec_interest(run, 360, -1, 0, D("0.06"), 30 * RT_SCALE) == 0);
    assert_true(rt_dec_interest(run, 365, -1, 0, -RT_DEC_LIMIT, RT_SCALE / 3) == 0);
    assert_true(rt_dec_interest(run, 10000, -1, 0, RT_DEC_LIMIT, RT_DEC_LIMIT) == 0);
    assert_false(rt_run_failed(run));
    assert_true(rt_dec_interest(run, 0, -1, 0, D("0.06"), 30 * RT_SCALE) == 0);
    assert_true(rt_run_failed(run));
    assert_contains(rt_run_error(run), "bad day-count basis 0");
    rt_run_free(run);
    run = rt_run_new(NULL);
    assert_true(rt_dec_interest(run, 10001, -1, 0, D("0.06"), 30 * RT_SCALE) == 0);
    assert_contains(rt_run_error(run), "bad day-count basis 10001");
    rt_run_free(run);
}

static void test_round_cents_fast(void **state)
{
    (void)state;
    /* whole cents come back as they are, in the fast range and past it */
    const rt_dec whole[] = {0, CENT, -CENT, (rt_dec)MAXC * CENT, -(rt_dec)MAXC * CENT, (rt_dec)(MAXC + 1) * CENT,
                            -(rt_dec)(MAXC + 1) * CENT, RT_DEC_LIMIT, -RT_DEC_LIMIT};
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
        assert_true(rt_dec_round_cents(whole[i]) == whole[i]);
    /* and the rest rounds half away from zero, either side of the edge */
    for (int s = -1; s <= 1; s += 2) {
        rt_dec base = s * (rt_dec)MAXC * CENT;
        assert_true(rt_dec_round_cents(base + s * (CENT / 2)) == base + s * CENT);
        assert_true(rt_dec_round_cents(base + s * (CENT / 2 - 1)) == base);
        assert_true(rt_dec_round_cents(base + s * 1) == base);
        assert_true(rt_dec_round_cents(s * (CENT / 2)) == s * CENT);
        assert_true(rt_dec_round_cents(s * (CENT / 2 - 1)) == 0);
    }
    for (int i = 0; i < 100000; i++) {
        rt_dec v = (rt_dec)(next() % (4 * (uint64_t)MAXC)) * CENT + (rt_dec)(next() % 3) * (CENT / 2);
        if (i & 1)
            v = -v;
        rt_dec m = v < 0 ? -v : v, want = (m + CENT / 2) / CENT * CENT;
        assert_true(rt_dec_round_cents(v) == (v < 0 ? -want : want));
    }
}

/* the fast split (up to 64 recipients, whole cents within the edge) and
 * the general one must give the same cents: the same weights padded with
 * empty recipients to more than 64 take the general path */
static void expect_same_split(rt_dec amount, int32_t n, const rt_dec *weight)
{
    rt_dec wpad[80], fast[80], slow[80];
    memset(wpad, 0, sizeof wpad);
    memcpy(wpad, weight, (size_t)n * sizeof *weight);
    rt_alloc_pro_rata(amount, n, weight, fast);
    rt_alloc_pro_rata(amount, 80, wpad, slow);
    rt_dec sum = 0, total = 0;
    for (int32_t i = 0; i < n; i++) {
        if (fast[i] != slow[i]) {
            char a[RT_NUMBUF], b[RT_NUMBUF];
            print_error("recipient %d of %d: %s, general path %s\n", (int)i, (int)n, rt_fmt_trim(a, fast[i]),
                        rt_fmt_trim(b, slow[i]));
            fail();
        }
        sum += fast[i];
        total += weight[i] > 0 ? weight[i] : 0;
        assert_true(fast[i] >= 0 && (weight[i] <= 0 || fast[i] <= weight[i]));
    }
    for (int32_t i = n; i < 80; i++)
        assert_true(slow[i] == 0);
    if (amount > 0 && rt_fast_cents(amount, &(int64_t){0}))
        assert_true(sum == (amount < total ? amount : total));
}

static void test_pro_rata_fast(void **state)
{
    (void)state;
    /* 100.00 over three equal weights: 33.34, 33.33, 33.33 (the earlier
     * index wins the tie) */
    rt_dec w3[3] = {D("50"), D("50"), D("50")}, out[3];
    rt_alloc_pro_rata(D("100"), 3, w3, out);
    assert_true(out[0] == D("33.34") && out[1] == D("33.33") && out[2] == D("33.33"));
    expect_same_split(D("100"), 3, w3);
    /* the GMACM interest split, short by a cent */
    rt_dec due[6] = {D("662658.33"), D("422920.68"), D("71670.83"), D("85597.05"), D("216306.47"), D("490000")};
    expect_same_split(D("1949153.35"), 6, due);
    expect_same_split(D("1949153.36"), 6, due);
    expect_same_split(D("0.01"), 6, due);
    expect_same_split(0, 6, due);
    expect_same_split(D("-5"), 6, due);
    expect_same_split(D("99999999"), 6, due); /* more than the total */
    /* at the edge: weights of RT_FAST_CENTS_MAX cents, and one past it */
    rt_dec big[4] = {(rt_dec)MAXC * CENT, (rt_dec)MAXC * CENT, CENT, 0};
    expect_same_split((rt_dec)MAXC * CENT, 4, big);
    big[1] += CENT;
    expect_same_split((rt_dec)MAXC * CENT, 4, big);
    /* not whole cents (rounded first by both) and negative weights */
    rt_dec odd[4] = {D("10.005"), D("-3"), D("7.5"), D("0.004")};
    expect_same_split(D("12.34"), 4, odd);
    expect_same_split(D("12.345"), 4, odd);
    /* 64 recipients, the most the fast path takes, at random */
    rt_dec w[64];
    for (int k = 0; k < 2000; k++) {
        int32_t n = 1 + (int32_t)(next() % 64);
        rt_dec total = 0;
        for (int32_t i = 0; i < n; i++) {
            w[i] = (rt_dec)(next() % (k % 3 ? 1000 : 100000000000ull)) * CENT;
            total += w[i];
        }
        rt_dec amount = total ? (rt_dec)(next() % (uint64_t)(total / CENT + 1)) * CENT : 0;
        expect_same_split(amount, n, w);
    }
}

/* ---- the engine's two ways of summing a month -------------------------------------- */

/* A pool of several groups sums each line into its group's flows; a pool
 * of one group sums into locals. The same lines split into one-group
 * pools must give each group's flows exactly, month by month, through
 * defaults, liquidations, adjustable resets, interest-only and balloon
 * lines, and a clean-up call. */
static void add_line(rt_deal *d, int32_t group, int i)
{
    int32_t l = rt_add_collateral(d, group);
    rt_set_collateral(d, l, RT_L_BALANCE, (rt_dec)(2000000 + (i * 7919) % 40000000) * CENT);
    rt_dec g = (rt_dec)(40000000000LL + (i % 37) * 1500000000LL);
    rt_set_collateral(d, l, RT_L_GROSS_RATE, i % 29 == 0 ? 0 : g);
    rt_set_collateral(d, l, RT_L_NET_RATE, i % 29 == 0 ? 0 : g - 5000000000LL);
    rt_set_collateral(d, l, RT_L_ORIGINAL_TERM, (rt_dec)(i % 3 ? 360 : 180) * RT_SCALE);
    rt_set_collateral(d, l, RT_L_AGE, (rt_dec)(i % 20) * RT_SCALE);
    if (i % 13 == 0)
        rt_set_collateral(d, l, RT_L_BALLOON, (rt_dec)(60 + i % 30) * RT_SCALE);
    if (i % 11 == 0)
        rt_set_collateral(d, l, RT_L_IO_MONTHS, 36 * RT_SCALE);
    if (i % 4 == 0) {
        rt_set_collateral(d, l, RT_L_INDEX, 0);
        rt_set_collateral(d, l, RT_L_MARGIN, D("2.75%"));
        rt_set_collateral(d, l, RT_L_FIRST_RESET, (rt_dec)(i % 24 + 1) * RT_SCALE);
        rt_set_collateral(d, l, RT_L_RESET_EVERY, 6 * RT_SCALE);
        rt_set_collateral(d, l, RT_L_PERIODIC_CAP, D("1%"));
        rt_set_collateral(d, l, RT_L_LIFE_CAP, D("11%"));
    } else {
        rt_set_collateral(d, l, RT_L_INDEX, -RT_SCALE);
    }
}

static rt_deal *engine_deal(int ngroups)
{
    rt_deal *d = rt_deal_new();
    rt_deal_name(d, "engine");
    for (int g = 0; g < ngroups; g++)
        rt_add_group(d, g ? "Group 2" : "Group 1");
    rt_add_input(d, "Index", RT_UNIT_RATE);
    return d;
}

static void test_engine_groups(void **state)
{
    (void)state;
    rt_deal *two = engine_deal(2), *one[2] = {engine_deal(1), engine_deal(1)};
    for (int i = 0; i < 300; i++) {
        int g = i % 3 == 0; /* a third of the lines in group 2, interleaved */
        add_line(two, g, i);
        add_line(one[g], 0, i);
    }
    rt_dec idx[40];
    for (int i = 0; i < 40; i++)
        idx[i] = D("3%") + (rt_dec)i * D("0.125%");
    rt_index_path path[1] = {{idx, 40}};
    rt_pool *p2 = rt_pool_new(two, 12, 400), *p1[2] = {rt_pool_new(one[0], 12, 400), rt_pool_new(one[1], 12, 400)};
    assert_non_null(p2);
    int seen_default = 0, seen_loss = 0, seen_interest = 0;
    for (int sc = 0; sc < 6; sc++) {
        rt_assump a;
        memset(&a, 0, sizeof a);
        a.prepay.kind = sc % 2 ? RT_CURVE_PSA : RT_CURVE_CPR;
        a.prepay.level = sc % 2 ? 1.5 : 0.08 * sc;
        a.dflt.kind = sc % 3 ? RT_CURVE_SDA : RT_CURVE_CPR;
        a.dflt.level = sc % 3 ? 2.0 : 0.03;
        a.severity = 0.35;
        a.lag = sc * 2;
        a.advancing = sc % 2;
        a.index = path;
        char msg[256];
        assert_true(rt_pool_start(p2, &a, NULL, sc, msg, sizeof msg));
        assert_true(rt_pool_start(p1[0], &a, NULL, sc, msg, sizeof msg));
        assert_true(rt_pool_start(p1[1], &a, NULL, sc, msg, sizeof msg));
        for (int32_t t = 1; t <= 360; t++) {
            rt_flows f2[2], f1[2][1];
            rt_pool_month(p2, t, f2);
            rt_pool_month(p1[0], t, f1[0]);
            rt_pool_month(p1[1], t, f1[1]);
            if (sc == 5 && t == 100) { /* the clean-up call */
                rt_pool_sell(p2, f2);
                rt_pool_sell(p1[0], f1[0]);
                rt_pool_sell(p1[1], f1[1]);
            }
            for (int g = 0; g < 2; g++) {
                if (memcmp(&f2[g], &f1[g][0], sizeof(rt_flows)) != 0) {
                    print_error("scenario %d month %d group %d: flows differ (end %lld against %lld)\n", sc,
                                (int)t, g, (long long)f2[g].end, (long long)f1[g][0].end);
                    fail();
                }
                assert_true(rt_pool_balance(p2, g) == rt_pool_balance(p1[g], 0));
                seen_default += f2[g].defaulted > 0;
                seen_loss += f2[g].loss > 0;
                seen_interest += f2[g].interest > 0;
            }
        }
    }
    assert_true(seen_default > 0 && seen_loss > 0 && seen_interest > 0);
    rt_pool_free(p2);
    rt_pool_free(p1[0]);
    rt_pool_free(p1[1]);
    rt_deal_free(two);
    rt_deal_free(one[0]);
    rt_deal_free(one[1]);
}

/* ---- a projection past the fast checks' edge ---------------------------------------- */

/* The projection test deal (proj_deal.c) opened at `scale` times its size,
 * at zero speeds: each period the classes get the pool's scheduled
 * principal, A first, and the interest their coupons accrue (25 days
 * 30/360 first, then 30); the results must hold exactly those cents. At
 * 50,000 times (a $50 billion pool, A $35 billion) every period's class
 * figures are past RT_FAST_CENTS_MAX, so the 128-bit checks run and the
 * results are converted from the slots; at 1 the fast checks hand them
 * over. Both must agree with the same arithmetic done here. */
static void project_at_scale(int64_t scale)
{
    proj_current = PROJ_FIXED;
    rt_deal *d = rt_deal_new();
    proj_describe(d);
    char msg[RT_ERRMAX];
    assert_true(rt_deal_validate(d, msg, sizeof msg));
    rt_state open;
    assert_true(rt_state_init(&open, d));
    open.distribution_number = 0;
    open.payment_date = rt_days_from_civil(2024, 1, 30);
    open.pool_balance[0] = (rt_dec)100000000 * scale * CENT;
    open.cumulative_loss[0] = 0;
    open.class_balance[0] = (rt_dec)70000000 * scale * CENT;
    open.class_balance[1] = (rt_dec)30000000 * scale * CENT;
    rt_proj *w = rt_proj_new(d, proj_period, &open, 0, 400);
    assert_non_null(w);
    rt_assump a;
    memset(&a, 0, sizeof a);
    assert_true(rt_proj_run(w, &a, msg, sizeof msg));
    const rt_proj_result *r = rt_proj_result_get(w);
    assert_int_equal(r->nperiods, 360);
    int64_t bal[2] = {70000000 * scale, 30000000 * scale};
    const int bp[2] = {500, 525};
    int past_edge = 0;
    for (int32_t k = 0; k < r->nperiods; k++) {
        const rt_flows *f = &r->flows[k];
        int days = k == 0 ? 25 : 30;
        int64_t pa = f->scheduled < bal[0] ? f->scheduled : bal[0];
        int64_t pr[2] = {pa, f->scheduled - pa};
        for (int c = 0; c < 2; c++) {
            int64_t due = (int64_t)(((__int128)bal[c] * bp[c] * days + 1800000) / 3600000);
            past_edge += bal[c] > RT_FAST_CENTS_MAX;
            assert_int_equal(r->class_begin[k * 2 + c], bal[c]);
            assert_int_equal(r->class_int[k * 2 + c], due);
            assert_int_equal(r->class_prin[k * 2 + c], pr[c]);
            bal[c] -= pr[c];
            assert_int_equal(r->class_end[k * 2 + c], bal[c]);
        }
    }
    assert_int_equal(bal[0] + bal[1], 0);
    assert_true(scale == 1 ? past_edge == 0 : past_edge > 300);
    rt_proj_free(w);
    rt_state_free(&open);
    rt_deal_free(d);
}

static void test_projection_edge(void **state)
{
    (void)state;
    project_at_scale(1);
    project_at_scale(50000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_cents),
        cmocka_unit_test(test_check_fast),
        cmocka_unit_test(test_check_many_funds),
        cmocka_unit_test(test_month_interest),
        cmocka_unit_test(test_interest_fast),
        cmocka_unit_test(test_round_cents_fast),
        cmocka_unit_test(test_pro_rata_fast),
        cmocka_unit_test(test_engine_groups),
        cmocka_unit_test(test_projection_edge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
