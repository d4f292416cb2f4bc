/*
 * proj_deal.h — a hand-written stand-in for a compiled deal that declares
 * collateral, used to test projections: one group, two sequential classes
 * and a residual holder.
 *
 *   Closing 2024-01-30, first payment 2024-02-25, the 25th, no business-day
 *   adjustment; cut-off 2024-01-01; clean-up call at 10% of the cut-off pool.
 *   Classes: A 700,000.00 at 5%, B 300,000.00 at 5.25%, both 30/360 (below
 *   the collateral's 5.5% net rate, so interest never needs principal).
 *   Collateral (PROJ_FIXED): one line, 1,000,000.00, 6% gross, 5.5% net,
 *   360 months, age 0.
 *   Collateral (PROJ_ARM): 600,000.00 fixed as above plus 400,000.00
 *   adjustable on the input "One-Year CMT": 5% gross, 4.5% net, margin
 *   2.75%, first reset at age 7, every 12, periodic cap 1%, life cap 11%,
 *   floor 3%.
 *
 * Waterfall from "Available Funds" (principal + interest collections):
 *   4.01(i)   Class A interest    4.01(ii)  Class B interest
 *   4.01(iii) Class A principal   up to the Principal Distribution Amount
 *             (principal collections + liquidation loss)
 *   4.01(iv)  Class B principal   the rest of that amount
 *   4.01(v)   Residual            whatever is left
 */
#ifndef PROJ_DEAL_H
#define PROJ_DEAL_H

#include "dealrt.h"

typedef enum proj_variant { PROJ_FIXED = 0, PROJ_ARM } proj_variant;
extern proj_variant proj_current;

void proj_describe(rt_deal *d);
int32_t proj_period(rt_dec *slot, rt_run *run);

#endif
