/*
 * fake_deal.c — see fake_deal.h. Written the way generated code behaves:
 * straight-line slot reads and writes, the runtime's arithmetic helpers for
 * every multiplication and division, and a non-zero return on failure.
 */
#include "fake_deal.h"

#include "support.h"

fake_mode fake_current_mode = FAKE_OK;
int fake_fail_from = 1;

rt_layout fake_layout = {
    .ngroups = 1, .nclasses = 2, .ninputs = 1, .ndefs = 2, .nlines = FAKE_NLINES,
    .nfunds = 1, .nparties = 2, .nclauses = 6};

enum { A = 0, B = 1 };
enum { SERVICER = 0, CERTS = 1 };
enum { DEF_PDA = 0, DEF_EXCESS = 1 };
enum { SITE_EXCESS = 0 };

static void describe_common(rt_deal *d, int with_dates)
{
    rt_deal_name(d, FAKE_NAME);
    if (with_dates)
        rt_deal_dates(d, rt_days_from_civil(2024, 1, 30), rt_days_from_civil(2024, 2, 25), 25,
                      RT_BDC_FOLLOWING);
    rt_set_source(d, "test.deal");
    rt_add_group(d, "Group 1");
    rt_add_class(d, "A", 100000000, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_class(d, "B", 50000000, RT_CLASS_PRINCIPAL, RT_DC_30_360);
    rt_add_party(d, "Servicer", 0);
    rt_add_party(d, "Certificates", 1);
    rt_add_input(d, "One-Month LIBOR", RT_UNIT_RATE);
    rt_add_def(d, "Principal Distribution Amount", RT_UNIT_MONEY);
    rt_add_def(d, "Excess Cash", RT_UNIT_MONEY);
    rt_add_line(d, "Beginning Pool Balance", RT_UNIT_MONEY);
    rt_add_line(d, "Principal Collections", RT_UNIT_MONEY);
    rt_add_line(d, "Interest Collections", RT_UNIT_MONEY);
    rt_add_line(d, "", RT_UNIT_MONEY);
    rt_add_line(d, "One-Month LIBOR", RT_UNIT_RATE);
    rt_add_line(d, "Active Loans", RT_UNIT_COUNT);
    rt_add_line(d, "Excess Cash", RT_UNIT_MONEY);
    rt_add_line(d, "Pool Factor", RT_UNIT_NUMBER);
    rt_add_line(d, "Payment Date", RT_UNIT_DATE);
    rt_add_line(d, "Trigger Event", RT_UNIT_BOOL);
    rt_add_fund(d, "Available Funds", 0);
    rt_add_clause(d, "5.01(a)(i)", 0, "Servicer");
    rt_clause_flow(d, 0, RT_FLOW_PARTY, 0);
    rt_add_clause(d, "5.01(a)(ii)", 0, "Class A interest");
    rt_add_clause(d, "5.01(a)(iii)", 0, "Class B interest");
    rt_add_clause(d, "5.01(a)(iv)", 0, "Class A principal");
    rt_add_clause(d, "5.01(a)(v)", 0, "Class B principal");
    rt_add_clause(d, "5.01(a)(vi)", 0, "Certificates");
    rt_clause_flow(d, 5, RT_FLOW_PARTY, 1);
    rt_add_site(d, "definition \"Excess Cash\"", 12, 5);
}

void fake_describe(rt_deal *d)
{
    describe_common(d, 1);
}

void fake_describe_incomplete(rt_deal *d)
{
    describe_common(d, 0);
}

static rt_dec min2(rt_dec a, rt_dec b)
{
    return a < b ? a : b;
}

/* one clause: pay up to `want` from *rem, record available/paid/shortfall */
static rt_dec pay(const rt_layout *l, rt_dec *s, int32_t clause, rt_dec want, rt_dec *rem)
{
    rt_dec p = min2(want, *rem);
    if (p < 0)
        p = 0;
    s[RT_SLOT_CLAUSE(l, clause, RT_K_AVAILABLE)] = *rem;
    s[RT_SLOT_CLAUSE(l, clause, RT_K_PAID)] = p;
    s[RT_SLOT_CLAUSE(l, clause, RT_K_SHORTFALL)] = want - p;
    *rem -= p;
    return p;
}

int32_t fake_period(rt_dec *s, rt_run *run)
{
    rt_layout lay = fake_layout;
    rt_layout_compute(&lay);
    const rt_layout *l = &lay;
    const rt_dec cent = RT_CENT;
    rt_dec days = s[RT_G_DAYS_30_360];
    rt_dec pc = s[RT_SLOT_GROUP(l, 0, RT_GR_PRINCIPAL_COLLECTIONS)];
    rt_dec ic = s[RT_SLOT_GROUP(l, 0, RT_GR_INTEREST_COLLECTIONS)];
    rt_dec rec = s[RT_SLOT_GROUP(l, 0, RT_GR_RECOVERIES)];
    rt_dec loss = s[RT_SLOT_GROUP(l, 0, RT_GR_LIQUIDATION_LOSS)];
    rt_dec pool = s[RT_SLOT_GROUP(l, 0, RT_GR_BEGIN_BALANCE)];
    rt_dec libor = s[RT_SLOT_INPUT(l, 0)];

    rt_dec deposit = pc + ic + rec;
    rt_dec rem = deposit;
    s[RT_SLOT_FUND(l, 0, RT_F_DEPOSIT)] = deposit;

    /* (i) servicing fee, always a 30-day month */
    rt_dec fee = rt_dec_interest(run, 360, -1, pool, RT_SCALE / 200, 30 * RT_SCALE);
    rt_dec fee_paid = pay(l, s, 0, fee, &rem);
    s[RT_SLOT_PARTY(l, SERVICER, RT_P_PAID)] = fee_paid;

    /* (ii), (iii) interest */
    rt_dec coupon[2] = {libor + RT_SCALE / 400, RT_SCALE / 20};
    for (int c = A; c <= B; c++) {
        rt_dec bal = s[RT_SLOT_CLASS(l, c, RT_C_BEGIN_BALANCE)];
        rt_dec due = rt_dec_interest(run, 360, -1, bal, coupon[c], days);
        rt_dec paid = pay(l, s, 1 + c, due, &rem);
        s[RT_SLOT_CLASS(l, c, RT_C_COUPON)] = coupon[c];
        s[RT_SLOT_CLASS(l, c, RT_C_INTEREST_DUE)] = due;
        s[RT_SLOT_CLASS(l, c, RT_C_INTEREST_PAID)] = paid;
        s[RT_SLOT_CLASS(l, c, RT_C_INTEREST_SHORTFALL)] = due - paid;
        s[RT_SLOT_CLASS(l, c, RT_C_UNPAID_END)] = s[RT_SLOT_CLASS(l, c, RT_C_UNPAID_BEGIN)] + due - paid;
    }

    /* (iv), (v) principal, sequentially */
    rt_dec pda = pc + loss;
    s[RT_SLOT_DEF(l, DEF_PDA)] = pda;
    rt_dec left = pda;
    for (int c = A; c <= B; c++) {
        rt_dec bal = s[RT_SLOT_CLASS(l, c, RT_C_BEGIN_BALANCE)];
        rt_dec p = pay(l, s, 3 + c, min2(left, bal), &rem);
        left -= p;
        s[RT_SLOT_CLASS(l, c, RT_C_PRINCIPAL_PAID)] = p;
        s[RT_SLOT_CLASS(l, c, RT_C_END_BALANCE)] = bal - p;
    }

    /* (vi) the rest to the certificates */
    rt_dec excess = pay(l, s, 5, rem, &rem);
    s[RT_SLOT_PARTY(l, CERTS, RT_P_PAID)] = excess;
    s[RT_SLOT_DEF(l, DEF_EXCESS)] = excess;
    s[RT_SLOT_FUND(l, 0, RT_F_REMAINING)] = rem;

    fake_mode mode = s[RT_G_DIST_NUMBER] >= (rt_dec)fake_fail_from * RT_SCALE ? fake_current_mode : FAKE_OK;
    switch (mode) {
    case FAKE_OK:
        break;
    case FAKE_LOSE_CENT:
        s[RT_SLOT_CLAUSE(l, 5, RT_K_PAID)] -= cent;
        s[RT_SLOT_PARTY(l, CERTS, RT_P_PAID)] -= cent;
        break;
    case FAKE_OVERPAY:
        s[RT_SLOT_CLAUSE(l, 3, RT_K_PAID)] = s[RT_SLOT_CLAUSE(l, 3, RT_K_AVAILABLE)] + cent;
        break;
    case FAKE_HALF_CENT:
        s[RT_SLOT_CLASS(l, A, RT_C_INTEREST_PAID)] += cent / 2;
        break;
    case FAKE_INT_OVER:
        s[RT_SLOT_CLASS(l, A, RT_C_INTEREST_PAID)] += cent;
        break;
    case FAKE_DIV_ZERO:
        s[RT_SLOT_DEF(l, DEF_EXCESS)] = rt_dec_div(run, excess, 0, SITE_EXCESS);
        break;
    case FAKE_RETURN_1:
        return 1;
    case FAKE_BAD_AVAIL:
        s[RT_SLOT_CLAUSE(l, 2, RT_K_AVAILABLE)] += cent;
        break;
    case FAKE_NEG_PARTY:
        s[RT_SLOT_PARTY(l, SERVICER, RT_P_PAID)] = -cent;
        break;
    case FAKE_BAD_END:
        s[RT_SLOT_CLASS(l, A, RT_C_END_BALANCE)] += cent;
        break;
    case FAKE_BAD_CARRY:
        s[RT_SLOT_CLASS(l, A, RT_C_UNPAID_END)] += cent;
        break;
    case FAKE_UNPAID_OVER:
        s[RT_SLOT_CLASS(l, A, RT_C_UNPAID_PAID)] += cent;
        s[RT_SLOT_CLASS(l, A, RT_C_INTEREST_PAID)] += cent;
        break;
    }

    s[RT_SLOT_LINE(l, FAKE_LINE_BEGIN_POOL)] = pool;
    s[RT_SLOT_LINE(l, FAKE_LINE_PC)] = pc;
    s[RT_SLOT_LINE(l, FAKE_LINE_IC)] = ic;
    s[RT_SLOT_LINE(l, FAKE_LINE_LIBOR)] = libor;
    s[RT_SLOT_LINE(l, FAKE_LINE_LOANS)] = s[RT_SLOT_GROUP(l, 0, RT_GR_ACTIVE_LOAN_COUNT)];
    s[RT_SLOT_LINE(l, FAKE_LINE_EXCESS)] = excess;
    s[RT_SLOT_LINE(l, FAKE_LINE_FACTOR)] =
        rt_dec_div(run, s[RT_SLOT_GROUP(l, 0, RT_GR_END_BALANCE)], 1600000 * RT_SCALE, -1);
    s[RT_SLOT_LINE(l, FAKE_LINE_DATE)] = s[RT_G_PAYMENT_DATE];
    s[RT_SLOT_LINE(l, FAKE_LINE_TRIGGER)] = s[RT_SLOT_GROUP(l, 0, RT_GR_END_CUM_LOSS)] > 0 ? RT_SCALE : 0;
    return rt_run_failed(run) ? 1 : 0;
}
