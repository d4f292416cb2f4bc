/*
 * checks.c — the invariants checked after every period, independently of
 * the generated code: every figure whole cents and in range; nothing paid
 * below zero or beyond what was owed; each class's, party's, account's and
 * group's figures rolling forward by their rules; every clause finding
 * exactly what its fund or account held at that point; cash conserved
 * across funds, accounts, draws, purchases and payees; losses written down
 * as the allocations say; triggers and dates keeping their memory.
 *
 * Two paths decide the same thing. rt_check_period_fast works on int64
 * cents for deals without write-downs or capped coupons, of a size its
 * stack tables hold, and may only say "all pass"; everything else, and
 * every failure, goes to the 128-bit checks of rt_check_period, which
 * decide and word the message: payment date (added by the caller), clause,
 * fund and figures.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

#define MSG RT_ERRMAX


typedef struct check {
    const rt_deal *d;
    const rt_dec *slot;
    char *msg;
} check;

static int failf(check *k, const char *fmt, ...) RT_FMT(2, 3);
static int failf(check *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->msg, MSG, fmt, ap);
    va_end(ap);
    return 0;
}

/* "class "A-1" interest paid", "party "Servicer" paid", ... */
/* v is a whole number of cents: v divisible by 10^10 = 2^10 * 5^10. A
 * 128-bit remainder is a library call; projections check every slot of
 * every period of thousands of scenarios, so split the test into a bit mask
 * and a remainder by 5^10 of the two 64-bit halves (divisions by constants,
 * which compilers turn into multiplications). */
static inline int cents_exact(rt_dec v)
{
    /* most amounts fit 64 bits (below 9.2 million dollars): one remainder */
    if (v >= INT64_MIN && v <= INT64_MAX)
        return (int64_t)v % (int64_t)RT_CENT == 0;
    unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
    if ((uint64_t)u & 1023u)
        return 0;
    /* below 2^74 (about 1.9e10 dollars) the rest is one 64-bit remainder by
     * a constant: u / 2^10 fits 64 bits */
    if ((u >> 74) == 0)
        return (uint64_t)(u >> 10) % 9765625u == 0;
    const uint64_t m = 9765625u;                      /* 5^10 */
    const uint64_t two64 = (UINT64_MAX % m + 1) % m;  /* 2^64 mod 5^10 */
    uint64_t hi = (uint64_t)(u >> 64), lo = (uint64_t)u;
    return ((hi % m) * two64 + lo % m) % m == 0;
}

static int whole_cents(check *k, rt_dec v, const char *kind, const char *name, const char *field)
{
    char num[RT_NUMBUF];
    if (v > RT_DEC_LIMIT || v < -RT_DEC_LIMIT)
        return failf(k, "%s \"%s\" %s is out of range", kind, name, field);
    if (!cents_exact(v))
        return failf(k, "%s \"%s\" %s %s is not a whole number of cents", kind, name, field,
                     rt_fmt_trim(num, v));
    return 1;
}

static int not_negative(check *k, rt_dec v, const char *kind, const char *name, const char *field)
{
    char num[RT_NUMBUF];
    if (v < 0)
        return failf(k, "%s \"%s\" %s is negative: %s", kind, name, field, rt_fmt_money(num, v, 1, 1));
    return 1;
}

static inline int cents_ok(rt_dec v)
{
    return v <= RT_DEC_LIMIT && v >= -RT_DEC_LIMIT && cents_exact(v);
}

/* every figure checked for whole cents, without building any message: the
 * common case, run for every period of every projected scenario */
static int all_whole_cents(const rt_deal *d, const rt_dec *slot)
{
    const rt_layout *l = &d->layout;
    int ok = 1;
    for (int32_t i = 0; i < d->classes.n; i++)
        for (int f = RT_C_INTEREST_DUE; f < RT_C_COUNT; f++)
            ok &= cents_ok(slot[RT_SLOT_CLASS(l, i, f)]);
    for (int32_t i = 0; i < d->parties.n * RT_P_COUNT; i++)
        ok &= cents_ok(slot[l->party_base + i]);
    for (int32_t i = 0; i < d->clauses.n * RT_K_COUNT; i++)
        ok &= cents_ok(slot[l->clause_base + i]);
    for (int32_t i = 0; i < d->funds.n * RT_F_COUNT; i++)
        ok &= cents_ok(slot[l->fund_base + i]);
    for (int32_t i = 0; i < d->groups.n; i++)
        ok &= cents_ok(slot[RT_SLOT_GROUP(l, i, RT_GR_PURCHASED)]);
    for (int32_t i = 0; i < d->allocs.n * RT_A_COUNT; i++)
        ok &= cents_ok(slot[l->alloc_base + i]);
    return ok;
}

int rt_deal_plain(const rt_deal *d)
{
    return !(d->has_allocs || d->has_caps);
}

/* The checks of rt_check_period below, all of them, on int64 cents.
 *
 * Each figure is either turned into cents by rt_fast_cents (exact, or it
 * says the figure does not fit and this returns 0), or, where a check
 * says what the figure must equal (a shortfall is due less paid, an
 * ending balance is beginning less principal, a clause's available amount
 * and a fund's remaining amount are what the fund holds at that point),
 * that amount is worked out in cents and the figure compared with it times
 * 10^10, exactly, on 128 bits: equal means the check passes and the figure
 * is that many whole cents; not equal means the check fails. Likewise a
 * figure that is 0, or exactly equal on 128 bits to one already in cents
 * (interest paid equal to the interest due, a clause paying all its fund
 * holds), takes that many cents without a conversion.
 *
 * Why 1 here means the 128-bit checks all pass: every figure is then
 * exactly c * 10^10 for the c used here, and each check compares figures
 * or sums of figures, which scaling by 10^10 does not change, provided no
 * int64 sum overflows. Each converted |c| <= RT_FAST_CENTS_MAX =
 * floor((2^63 - 1) / 5^10), and no sum or running remainder below adds
 * more than 3 nclasses + 3 nparties + 2 nclauses + 2 nfunds + ngroups + 1
 * of them (a class's interest, principal and draws; a party's payments,
 * reimbursements and draws; a clause's payment and the holder it lands in;
 * a holder's opening and deposit), which is held to RT_FAST_CHECK_TERMS
 * (2^20 < 5^10); so every amount
 * here is below 2^63 cents, and every figure found equal to one is within
 * the range check's RT_DEC_LIMIT (2^63 * 10^10 < 10^30). Any 0 (a failure,
 * or a figure that does not fit) goes to the 128-bit checks, which decide
 * and word the message, so messages are as before.
 *
 * The clauses are walked in the order the deal runs them, with one running
 * balance per fund or account, exactly as the 128-bit path walks them;
 * each party's, group's and variable class's figures are compared with
 * what its clauses moved, as there.
 * Early exits throughout: every branch goes the same way period after
 * period, so they cost next to nothing. */
int rt_check_period_fast(const rt_deal *d, const rt_dec *slot, const rt_class_cents *cents)
{
    const rt_layout *l = &d->layout;
    const int32_t nc = d->classes.n, np = d->parties.n, nk = d->clauses.n, nf = d->funds.n, ng = d->groups.n;
    /* write-downs and capped coupons are the 128-bit checks' alone; so are
     * deals too large for the stack tables below */
    if (d->has_allocs || d->has_caps || nf > RT_FAST_CHECK_FUNDS || np > RT_FAST_CHECK_PARTIES ||
        ng > RT_FAST_CHECK_GROUPS || (d->has_variable && nc > RT_FAST_CHECK_CLASSES) ||
        (int64_t)3 * nc + 3 * (int64_t)np + (int64_t)2 * nk + 2 * (int64_t)nf + ng + 1 > RT_FAST_CHECK_TERMS)
        return 0;
    int64_t received = 0, to_classes = 0, in = 0, out = 0;
    int64_t rem[RT_FAST_CHECK_FUNDS];
    int64_t ppaid[RT_FAST_CHECK_PARTIES], preimb[RT_FAST_CHECK_PARTIES], pdrawn[RT_FAST_CHECK_PARTIES];
    int64_t bought[RT_FAST_CHECK_GROUPS];
    int64_t cdrawn[RT_FAST_CHECK_CLASSES];
#define CENTS(v, c)                    \
    do {                               \
        if (!rt_fast_cents((v), &(c))) \
            return 0;                  \
    } while (0)
#define NEED(cond)   \
    do {             \
        if (!(cond)) \
            return 0; \
    } while (0)
#define IS(v, c) ((v) == (rt_dec)(c) * RT_CENT)
    /* zero is common (paid-off classes, empty clauses) and needs no
     * conversion */
#define CENTS0(v, c)           \
    do {                       \
        rt_dec v_ = (v);       \
        if (v_ == 0)           \
            (c) = 0;           \
        else                   \
            CENTS(v_, c);      \
    } while (0)
    /* class i's and clause i's slots, always through the layout macros (the
     * order of a class's fields may change) */
#define CS(field) slot[RT_SLOT_CLASS(l, i, RT_C_##field)]
#define KS(field) slot[RT_SLOT_CLAUSE(l, i, RT_K_##field)]
#define PS(field) slot[RT_SLOT_PARTY(l, i, RT_P_##field)]

    for (int32_t i = 0; i < nc; i++) {
        int64_t due, paid, beg, prin, end, ubeg, upaid, cur, drawn = 0;
        /* no write-downs, no basis risk: those deals never come here */
        NEED((CS(WRITEDOWN) | CS(LOSS_BEGIN) | CS(LOSS_PAID) | CS(LOSS_END) | CS(BASIS_BEGIN) | CS(BASIS_DUE) |
              CS(BASIS_PAID) | CS(BASIS_END)) == 0);
        CENTS0(CS(INTEREST_DUE), due);
        if (CS(INTEREST_PAID) == CS(INTEREST_DUE))
            paid = due; /* paid in full, the usual case */
        else
            CENTS0(CS(INTEREST_PAID), paid);
        CENTS0(CS(PRINCIPAL_PAID), prin);
        CENTS0(CS(BEGIN_BALANCE), beg);
        /* interest paid = this date's (cur) + earlier dates' unpaid
         * (upaid); what stays unpaid is carried: the 128-bit checks' rules */
        CENTS0(CS(UNPAID_BEGIN), ubeg);
        CENTS0(CS(UNPAID_PAID), upaid);
        NEED(upaid >= 0 && upaid <= ubeg && upaid <= paid);
        cur = paid - upaid;
        NEED(paid >= 0 && prin >= 0 && cur <= due && IS(CS(INTEREST_SHORTFALL), due - cur));
        NEED(IS(CS(UNPAID_END), ubeg - upaid + (due - cur)));
        if (d->classes.v[i].maximum_cents > 0)
            CENTS0(CS(DRAWN), drawn);
        else
            NEED(CS(DRAWN) == 0);
        NEED(drawn >= 0);
        if (d->classes.v[i].kind == RT_CLASS_NOTIONAL) {
            CENTS(CS(END_BALANCE), end);
            NEED(prin == 0 && end >= 0);
        } else {
            end = beg - prin + drawn;
            /* a variable pay class may be drawn and repaid on one date */
            NEED(prin <= beg + drawn && IS(CS(END_BALANCE), end));
            NEED(d->classes.v[i].maximum_cents <= 0 || end <= d->classes.v[i].maximum_cents);
        }
        if (d->has_variable)
            cdrawn[i] = -drawn; /* the draw clauses below bring it back to 0 */
        received += paid + prin;
        if (cents) {
            cents->begin[i] = beg;
            cents->interest[i] = paid;
            cents->principal[i] = prin;
            cents->end[i] = end;
        }
    }
    for (int32_t g = 0; g < ng; g++) {
        int64_t add, pur;
        CENTS0(slot[RT_SLOT_GROUP(l, g, RT_GR_ADDITIONAL_BALANCES)], add);
        CENTS0(slot[RT_SLOT_GROUP(l, g, RT_GR_PURCHASED)], pur);
        /* what was conveyed is what was paid for, and what the clauses paid */
        NEED(add == pur);
        bought[g] = -pur;
    }
    for (int32_t i = 0; i < np; i++) {
        int64_t p, dr = 0, re = 0, ub = 0, ue = 0;
        CENTS0(PS(PAID), p);
        if (d->parties.v[i].is_insurer) {
            CENTS0(PS(DRAWN), dr);
            CENTS0(PS(REIMBURSED), re);
            CENTS0(PS(UNREIMB_BEGIN), ub);
            CENTS0(PS(UNREIMB_END), ue);
            NEED(dr >= 0 && re >= 0 && ub >= 0 && re <= ub + dr && re <= p && ue == ub + dr - re);
        } else {
            NEED((PS(DRAWN) | PS(REIMBURSED) | PS(UNREIMB_BEGIN) | PS(UNREIMB_END)) == 0);
        }
        NEED(p >= 0);
        ppaid[i] = -p;
        preimb[i] = -re;
        pdrawn[i] = -dr;
    }
    for (int32_t f = 0; f < nf; f++) {
        int64_t beg = 0, dep;
        if (d->funds.v[f].is_account)
            CENTS0(slot[RT_SLOT_FUND(l, f, RT_F_BEGIN)], beg);
        else
            NEED(slot[RT_SLOT_FUND(l, f, RT_F_BEGIN)] == 0);
        CENTS0(slot[RT_SLOT_FUND(l, f, RT_F_DEPOSIT)], dep);
        NEED(beg >= 0 && dep >= 0);
        rem[f] = beg + dep;
        in += rem[f];
    }
    /* every clause in order, each holder's balance as it goes; each
     * movement lands on the payee, holder, group, class or insurer named */
    for (int32_t i = 0; i < nk; i++) {
        const rt_clause_info *cl = &d->clauses.v[i];
        int32_t f = cl->fund, t = cl->target;
        int64_t pd, sf;
        NEED(f >= 0 && f < nf);
        NEED(IS(KS(AVAILABLE), rem[f]));
        if (KS(PAID) == KS(AVAILABLE))
            pd = rem[f]; /* paid all the fund held */
        else
            CENTS0(KS(PAID), pd);
        CENTS0(KS(SHORTFALL), sf);
        NEED(pd >= 0);
        switch (cl->flow) {
        case RT_FLOW_DRAW_HOLDER:
            NEED(pd <= rem[t]);
            rem[t] -= pd;
            rem[f] += pd;
            continue;
        case RT_FLOW_DRAW_CLASS:
            cdrawn[t] += pd;
            rem[f] += pd;
            in += pd;
            continue;
        case RT_FLOW_DRAW_PARTY:
            pdrawn[t] += pd;
            rem[f] += pd;
            in += pd;
            continue;
        default:
            break;
        }
        NEED(pd <= rem[f]);
        rem[f] -= pd;
        switch (cl->flow) {
        case RT_FLOW_CLASSES: to_classes += pd; out += pd; break;
        case RT_FLOW_PARTY: ppaid[t] += pd; out += pd; break;
        case RT_FLOW_REIMBURSE: ppaid[t] += pd; preimb[t] += pd; out += pd; break;
        case RT_FLOW_HOLDER: rem[t] += pd; break;
        case RT_FLOW_PURCHASE: bought[t] += pd; out += pd; break;
        default: return 0;
        }
    }
    for (int32_t f = 0; f < nf; f++) {
        NEED(rem[f] >= 0 && IS(slot[RT_SLOT_FUND(l, f, RT_F_REMAINING)], rem[f]));
        out += rem[f];
    }
    for (int32_t i = 0; i < np; i++)
        NEED((ppaid[i] | preimb[i] | pdrawn[i]) == 0);
    for (int32_t g = 0; g < ng; g++)
        NEED(bought[g] == 0);
    for (int32_t i = 0; d->has_variable && i < nc; i++)
        NEED(cdrawn[i] == 0);
    NEED(in == out && to_classes == received);
#undef CS
#undef KS
#undef PS
#undef CENTS
#undef CENTS0
#undef NEED
#undef IS
    return 1;
}

/* triggers and dates: conditions are 0 or 1; a trigger that remains in
 * effect does; a date's condition first held on a payment date at most
 * this one, and once it has, that stays the date */
static int check_memory(check *k)
{
    const rt_deal *d = k->d;
    const rt_layout *l = &d->layout;
    const rt_dec *slot = k->slot;
    rt_dec today = slot[RT_G_PAYMENT_DATE];
    char a[11], b[11];
    for (int32_t i = 0; i < d->memory.n; i++) {
        const rt_memory_info *m = &d->memory.v[i];
        rt_dec prior = slot[RT_SLOT_MEMORY(l, i, RT_M_PRIOR)], value = slot[RT_SLOT_MEMORY(l, i, RT_M_VALUE)],
               carry = slot[RT_SLOT_MEMORY(l, i, RT_M_CARRY)];
        if (m->kind != RT_MEM_DATE) {
            if ((value != 0 && value != RT_SCALE) || carry != value)
                return failf(k, "trigger \"%s\" is neither in effect nor not in effect", m->name);
            if (m->kind == RT_MEM_STICKY && prior && !value)
                return failf(k, "trigger \"%s\" was in effect and remains in effect, but is reported not in effect",
                             m->name);
            continue;
        }
        if (carry % RT_SCALE != 0 || carry < 0 || carry > today)
            return failf(k, "date \"%s\" is said to have occurred on a day that is not a payment date so far", m->name);
        if (prior && carry != prior)
            return failf(k, "date \"%s\" occurred on %s, but is now said to have occurred on %s", m->name,
                         rt_date_format(a, (int32_t)(prior / RT_SCALE)), rt_date_format(b, (int32_t)(carry / RT_SCALE)));
        if (value % RT_SCALE != 0 || value <= 0 || value > (rt_dec)RT_DATE_NEVER * RT_SCALE)
            return failf(k, "date \"%s\" is not a date", m->name);
    }
    return 1;
}

int rt_check_period(const rt_deal *d, const rt_dec *slot, char *msg)
{
    check k = {d, slot, msg};
    if (d->memory.n && !check_memory(&k))
        return 0;
    if (rt_check_period_fast(d, slot, NULL))
        return 1;
    const rt_layout *l = &d->layout;
    char a[RT_NUMBUF], b[RT_NUMBUF], c[RT_NUMBUF], b4[RT_NUMBUF], b5[RT_NUMBUF], b6[RT_NUMBUF];
    /* the detailed loops below find and describe the first bad figure */
    int cents_fine = all_whole_cents(d, slot);

    static const struct {
        int f;
        const char *name;
    } cf[] = {{RT_C_INTEREST_DUE, "interest due"},
              {RT_C_INTEREST_PAID, "interest paid"},
              {RT_C_INTEREST_SHORTFALL, "interest shortfall"},
              {RT_C_PRINCIPAL_PAID, "principal paid"},
              {RT_C_END_BALANCE, "ending balance"},
              {RT_C_UNPAID_BEGIN, "unpaid interest"},
              {RT_C_UNPAID_PAID, "unpaid interest paid"},
              {RT_C_UNPAID_END, "ending unpaid interest"},
              {RT_C_DRAWN, "drawn"},
              {RT_C_WRITEDOWN, "realized loss written down"},
              {RT_C_LOSS_BEGIN, "unpaid realized loss"},
              {RT_C_LOSS_PAID, "realized loss paid"},
              {RT_C_LOSS_END, "ending unpaid realized loss"},
              {RT_C_BASIS_BEGIN, "basis risk carry-forward"},
              {RT_C_BASIS_DUE, "basis risk shortfall"},
              {RT_C_BASIS_PAID, "basis risk paid"},
              {RT_C_BASIS_END, "ending basis risk carry-forward"}};
    static const struct {
        int f;
        const char *name;
    } pf[] = {{RT_P_PAID, "paid"},
              {RT_P_DRAWN, "drawn"},
              {RT_P_REIMBURSED, "reimbursed"},
              {RT_P_UNREIMB_BEGIN, "unreimbursed draws"},
              {RT_P_UNREIMB_END, "ending unreimbursed draws"}};
    for (int32_t i = 0; !cents_fine && i < d->classes.n; i++)
        for (size_t j = 0; j < sizeof cf / sizeof cf[0]; j++)
            if (!whole_cents(&k, slot[RT_SLOT_CLASS(l, i, cf[j].f)], "class", d->classes.v[i].name, cf[j].name))
                return 0;
    for (int32_t i = 0; !cents_fine && i < d->parties.n; i++)
        for (size_t j = 0; j < sizeof pf / sizeof pf[0]; j++)
            if (!whole_cents(&k, slot[RT_SLOT_PARTY(l, i, pf[j].f)], "party", d->parties.v[i].name, pf[j].name))
                return 0;
    for (int32_t i = 0; !cents_fine && i < d->clauses.n; i++) {
        const char *lab = d->clauses.v[i].label;
        if (!whole_cents(&k, slot[RT_SLOT_CLAUSE(l, i, RT_K_AVAILABLE)], "clause", lab, "available") ||
            !whole_cents(&k, slot[RT_SLOT_CLAUSE(l, i, RT_K_PAID)], "clause", lab, "paid") ||
            !whole_cents(&k, slot[RT_SLOT_CLAUSE(l, i, RT_K_SHORTFALL)], "clause", lab, "shortfall"))
            return 0;
    }
    for (int32_t i = 0; !cents_fine && i < d->funds.n; i++) {
        const char *kind = d->funds.v[i].is_account ? "account" : "fund", *n = d->funds.v[i].name;
        if (!whole_cents(&k, slot[RT_SLOT_FUND(l, i, RT_F_BEGIN)], kind, n, "beginning balance") ||
            !whole_cents(&k, slot[RT_SLOT_FUND(l, i, RT_F_DEPOSIT)], kind, n, "deposit") ||
            !whole_cents(&k, slot[RT_SLOT_FUND(l, i, RT_F_REMAINING)], kind, n, "remaining"))
            return 0;
    }
    for (int32_t i = 0; !cents_fine && i < d->groups.n; i++)
        if (!whole_cents(&k, slot[RT_SLOT_GROUP(l, i, RT_GR_PURCHASED)], "group", d->groups.v[i], "purchased"))
            return 0;
    for (int32_t i = 0; !cents_fine && i < d->allocs.n; i++)
        if (!whole_cents(&k, slot[RT_SLOT_ALLOC(l, i, RT_A_COLLATERAL)], "loss allocation", d->allocs.v[i],
                         "collateral") ||
            !whole_cents(&k, slot[RT_SLOT_ALLOC(l, i, RT_A_EXCESS)], "loss allocation", d->allocs.v[i], "excess") ||
            !whole_cents(&k, slot[RT_SLOT_ALLOC(l, i, RT_A_WRITTEN)], "loss allocation", d->allocs.v[i],
                         "written down"))
            return 0;

    /* A fund or account that starts the date below zero is the cause of
     * every negative payment after it: say so first. */
    for (int32_t i = 0; i < d->funds.n; i++) {
        const rt_fund_info *h = &d->funds.v[i];
        rt_dec start = slot[RT_SLOT_FUND(l, i, RT_F_BEGIN)] + slot[RT_SLOT_FUND(l, i, RT_F_DEPOSIT)];
        if (slot[RT_SLOT_FUND(l, i, RT_F_BEGIN)] < 0 || start < 0) {
            const char *first = NULL;
            for (int32_t j = 0; j < d->clauses.n && !first; j++)
                if (d->clauses.v[j].fund == i)
                    first = d->clauses.v[j].label;
            return failf(&k,
                         "%s \"%s\" would start the priority of payments%s%s with %s: nothing may be paid from "
                         "less than nothing (the deal must say where a shortfall comes from: an account, a "
                         "variable pay note or the insurer)",
                         h->is_account ? "account" : "fund", h->name, first ? " at clause " : "", first ? first : "",
                         rt_fmt_money(a, start, 1, 1));
        }
    }

    /* no negative payments or carried amounts */
    static const int nonneg_class[] = {RT_C_INTEREST_PAID, RT_C_PRINCIPAL_PAID, RT_C_DRAWN, RT_C_WRITEDOWN,
                                       RT_C_LOSS_BEGIN,    RT_C_LOSS_PAID,      RT_C_BASIS_BEGIN, RT_C_BASIS_DUE,
                                       RT_C_BASIS_PAID};
    static const char *const nonneg_class_name[] = {
        "interest paid", "principal paid", "drawn", "realized loss written down", "unpaid realized loss",
        "realized loss paid", "basis risk carry-forward", "basis risk shortfall", "basis risk paid"};
    for (int32_t i = 0; i < d->classes.n; i++)
        for (size_t j = 0; j < sizeof nonneg_class / sizeof nonneg_class[0]; j++)
            if (!not_negative(&k, slot[RT_SLOT_CLASS(l, i, nonneg_class[j])], "class", d->classes.v[i].name,
                              nonneg_class_name[j]))
                return 0;
    for (int32_t i = 0; i < d->parties.n; i++)
        for (size_t j = 0; j < sizeof pf / sizeof pf[0]; j++)
            if (!not_negative(&k, slot[RT_SLOT_PARTY(l, i, pf[j].f)], "party", d->parties.v[i].name, pf[j].name))
                return 0;
    for (int32_t i = 0; i < d->clauses.n; i++)
        if (slot[RT_SLOT_CLAUSE(l, i, RT_K_PAID)] < 0)
            return failf(&k, "clause %s (%s) paid a negative amount %s", d->clauses.v[i].label,
                         d->clauses.v[i].payee, rt_fmt_money(a, slot[RT_SLOT_CLAUSE(l, i, RT_K_PAID)], 1, 1));
    for (int32_t i = 0; i < d->funds.n; i++)
        if (!not_negative(&k, slot[RT_SLOT_FUND(l, i, RT_F_REMAINING)], d->funds.v[i].is_account ? "account" : "fund",
                          d->funds.v[i].name, "remaining"))
            return 0;

    for (int32_t i = 0; i < d->classes.n; i++) {
        const rt_class_info *ci = &d->classes.v[i];
        const char *n = ci->name;
#define C(f) slot[RT_SLOT_CLASS(l, i, RT_C_##f)]
        rt_dec due = C(INTEREST_DUE), paid = C(INTEREST_PAID), sf = C(INTEREST_SHORTFALL);
        rt_dec beg = C(BEGIN_BALANCE), prin = C(PRINCIPAL_PAID), end = C(END_BALANCE);
        rt_dec ubeg = C(UNPAID_BEGIN), upaid = C(UNPAID_PAID), uend = C(UNPAID_END);
        rt_dec drawn = C(DRAWN), wd = C(WRITEDOWN);
        /* interest paid covers this date's interest and, first, what was
         * left unpaid before: the two are checked apart */
        if (upaid < 0 || upaid > ubeg || upaid > paid)
            return failf(&k, "class \"%s\" was paid %s of earlier unpaid interest, out of %s owed and %s interest paid",
                         n, rt_fmt_money(a, upaid, 1, 1), rt_fmt_money(b, ubeg, 1, 1), rt_fmt_money(c, paid, 1, 1));
        paid -= upaid;
        if (due < 0) /* a coupon below 0%: say so, not "paid more than due" */
            return failf(&k, "class \"%s\" has a negative coupon (%s%%) on this date, so its interest due is %s: "
                             "the agreement needs a floor on the coupon, such as max(0%%, ...)",
                         n, rt_fmt_percent_trim(c, slot[RT_SLOT_CLASS(l, i, RT_C_COUPON)]), rt_fmt_money(a, due, 1, 1));
        if (paid > due)
            return failf(&k, "class \"%s\" was paid interest %s, more than the %s due", n, rt_fmt_money(a, paid, 1, 1),
                         rt_fmt_money(b, due, 1, 1));
        if (sf != due - paid)
            return failf(&k, "class \"%s\" interest shortfall %s is not interest due %s less interest paid %s", n,
                         rt_fmt_money(c, sf, 1, 1), rt_fmt_money(a, due, 1, 1), rt_fmt_money(b, paid, 1, 1));
        if (uend != ubeg - upaid + sf)
            return failf(&k,
                         "class \"%s\" carries %s of unpaid interest forward, not the %s unpaid before less %s "
                         "paid plus this date's shortfall",
                         n, rt_fmt_money(a, uend, 1, 1), rt_fmt_money(b, ubeg, 1, 1), rt_fmt_money(c, upaid, 1, 1));
        if (ci->kind == RT_CLASS_NOTIONAL) {
            if (prin != 0)
                return failf(&k, "notional class \"%s\" was paid principal %s", n, rt_fmt_money(a, prin, 1, 1));
            if (drawn != 0 || wd != 0)
                return failf(&k, "notional class \"%s\" was drawn %s or written down %s: it has no balance", n,
                             rt_fmt_money(a, drawn, 1, 1), rt_fmt_money(b, wd, 1, 1));
            if (end < 0)
                return failf(&k, "notional class \"%s\" has a negative ending notional %s", n, rt_fmt_money(a, end, 1, 1));
        } else {
            /* what a variable pay class was drawn on this date may be
             * repaid on it (a draw for the Seller's draws, then the
             * overcollateralization increase repaying the notes) */
            if (prin > beg + drawn)
                return failf(&k, "class \"%s\" was paid principal %s, more than its beginning balance %s%s%s", n,
                             rt_fmt_money(a, prin, 1, 1), rt_fmt_money(b, beg, 1, 1), drawn ? " and the draw " : "",
                             drawn ? rt_fmt_money(c, drawn, 1, 1) : "");
            if (drawn != 0 && ci->maximum_cents <= 0)
                return failf(&k, "class \"%s\" was drawn %s, but it is not a class that may grow", n,
                             rt_fmt_money(a, drawn, 1, 1));
            if (wd > beg - prin + drawn)
                return failf(&k, "class \"%s\" was written down %s, more than the %s it had after payments", n,
                             rt_fmt_money(a, wd, 1, 1), rt_fmt_money(b, beg - prin + drawn, 1, 1));
            if (wd != 0 && ci->alloc < 0)
                return failf(&k, "class \"%s\" was written down %s, but no loss allocation names it", n,
                             rt_fmt_money(a, wd, 1, 1));
            if (end != beg - prin - wd + drawn && wd == 0 && drawn == 0)
                return failf(&k, "class \"%s\" ending balance %s is not its beginning balance %s less principal paid %s",
                             n, rt_fmt_money(c, end, 1, 1), rt_fmt_money(a, beg, 1, 1), rt_fmt_money(b, prin, 1, 1));
            if (end != beg - prin - wd + drawn)
                return failf(&k,
                             "class \"%s\" ending balance %s is not its beginning balance %s less principal paid %s "
                             "and realized losses %s plus draws %s",
                             n, rt_fmt_money(c, end, 1, 1), rt_fmt_money(a, beg, 1, 1), rt_fmt_money(b, prin, 1, 1),
                             rt_fmt_money(b4, wd, 1, 1), rt_fmt_money(b5, drawn, 1, 1));
            if (ci->maximum_cents > 0 && end > (rt_dec)ci->maximum_cents * RT_CENT)
                return failf(&k, "class \"%s\" ends at %s, above its maximum %s", n, rt_fmt_money(a, end, 1, 1),
                             rt_fmt_money(b, (rt_dec)ci->maximum_cents * RT_CENT, 1, 1));
        }
        /* realized losses written down this date are owed back from later
         * dates' cash: a clause can pay only what was owed coming in */
        if (C(LOSS_PAID) > C(LOSS_BEGIN))
            return failf(&k, "class \"%s\" was paid %s of unpaid realized losses, more than the %s owed", n,
                         rt_fmt_money(a, C(LOSS_PAID), 1, 1), rt_fmt_money(b, C(LOSS_BEGIN), 1, 1));
        if (C(LOSS_END) != C(LOSS_BEGIN) - C(LOSS_PAID) + wd)
            return failf(&k,
                         "class \"%s\" carries %s of unpaid realized losses forward, not the %s owed before less %s "
                         "paid plus %s written down",
                         n, rt_fmt_money(a, C(LOSS_END), 1, 1), rt_fmt_money(b, C(LOSS_BEGIN), 1, 1),
                         rt_fmt_money(c, C(LOSS_PAID), 1, 1), rt_fmt_money(b4, wd, 1, 1));
        if (!ci->capped && (C(BASIS_BEGIN) | C(BASIS_DUE) | C(BASIS_PAID) | C(BASIS_END)) != 0)
            return failf(&k, "class \"%s\" has a basis risk shortfall, but its coupon has no cap", n);
        if (C(BASIS_PAID) > C(BASIS_BEGIN) + C(BASIS_DUE))
            return failf(&k, "class \"%s\" was paid %s of basis risk shortfall, more than the %s owed", n,
                         rt_fmt_money(a, C(BASIS_PAID), 1, 1), rt_fmt_money(b, C(BASIS_BEGIN) + C(BASIS_DUE), 1, 1));
        if (C(BASIS_END) != C(BASIS_BEGIN) + C(BASIS_DUE) - C(BASIS_PAID))
            return failf(&k,
                         "class \"%s\" carries %s of basis risk shortfall forward, not the %s owed less %s paid", n,
                         rt_fmt_money(a, C(BASIS_END), 1, 1), rt_fmt_money(b, C(BASIS_BEGIN) + C(BASIS_DUE), 1, 1),
                         rt_fmt_money(c, C(BASIS_PAID), 1, 1));
#undef C
    }

    for (int32_t i = 0; i < d->parties.n; i++) {
        const rt_party_info *p = &d->parties.v[i];
#define P(f) slot[RT_SLOT_PARTY(l, i, RT_P_##f)]
        if (!p->is_insurer) {
            if ((P(DRAWN) | P(REIMBURSED) | P(UNREIMB_BEGIN) | P(UNREIMB_END)) != 0)
                return failf(&k, "party \"%s\" was drawn on or reimbursed, but it is not an insurer", p->name);
            continue;
        }
        if (P(REIMBURSED) > P(UNREIMB_BEGIN) + P(DRAWN) || P(REIMBURSED) > P(PAID))
            return failf(&k, "insurer \"%s\" was reimbursed %s, more than its %s of draws (or than the %s it was paid)",
                         p->name, rt_fmt_money(a, P(REIMBURSED), 1, 1),
                         rt_fmt_money(b, P(UNREIMB_BEGIN) + P(DRAWN), 1, 1), rt_fmt_money(c, P(PAID), 1, 1));
        if (P(UNREIMB_END) != P(UNREIMB_BEGIN) + P(DRAWN) - P(REIMBURSED))
            return failf(&k, "insurer \"%s\" carries %s of unreimbursed draws, not the %s before plus %s drawn less %s "
                             "reimbursed",
                         p->name, rt_fmt_money(a, P(UNREIMB_END), 1, 1), rt_fmt_money(b, P(UNREIMB_BEGIN), 1, 1),
                         rt_fmt_money(c, P(DRAWN), 1, 1), rt_fmt_money(b4, P(REIMBURSED), 1, 1));
#undef P
    }

    /* Every clause in the order the deal runs them, with each fund's and
     * account's balance as it goes: each clause found exactly what its
     * holder held, paid no more than that (a draw on an account took no
     * more than the account held), and every movement lands where the
     * clause says. */
    int32_t nh = d->funds.n, np = d->parties.n, nc = d->classes.n, ng = d->groups.n;
    rt_dec *work = calloc((size_t)(nh + 3 * np + nc + ng) + 1, sizeof *work);
    if (!work)
        return failf(&k, "out of memory while checking the period");
    rt_dec *rem = work, *ppaid = rem + nh, *preimb = ppaid + np, *pdrawn = preimb + np, *cdrawn = pdrawn + np,
           *bought = cdrawn + nc;
    rt_dec to_classes = 0, in = 0, out = 0;
    int ok = 1;
    for (int32_t h = 0; h < nh; h++) {
        rem[h] = slot[RT_SLOT_FUND(l, h, RT_F_BEGIN)] + slot[RT_SLOT_FUND(l, h, RT_F_DEPOSIT)];
        in += rem[h];
    }
    for (int32_t i = 0; ok && i < d->clauses.n; i++) {
        const rt_clause_info *cl = &d->clauses.v[i];
        int32_t h = cl->fund, t = cl->target;
        const char *hk = d->funds.v[h].is_account ? "account" : "fund";
        rt_dec av = slot[RT_SLOT_CLAUSE(l, i, RT_K_AVAILABLE)], pd = slot[RT_SLOT_CLAUSE(l, i, RT_K_PAID)];
        if (av != rem[h]) {
            ok = failf(&k, "clause %s (%s): available %s, but %s \"%s\" held %s at that point", cl->label, cl->payee,
                       rt_fmt_money(a, av, 1, 1), hk, d->funds.v[h].name, rt_fmt_money(b, rem[h], 1, 1));
            break;
        }
        switch (cl->flow) {
        case RT_FLOW_DRAW_HOLDER:
            if (pd > rem[t]) {
                ok = failf(&k, "clause %s drew %s from account \"%s\", which held %s", cl->label,
                           rt_fmt_money(a, pd, 1, 1), d->funds.v[t].name, rt_fmt_money(b, rem[t], 1, 1));
                break;
            }
            rem[t] -= pd;
            rem[h] += pd;
            break;
        case RT_FLOW_DRAW_CLASS:
            cdrawn[t] += pd;
            rem[h] += pd;
            in += pd;
            break;
        case RT_FLOW_DRAW_PARTY:
            pdrawn[t] += pd;
            rem[h] += pd;
            in += pd;
            break;
        default:
            if (pd > rem[h]) {
                ok = failf(&k, "clause %s (%s) paid %s, more than the %s available in %s \"%s\"", cl->label,
                           cl->payee, rt_fmt_money(a, pd, 1, 1), rt_fmt_money(b, rem[h], 1, 1), hk, d->funds.v[h].name);
                break;
            }
            rem[h] -= pd;
            switch (cl->flow) {
            case RT_FLOW_CLASSES: to_classes += pd; out += pd; break;
            case RT_FLOW_PARTY: ppaid[t] += pd; out += pd; break;
            case RT_FLOW_REIMBURSE: ppaid[t] += pd; preimb[t] += pd; out += pd; break;
            case RT_FLOW_HOLDER: rem[t] += pd; break;
            case RT_FLOW_PURCHASE: bought[t] += pd; out += pd; break;
            }
        }
    }
    for (int32_t h = 0; ok && h < nh; h++) {
        rt_dec left = slot[RT_SLOT_FUND(l, h, RT_F_REMAINING)];
        if (left != rem[h])
            ok = failf(&k, "%s \"%s\" reports %s remaining, but %s is left after its clauses",
                       d->funds.v[h].is_account ? "account" : "fund", d->funds.v[h].name, rt_fmt_money(a, left, 1, 1),
                       rt_fmt_money(b, rem[h], 1, 1));
        out += left;
    }
    /* what the clauses paid is what the payees say they received */
    rt_dec received = 0;
    for (int32_t i = 0; ok && i < nc; i++) {
#define C(f) slot[RT_SLOT_CLASS(l, i, RT_C_##f)]
        received += C(INTEREST_PAID) + C(PRINCIPAL_PAID) + C(LOSS_PAID) + C(BASIS_PAID);
        if (C(DRAWN) != cdrawn[i])
            ok = failf(&k, "class \"%s\" reports %s drawn, but its draw clauses brought in %s", d->classes.v[i].name,
                       rt_fmt_money(a, C(DRAWN), 1, 1), rt_fmt_money(b, cdrawn[i], 1, 1));
#undef C
    }
    if (ok && received != to_classes)
        ok = failf(&k, "cash not conserved: clauses paid the classes %s, but the classes received %s",
                   rt_fmt_money(a, to_classes, 1, 1), rt_fmt_money(b, received, 1, 1));
    for (int32_t i = 0; ok && i < np; i++) {
#define P(f) slot[RT_SLOT_PARTY(l, i, RT_P_##f)]
        if (P(PAID) != ppaid[i] || P(REIMBURSED) != preimb[i] || P(DRAWN) != pdrawn[i])
            ok = failf(&k, "party \"%s\" reports %s paid (%s reimbursed, %s drawn), but its clauses moved %s (%s, %s)",
                       d->parties.v[i].name, rt_fmt_money(a, P(PAID), 1, 1), rt_fmt_money(b, P(REIMBURSED), 1, 1),
                       rt_fmt_money(c, P(DRAWN), 1, 1), rt_fmt_money(b4, ppaid[i], 1, 1),
                       rt_fmt_money(b5, preimb[i], 1, 1), rt_fmt_money(b6, pdrawn[i], 1, 1));
#undef P
    }
    /* additional balances conveyed to the pool are paid for, exactly */
    for (int32_t g = 0; ok && g < ng; g++) {
        rt_dec conveyed = slot[RT_SLOT_GROUP(l, g, RT_GR_ADDITIONAL_BALANCES)],
               paid = slot[RT_SLOT_GROUP(l, g, RT_GR_PURCHASED)];
        if (paid != bought[g])
            ok = failf(&k, "group \"%s\" reports %s purchased, but its purchase clauses paid %s", d->groups.v[g],
                       rt_fmt_money(a, paid, 1, 1), rt_fmt_money(b, bought[g], 1, 1));
        else if (paid != conveyed) {
            const char *last = NULL;
            rt_dec last_av = 0;
            for (int32_t i = 0; i < d->clauses.n; i++)
                if (d->clauses.v[i].flow == RT_FLOW_PURCHASE && d->clauses.v[i].target == g) {
                    last = d->clauses.v[i].label;
                    last_av = slot[RT_SLOT_CLAUSE(l, i, RT_K_AVAILABLE)];
                }
            if (last)
                ok = failf(&k,
                           "group \"%s\": additional balances of %s were conveyed to the pool, but the priority of "
                           "payments paid %s for them (clause %s, the last that buys them, found %s)",
                           d->groups.v[g], rt_fmt_money(a, conveyed, 1, 1), rt_fmt_money(b, paid, 1, 1), last,
                           rt_fmt_money(c, last_av, 1, 1));
            else
                ok = failf(&k,
                           "group \"%s\": additional balances of %s were conveyed to the pool, but the deal has no "
                           "clause that purchases them (no revolving period)",
                           d->groups.v[g], rt_fmt_money(a, conveyed, 1, 1));
        }
    }
    free(work);
    if (!ok)
        return 0;
    if (in != out)
        return failf(&k, "cash not conserved: %s came in (funds, accounts, draws), %s went out or stayed",
                     rt_fmt_money(a, in, 1, 1), rt_fmt_money(b, out, 1, 1));

    /* losses written down as the allocations say: the classes' balances
     * after payments less what was written down never exceed the
     * collateral, and no more was written down than that takes */
    for (int32_t al = 0; al < d->allocs.n; al++) {
        rt_dec coll = slot[RT_SLOT_ALLOC(l, al, RT_A_COLLATERAL)], excess = slot[RT_SLOT_ALLOC(l, al, RT_A_EXCESS)],
               written = slot[RT_SLOT_ALLOC(l, al, RT_A_WRITTEN)];
        rt_dec after = 0, wd = 0, end = 0;
        for (int32_t i = 0; i < nc; i++)
            if (d->classes.v[i].alloc == al) {
                after += slot[RT_SLOT_CLASS(l, i, RT_C_BEGIN_BALANCE)] - slot[RT_SLOT_CLASS(l, i, RT_C_PRINCIPAL_PAID)] +
                         slot[RT_SLOT_CLASS(l, i, RT_C_DRAWN)];
                wd += slot[RT_SLOT_CLASS(l, i, RT_C_WRITEDOWN)];
                end += slot[RT_SLOT_CLASS(l, i, RT_C_END_BALANCE)];
            }
        rt_dec want_excess = after > coll ? after - coll : 0;
        rt_dec want_written = want_excess < after ? want_excess : after;
        if (excess != want_excess || written != want_written || wd != written)
            return failf(&k,
                         "loss allocation %s: the classes had %s after payments against collateral of %s, so %s "
                         "should have been written down; the deal wrote down %s",
                         d->allocs.v[al], rt_fmt_money(a, after, 1, 1), rt_fmt_money(b, coll, 1, 1),
                         rt_fmt_money(c, want_written, 1, 1), rt_fmt_money(b4, wd, 1, 1));
        if (end > coll && end != 0)
            return failf(&k, "loss allocation %s: the classes end at %s, above the collateral of %s", d->allocs.v[al],
                         rt_fmt_money(a, end, 1, 1), rt_fmt_money(b, coll, 1, 1));
    }
    return 1;
}
