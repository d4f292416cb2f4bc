/* fuzz_deal.h — the GMACM 2003-HE2 deal as the runtime readers' fuzzers
 * describe it by hand (no compiled deal needed to read its files). */
#ifndef DEALC_FUZZ_DEAL_H
#define DEALC_FUZZ_DEAL_H

#include "rt_internal.h"

static inline void describe_gmacm(rt_deal *d)
{
    rt_deal_name(d, "GMACM Home Equity Loan Trust 2003-HE2");
    rt_deal_dates(d, rt_days_from_civil(2003, 3, 26), rt_days_from_civil(2003, 4, 25), 25,
                  RT_BDC_FOLLOWING);
    rt_add_group(d, "Group 1");
    rt_add_class(d, "A-1", 36644700000, RT_CLASS_PRINCIPAL, RT_DC_ACT_360);
    rt_add_class(d, "A-2", 16162700000, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_class(d, "A-3", 2087500000, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_class(d, "A-4", 2223300000, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_class(d, "A-5", 6346400000, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_class(d, "IO", 8400000000, RT_CLASS_NOTIONAL, RT_DC_30_360);
    rt_add_party(d, "Certificates", 1);
    rt_add_party(d, "Credit Enhancer", 0);
    rt_add_input(d, "One-Month LIBOR", RT_UNIT_RATE);
    rt_add_input(d, "Weighted Average Net Loan Rate", RT_UNIT_RATE);
}

#endif
