/*
 * The GMACM 2003-HE2 waterfall (bench/gmacm-2003-he2.deal) written by
 * hand in plain C against the same slot layout and runtime helpers, as the
 * yardstick for the compiled deal's speed: written as a careful programmer
 * would, rounding only what can have fractions of a cent. It must compute exactly what the
 * compiled dealc_period computes; bench/check_handwritten verifies that slot
 * for slot before any timing is trusted.
 */
#include "gmacm_handwritten.h"

/* indexes in declaration order, as dealc_describe registers them */
enum { IN_LIBOR, IN_WANLR };
enum { C_A1, C_A2, C_A3, C_A4, C_A5, C_IO, NCLASS };
enum { P_CERTIFICATES, P_ENHANCER };
enum { D_AGG, D_ORIG_AGG, D_PREMIUM, D_DUE_NOTES, D_EXCESS, D_OC, D_TARGET, D_OC_INC, D_OC_REL, D_PDA };
enum { F_AVAILABLE };
enum { K_PREMIUM, K_INTEREST, K_PRINCIPAL, K_REMAINDER };

static const rt_layout *L;

void gmacm_handwritten_init(const rt_layout *layout) { L = layout; }

#define PCT(x) ((rt_dec)(x))  /* a rate in units of 10^-12 */
#define DOLLARS(x) ((rt_dec)(x) * RT_SCALE)

static rt_dec dmin(rt_dec a, rt_dec b) { return a < b ? a : b; }
static rt_dec dmax(rt_dec a, rt_dec b) { return a > b ? a : b; }

static rt_dec io_notional(rt_dec n)
{
    if (n >= 1 * RT_SCALE && n <= 6 * RT_SCALE) return DOLLARS(84000000);
    if (n >= 7 * RT_SCALE && n <= 12 * RT_SCALE) return DOLLARS(76000000);
    if (n >= 13 * RT_SCALE && n <= 18 * RT_SCALE) return DOLLARS(64000000);
    if (n >= 19 * RT_SCALE && n <= 30 * RT_SCALE) return DOLLARS(48000000);
    return 0;
}

int32_t gmacm_handwritten_period(rt_dec *slot, rt_run *run)
{
    const int g = 0;
    rt_dec *cls = slot + L->class_base;
    rt_dec *grp = slot + RT_SLOT_GROUP(L, g, 0);
    static const rt_dec fixed_coupon[NCLASS] = { 0, PCT(31400000000), PCT(41200000000), PCT(46200000000),
                                                 PCT(40900000000), PCT(70000000000) };
    rt_dec coupon[NCLASS], due[NCLASS], begin[NCLASS];
    for (int c = 0; c < NCLASS; c++) {
        coupon[c] = c == C_A1 ? slot[RT_SLOT_INPUT(L, IN_LIBOR)] + PCT(1000000000) : fixed_coupon[c];
        begin[c] = cls[c * RT_C_COUNT + RT_C_BEGIN_BALANCE];
        rt_dec days = c == C_A1 ? slot[RT_G_DAYS_ACTUAL] : slot[RT_G_DAYS_30_360];
        due[c] = rt_dec_interest(run, 360, -1, begin[c], coupon[c], days);
        cls[c * RT_C_COUNT + RT_C_COUPON] = coupon[c];
        cls[c * RT_C_COUNT + RT_C_INTEREST_DUE] = due[c];
    }
    rt_dec pc = grp[RT_GR_PRINCIPAL_COLLECTIONS], ic = grp[RT_GR_INTEREST_COLLECTIONS];
    rt_dec draws = grp[RT_GR_PRINCIPAL_DRAWS], loss = grp[RT_GR_LIQUIDATION_LOSS];
    rt_dec agg = 0, orig = 0, due_all = 0;
    for (int c = C_A1; c <= C_A5; c++) {
        agg += begin[c];
        orig += cls[c * RT_C_COUNT + RT_C_ORIGINAL];
    }
    for (int c = 0; c < NCLASS; c++) due_all += due[c];
    rt_dec premium = rt_dec_interest(run, 360, -1, agg, PCT(1175000000), 30 * RT_SCALE);
    rt_dec excess = ic - premium - due_all - loss;
    rt_dec oc = grp[RT_GR_BEGIN_BALANCE] - agg;
    rt_dec target = rt_dec_round_cents(rt_dec_mul(run, PCT(12500000000), orig, -1));
    rt_dec inc = dmax(dmin(excess, target - oc), 0);
    rt_dec rel = dmin(dmax(oc - target, 0), pc - draws);
    rt_dec pda = pc - draws + loss + inc - rel;
    rt_dec defs[] = { agg, orig, premium, due_all, excess, oc, target, inc, rel, pda };
    for (int i = 0; i < 10; i++) slot[RT_SLOT_DEF(L, i)] = defs[i];

    rt_dec fund = pc - draws + ic + grp[RT_GR_SUBSTITUTION_ADJUSTMENT];
    slot[RT_SLOT_FUND(L, F_AVAILABLE, RT_F_DEPOSIT)] = fund;
    rt_dec rem = fund;
    rt_dec party[2] = { 0, 0 }, int_paid[NCLASS] = { 0 }, prin_paid[NCLASS] = { 0 };

    /* (i) the premium */
    rt_dec req = dmax(premium, 0), paid = dmin(req, rem);
    party[P_ENHANCER] += paid;
    slot[RT_SLOT_CLAUSE(L, K_PREMIUM, RT_K_AVAILABLE)] = rem;
    slot[RT_SLOT_CLAUSE(L, K_PREMIUM, RT_K_PAID)] = paid;
    slot[RT_SLOT_CLAUSE(L, K_PREMIUM, RT_K_SHORTFALL)] = req - paid;
    rem -= paid;

    /* (ii) interest, pro rata */
    req = 0;
    for (int c = 0; c < NCLASS; c++) req += due[c];
    paid = dmin(req, rem);
    rt_alloc_pro_rata(paid, NCLASS, due, int_paid);
    slot[RT_SLOT_CLAUSE(L, K_INTEREST, RT_K_AVAILABLE)] = rem;
    slot[RT_SLOT_CLAUSE(L, K_INTEREST, RT_K_PAID)] = paid;
    slot[RT_SLOT_CLAUSE(L, K_INTEREST, RT_K_SHORTFALL)] = req - paid;
    rem -= paid;

    /* (iii) principal, sequentially to A-1 .. A-5 */
    req = dmax(pda, 0);
    rt_dec amount = dmin(req, rem), capacity = 0;
    for (int c = C_A1; c <= C_A5; c++) capacity += begin[c];
    paid = dmin(amount, capacity);
    rt_dec left = paid;
    for (int c = C_A1; c <= C_A5; c++) {
        prin_paid[c] = dmin(begin[c], left);
        left -= prin_paid[c];
    }
    slot[RT_SLOT_CLAUSE(L, K_PRINCIPAL, RT_K_AVAILABLE)] = rem;
    slot[RT_SLOT_CLAUSE(L, K_PRINCIPAL, RT_K_PAID)] = paid;
    slot[RT_SLOT_CLAUSE(L, K_PRINCIPAL, RT_K_SHORTFALL)] = req - paid;
    rem -= paid;

    /* (iv) the remainder to the certificates */
    party[P_CERTIFICATES] += rem;
    slot[RT_SLOT_CLAUSE(L, K_REMAINDER, RT_K_AVAILABLE)] = rem;
    slot[RT_SLOT_CLAUSE(L, K_REMAINDER, RT_K_PAID)] = rem;
    slot[RT_SLOT_CLAUSE(L, K_REMAINDER, RT_K_SHORTFALL)] = 0;
    rem = 0;

    for (int c = 0; c < NCLASS; c++) {
        rt_dec *k = cls + c * RT_C_COUNT;
        k[RT_C_INTEREST_PAID] = int_paid[c];
        k[RT_C_INTEREST_SHORTFALL] = due[c] - int_paid[c];
        k[RT_C_UNPAID_END] = k[RT_C_UNPAID_BEGIN] + due[c] - int_paid[c];
        k[RT_C_PRINCIPAL_PAID] = prin_paid[c];
        k[RT_C_END_BALANCE] = c == C_IO ? rt_dec_round_cents(io_notional(slot[RT_G_DIST_NUMBER] + RT_SCALE))
                                        : begin[c] - prin_paid[c];
    }
    slot[RT_SLOT_PARTY(L, P_CERTIFICATES, RT_P_PAID)] = party[P_CERTIFICATES];
    slot[RT_SLOT_PARTY(L, P_ENHANCER, RT_P_PAID)] = party[P_ENHANCER];
    slot[RT_SLOT_FUND(L, F_AVAILABLE, RT_F_REMAINING)] = rem;

    /* the statement's lines, in declaration order (11 is the class table) */
    rt_dec end_notes = 0;
    for (int c = C_A1; c <= C_A5; c++) end_notes += cls[c * RT_C_COUNT + RT_C_END_BALANCE];
    rt_dec end_pool = grp[RT_GR_END_BALANCE];
    rt_dec lines[21] = {
        grp[RT_GR_BEGIN_BALANCE], end_pool, pc, draws, pc - draws, grp[RT_GR_ACTIVE_LOAN_COUNT], ic,
        slot[RT_SLOT_INPUT(L, IN_WANLR)], grp[RT_GR_SUBSTITUTION_ADJUSTMENT], excess, party[P_ENHANCER], 0,
        oc, (end_pool - end_notes) - oc, end_pool - end_notes, target, grp[RT_GR_BEGIN_CUM_LOSS], loss,
        grp[RT_GR_RECOVERIES], grp[RT_GR_END_CUM_LOSS], 0,
    };
    for (int i = 0; i < 20; i++) {
        if (i == 11) continue;
        /* every line is already whole cents (or a count or rate) */
        slot[RT_SLOT_LINE(L, i)] = lines[i];
    }
    return 0;
}
