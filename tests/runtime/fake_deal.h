/*
 * fake_deal.h — a hand-written stand-in for what dealc generates: a tiny
 * deal with one group, two sequential principal classes (A, B), a servicing
 * fee and a residual holder, used to test rt_main end to end.
 *
 * Waterfall from "Available Funds" (principal + interest collections +
 * recoveries), in order:
 *   5.01(a)(i)   Servicer: 0.50% a year on the beginning pool balance, 30/360
 *   5.01(a)(ii)  Class A interest: (One-Month LIBOR + 0.25%), 30/360
 *   5.01(a)(iii) Class B interest: 5.00%, 30/360
 *   5.01(a)(iv)  Class A principal: up to the Principal Distribution Amount
 *                (principal collections + liquidation loss)
 *   5.01(a)(v)   Class B principal: the rest of that amount
 *   5.01(a)(vi)  Certificates: whatever is left (the Excess Cash)
 */
#ifndef FAKE_DEAL_H
#define FAKE_DEAL_H

#include "dealrt.h"

#define FAKE_NAME "Test Home Equity Trust 2024-1"

/* ways the period function can misbehave, to test the invariant checks */
typedef enum fake_mode {
    FAKE_OK = 0,
    FAKE_LOSE_CENT,   /* the residual gets a cent less than its clause paid out */
    FAKE_OVERPAY,     /* clause (iv) pays a cent more than the fund holds */
    FAKE_HALF_CENT,   /* Class A interest paid has a half cent */
    FAKE_INT_OVER,    /* Class A paid a cent more interest than due */
    FAKE_DIV_ZERO,    /* a definition divides by zero */
    FAKE_RETURN_1,    /* returns non-zero without recording an error */
    FAKE_BAD_AVAIL,   /* clause (iii) reports the wrong available amount */
    FAKE_NEG_PARTY,   /* the servicer is paid a negative amount */
    FAKE_BAD_END,     /* Class A ending balance not beginning less principal */
    FAKE_BAD_CARRY,   /* Class A carries a cent of unpaid interest it was never short */
    FAKE_UNPAID_OVER  /* Class A paid a cent of earlier unpaid interest it was not owed */
} fake_mode;

extern fake_mode fake_current_mode;
/* the misbehaviour starts at this distribution number (1 = from the start) */
extern int fake_fail_from;

void fake_describe(rt_deal *d);
int32_t fake_period(rt_dec *slot, rt_run *run);
/* a describe function that forgets the dates */
void fake_describe_incomplete(rt_deal *d);

/* the layout fake_describe produces, as generated code would know it */
extern rt_layout fake_layout;
enum { FAKE_LINE_BEGIN_POOL, FAKE_LINE_PC, FAKE_LINE_IC, FAKE_LINE_TABLE, FAKE_LINE_LIBOR,
       FAKE_LINE_LOANS, FAKE_LINE_EXCESS, FAKE_LINE_FACTOR, FAKE_LINE_DATE, FAKE_LINE_TRIGGER,
       FAKE_NLINES };

#endif
