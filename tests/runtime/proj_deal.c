/*
 * proj_deal.c — see proj_deal.h. Written like generated code: slot reads
 * and writes, the runtime's helpers for every multiplication.
 */
#include "proj_deal.h"

#include "support.h"

proj_variant proj_current = PROJ_FIXED;

/* what generated code would know statically; set by proj_describe */
static rt_layout lay;

static void line(rt_deal *d, const char *bal, const char *gross, const char *net, int idx)
{
    int32_t l = rt_add_collateral(d, 0);
    rt_set_collateral(d, l, RT_L_BALANCE, D(bal));
    rt_set_collateral(d, l, RT_L_GROSS_RATE, D(gross));
    rt_set_collateral(d, l, RT_L_NET_RATE, D(net));
    rt_set_collateral(d, l, RT_L_ORIGINAL_TERM, 360 * RT_SCALE);
    rt_set_collateral(d, l, RT_L_REMAINING_TERM, 360 * RT_SCALE);
    if (idx >= 0) {
        rt_set_collateral(d, l, RT_L_INDEX, (rt_dec)idx * RT_SCALE);
        rt_set_collateral(d, l, RT_L_MARGIN, D("2.75%"));
        rt_set_collateral(d, l, RT_L_FIRST_RESET, 7 * RT_SCALE);
        rt_set_collateral(d, l, RT_L_RESET_EVERY, 12 * RT_SCALE);
        rt_set_collateral(d, l, RT_L_PERIODIC_CAP, D("1%"));
        rt_set_collateral(d, l, RT_L_LIFE_CAP, D("11%"));
        rt_set_collateral(d, l, RT_L_LIFE_FLOOR, D("3%"));
    }
}

void proj_describe(rt_deal *d)
{
    rt_deal_name(d, "Projection Test Trust 2024-P");
    rt_deal_dates(d, rt_days_from_civil(2024, 1, 30), rt_days_from_civil(2024, 2, 25), 25, RT_BDC_NONE);
    rt_set_source(d, "proj.deal");
    rt_add_group(d, "Pool");
    rt_add_class(d, "A", 70000000, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_class(d, "B", 30000000, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_party(d, "Residual", 1);
    int idx = -1;
    if (proj_current == PROJ_ARM)
        idx = rt_add_input(d, "One-Year CMT", RT_UNIT_RATE);
    rt_add_fund(d, "Available Funds", 0);
    rt_add_clause(d, "4.01(i)", 0, "Class A interest");
    rt_add_clause(d, "4.01(ii)", 0, "Class B interest");
    rt_add_clause(d, "4.01(iii)", 0, "Class A principal");
    rt_add_clause(d, "4.01(iv)", 0, "Class B principal");
    rt_add_clause(d, "4.01(v)", 0, "Residual");
    rt_clause_flow(d, 4, RT_FLOW_PARTY, 0);
    if (proj_current == PROJ_ARM) {
        line(d, "600000.00", "6%", "5.5%", -1);
        line(d, "400000.00", "5%", "4.5%", idx);
    } else {
        line(d, "1000000.00", "6%", "5.5%", -1);
    }
    rt_deal_setting(d, RT_SET_CUTOFF_DATE, -1, (rt_dec)rt_days_from_civil(2024, 1, 1) * RT_SCALE);
    rt_deal_setting(d, RT_SET_CLEANUP_CALL, -1, D("10%"));
    lay = *rt_deal_layout(d);
}

static rt_dec min2(rt_dec a, rt_dec b)
{
    return a < b ? a : b;
}

static rt_dec pay(rt_dec *s, int32_t clause, rt_dec want, rt_dec *rem)
{
    rt_dec p = min2(want, *rem);
    if (p < 0)
        p = 0;
    s[RT_SLOT_CLAUSE(&lay, clause, RT_K_AVAILABLE)] = *rem;
    s[RT_SLOT_CLAUSE(&lay, clause, RT_K_PAID)] = p;
    s[RT_SLOT_CLAUSE(&lay, clause, RT_K_SHORTFALL)] = want - p;
    *rem -= p;
    return p;
}

int32_t proj_period(rt_dec *s, rt_run *run)
{
    const rt_layout *l = &lay;
    rt_dec pc = s[RT_SLOT_GROUP(l, 0, RT_GR_PRINCIPAL_COLLECTIONS)];
    rt_dec ic = s[RT_SLOT_GROUP(l, 0, RT_GR_INTEREST_COLLECTIONS)];
    rt_dec loss = s[RT_SLOT_GROUP(l, 0, RT_GR_LIQUIDATION_LOSS)];
    rt_dec rem = pc + ic;
    s[RT_SLOT_FUND(l, 0, RT_F_DEPOSIT)] = rem;
    static const rt_dec coupon[2] = {RT_SCALE / 20, RT_SCALE * 525 / 10000};
    for (int c = 0; c < 2; c++) {
        rt_dec bal = s[RT_SLOT_CLASS(l, c, RT_C_BEGIN_BALANCE)];
        rt_dec due = rt_dec_interest(run, 360, -1, bal, coupon[c], s[RT_G_DAYS_30_360]);
        rt_dec paid = pay(s, c, due, &rem);
        s[RT_SLOT_CLASS(l, c, RT_C_COUPON)] = coupon[c];
        s[RT_SLOT_CLASS(l, c, RT_C_INTEREST_DUE)] = due;
        s[RT_SLOT_CLASS(l, c, RT_C_INTEREST_PAID)] = paid;
        s[RT_SLOT_CLASS(l, c, RT_C_INTEREST_SHORTFALL)] = due - paid;
        s[RT_SLOT_CLASS(l, c, RT_C_UNPAID_END)] = s[RT_SLOT_CLASS(l, c, RT_C_UNPAID_BEGIN)] + due - paid;
    }
    rt_dec left = pc + loss;
    for (int c = 0; c < 2; c++) {
        rt_dec bal = s[RT_SLOT_CLASS(l, c, RT_C_BEGIN_BALANCE)];
        rt_dec p = pay(s, 2 + c, min2(left, bal), &rem);
        left -= p;
        s[RT_SLOT_CLASS(l, c, RT_C_PRINCIPAL_PAID)] = p;
        s[RT_SLOT_CLASS(l, c, RT_C_END_BALANCE)] = bal - p;
    }
    s[RT_SLOT_PARTY(l, 0, RT_P_PAID)] = pay(s, 4, rem, &rem);
    s[RT_SLOT_FUND(l, 0, RT_F_REMAINING)] = rem;
    return rt_run_failed(run) ? 1 : 0;
}
