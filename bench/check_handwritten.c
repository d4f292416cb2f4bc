/*
 * The hand-written GMACM 2003-HE2 waterfall must compute what the compiled
 * deal computes, slot for slot, before its speed means anything: this runs
 * both on the 2004-02-25 figures (typed from the trustee's statement) and
 * on thousands of perturbed months, and compares every slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dealrt.h"
#include "gmacm_handwritten.h"

void dealc_describe(rt_deal *d);
int32_t dealc_period(rt_dec *slot, rt_run *run);

#define M(x) ((rt_dec)(x) * RT_CENT)   /* cents */
#define S(x) ((rt_dec)(x) * RT_SCALE)

static unsigned long long rng = 88172645463325252ull;
static unsigned long long next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static void fill(rt_dec *slot, const rt_layout *L, int perturb)
{
    memset(slot, 0, sizeof(rt_dec) * (size_t)L->total);
    static const rt_dec orig[6] = { M(36644700000), M(16162700000), M(2087500000), M(2223300000), M(6346400000), M(8400000000) };
    rt_dec bal[6] = { M(13337359032), M(16162700000), M(2087500000), M(2223300000), M(6346400000), M(7600000000) };
    rt_dec pc = M(1599821091), ic = M(252600970), loss = M(13819109), rec = M(6714), begin = M(40685592422);
    if (perturb) {
        bal[0] = (rt_dec)(next() % 36644700000ull) * RT_CENT;
        pc = (rt_dec)(next() % 3000000000ull) * RT_CENT;
        ic = (rt_dec)(next() % 400000000ull) * RT_CENT;
        loss = (rt_dec)(next() % 50000000ull) * RT_CENT;
    }
    slot[RT_G_DIST_NUMBER] = S(perturb ? 1 + (int)(next() % 40) : 11);
    slot[RT_G_DAYS_ACTUAL] = S(perturb ? 28 + (int)(next() % 4) : 30);
    slot[RT_G_DAYS_30_360] = S(30);
    rt_dec *g = slot + RT_SLOT_GROUP(L, 0, 0);
    g[RT_GR_PRINCIPAL_COLLECTIONS] = pc;
    g[RT_GR_INTEREST_COLLECTIONS] = ic;
    g[RT_GR_LIQUIDATION_LOSS] = loss;
    g[RT_GR_RECOVERIES] = rec;
    g[RT_GR_ACTIVE_LOAN_COUNT] = S(11704);
    g[RT_GR_BEGIN_BALANCE] = begin;
    g[RT_GR_END_BALANCE] = begin - pc - loss;
    g[RT_GR_BEGIN_CUM_LOSS] = M(10743607);
    g[RT_GR_END_CUM_LOSS] = M(10743607) + loss - rec;
    for (int c = 0; c < 6; c++) {
        slot[RT_SLOT_CLASS(L, c, RT_C_ORIGINAL)] = orig[c];
        slot[RT_SLOT_CLASS(L, c, RT_C_BEGIN_BALANCE)] = bal[c];
    }
    slot[RT_SLOT_INPUT(L, 0)] = RT_SCALE / 100 * 110 / 100;    /* 1.10% */
    slot[RT_SLOT_INPUT(L, 1)] = (rt_dec)77450000000LL;         /* 7.77450% */
}

int main(void)
{
    rt_deal *d = rt_deal_new();
    dealc_describe(d);
    const rt_layout *L = rt_deal_layout(d);
    gmacm_handwritten_init(L);
    rt_run *run = rt_run_new(d);
    rt_dec *a = calloc((size_t)L->total, sizeof *a), *b = calloc((size_t)L->total, sizeof *b);
    int bad = 0;
    for (int t = 0; t < 20000 && !bad; t++) {
        fill(a, L, t > 0);
        memcpy(b, a, sizeof(rt_dec) * (size_t)L->total);
        dealc_period(a, run);
        gmacm_handwritten_period(b, run);
        for (int i = 0; i < L->total; i++)
            if (a[i] != b[i]) {
                fprintf(stderr, "case %d: slot %d differs\n", t, i);
                bad = 1;
            }
        if (t == 0) {
            /* the statement's own figures: A-1 principal and excess cash */
            if (a[RT_SLOT_CLASS(L, 0, RT_C_PRINCIPAL_PAID)] != M(1711169471) || a[RT_SLOT_DEF(L, 4)] != M(97529271)) {
                fprintf(stderr, "the 2004-02-25 figures are wrong\n");
                bad = 1;
            }
        }
    }
    free(a);
    free(b);
    rt_run_free(run);
    rt_deal_free(d);
    printf("%d passed, %d failed\n", bad ? 0 : 1, bad);
    return bad;
}
