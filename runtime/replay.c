/*
 * replay.c — rt_main, the deal binary's command line: argument parsing, the
 * period loop, the invariant checks and the all-or-nothing output.
 *
 * A replay is an audit tool: if any period cannot be computed, or the
 * generated waterfall breaks a rule of the agreement's cash accounting, the
 * run stops and nothing is written, so a partial statement can never be
 * mistaken for a complete one. Files are written under a temporary name and
 * renamed only when the whole run succeeded.
 */
#include <stdlib.h>
#include <string.h>

#include "rt_output.h"
#include "rt_project.h"

#define MSG RT_ERRMAX

static const char *base_name(const char *p)
{
    if (!p || !*p)
        return "deal";
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void help(const char *prog, FILE *f)
{
    fprintf(f,
            "Usage:\n"
            "  %1$s replay --state OPENING.json REMITTANCE.csv [--format table|csv|json]\n"
            "         [--save-state CLOSING.json] [--output FILE]\n"
            "  %1$s project [--state OPENING.json] [--scenario FILE] [ASSUMPTIONS]\n"
            "         [--class NAME] [--format table|csv|json] [--output FILE] [--report FILE.html]\n"
            "         [--settle DATE (--price P | --yield Y) [--benchmark Y | --curve FILE]]\n"
            "  %1$s grid [--state OPENING.json] [--scenario FILE] [ASSUMPTIONS with lists]\n"
            "         [--class NAME] [--threads N] [--format table|csv|json] [--output FILE]\n"
            "         [--report FILE.html]\n"
            "  %1$s describe\n"
            "  %1$s --help\n"
            "\n"
            "replay    Runs the deal's priority of payments for each payment date in\n"
            "          REMITTANCE.csv, starting from the state in OPENING.json, checks the\n"
            "          cash accounting, and prints the statement to certificateholders.\n"
            "project   Projects the deal forward from its collateral lines under prepayment,\n"
            "          default and loss assumptions, running the priority of payments and\n"
            "          the same checks as replay every period; prints each class's cash\n"
            "          flows, WAL, principal window and (with --settle) price or yield.\n"
            "grid      Projects every combination of lists of speeds and default rates\n"
            "          on all cores; prints the prospectus WAL and decrement tables.\n"
            "describe  Prints the deal: name, dates, groups, classes, the remittance\n"
            "          CSV columns it reads (with units), definitions, statement lines,\n"
            "          funds and clauses.\n"
            "\n"
            "Options for replay:\n"
            "  --state FILE       opening state (required), JSON:\n"
            "                       {\"deal\": NAME, \"payment_date\": \"YYYY-MM-DD\",\n"
            "                        \"distribution_number\": N,\n"
            "                        \"groups\": [{\"group\": G, \"pool_balance\": X,\n"
            "                                    \"cumulative_loss\": X}, ...],\n"
            "                        \"classes\": [{\"class\": C, \"balance\": X}, ...]}\n"
            "                     payment_date is the last distribution made (the closing\n"
            "                     date when distribution_number is 0); amounts are JSON\n"
            "                     numbers or strings such as \"406,855,924.22\"; a notional\n"
            "                     class's balance is its notional amount.\n"
            "  --format FORMAT    table (default; like a trustee's statement), csv (long\n"
            "                     format: payment_date,section,name,field,value) or json.\n"
            "  --save-state FILE  write the closing state after the last payment date, in\n"
            "                     the --state format, to open the next replay.\n"
            "  --output FILE      write the statement to FILE instead of standard output.\n"
            "\n"
            "REMITTANCE.csv: a header row, then one row per payment date and group, in\n"
            "any order. Columns (names are matched ignoring case, and spaces, '-' and '_'\n"
            "are the same): payment_date (YYYY-MM-DD), group, principal_collections,\n"
            "interest_collections, principal_draws, liquidation_loss, recoveries,\n"
            "substitution_adjustment (amounts such as 1234.56 or \"1,234.56\"; the last\n"
            "four may be empty for 0), active_loan_count (whole number), and one column\n"
            "per deal input (see describe): rates need a %% sign (1.10%%). A deal-level\n"
            "input needs a value in at least one row of its date, and rows of the same\n"
            "date must agree. The dates must be the payment dates that follow the\n"
            "opening state, without gaps.\n"
            "\n"
            "ASSUMPTIONS (percents: 6 and 6%% are the same):\n"
            "  --cpr X | --smm X | --psa X | --hep START,END,MONTHS | --prepay-vector FILE\n"
            "  --cdr X | --sda X | --default-vector FILE   --severity X   --recovery-lag N\n"
            "  --advancing on|off   --index \"NAME=RATE\"   --index-vector \"NAME=FILE\"\n"
            "  --input \"NAME=VALUE\"   --periods N   --to-call | --to-maturity\n"
            "  --tape FILE: a loan tape (CSV, one loan a row) instead of the declared lines\n"
            "  grid takes lists: --cpr 0,10,20 --cdr 0,2,4 (--hep items separated by ';').\n"
            "  A --scenario file holds the same as KEY = VALUE lines (cpr = 6); flags win.\n"
            "  docs/projection.md has the conventions and file formats.\n"
            "\n"
            "Nothing is written unless the whole run succeeds.\n"
            "Exit status: 0 success, 1 bad data or a failed check, 2 bad usage.\n",
            prog);
}

int rt_usage_error(const char *prog, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: error: ", prog);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
    return 2;
}

void rt_file_error(const char *file, const rt_err *e)
{
    if (e->line > 0)
        fprintf(stderr, "%s:%d:%d: error: %s\n", file, e->line, e->col, e->msg);
    else
        fprintf(stderr, "%s: error: %s\n", file, e->msg);
}

/* ---- invariants -------------------------------------------------------------- */

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
    for (int32_t i = 0; i < d->parties.n; i++)
        ok &= cents_ok(slot[RT_SLOT_PARTY(l, i, RT_P_PAID)]);
    for (int32_t i = 0; i < d->clauses.n * RT_K_COUNT; i++)
        ok &= cents_ok(slot[l->clause_base + i]);
    for (int32_t i = 0; i < d->funds.n * RT_F_COUNT; i++)
        ok &= cents_ok(slot[l->fund_base + i]);
    return ok;
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
 * more than 2 nclasses + nparties + 2 nclauses + nfunds + 1 of them (a
 * class's carried interest is three figures, far below the bound),
 * which is held to RT_FAST_CHECK_TERMS (2^20 < 5^10); so every amount
 * here is below 2^63 cents, and every figure found equal to one is within
 * the range check's RT_DEC_LIMIT (2^63 * 10^10 < 10^30). Any 0 (a failure,
 * or a figure that does not fit) goes to the 128-bit checks, which decide
 * and word the message, so messages are as before.
 *
 * The fund draw-down is walked clause by clause with one running remainder
 * per fund; the 128-bit path walks fund by fund, but within a fund the
 * clauses come in the same (priority) order, so the remainders agree.
 * Early exits throughout: every branch goes the same way period after
 * period, so they cost next to nothing. */
int rt_check_period_fast(const rt_deal *d, const rt_dec *slot, const rt_class_cents *cents)
{
    const rt_layout *l = &d->layout;
    const int32_t nc = d->classes.n, np = d->parties.n, nk = d->clauses.n, nf = d->funds.n;
    if (nf > RT_FAST_CHECK_FUNDS || (int64_t)2 * nc + np + (int64_t)2 * nk + nf + 1 > RT_FAST_CHECK_TERMS)
        return 0;
    int64_t received = 0, parties = 0, in = 0, out = 0, left = 0;
    int64_t rem[RT_FAST_CHECK_FUNDS];
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

    for (int32_t i = 0; i < nc; i++) {
        int64_t due, paid, beg, prin, end, ubeg, upaid, cur;
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
        if (d->classes.v[i].kind == RT_CLASS_NOTIONAL) {
            CENTS(CS(END_BALANCE), end);
            NEED(prin == 0 && end >= 0);
        } else {
            end = beg - prin;
            NEED(prin <= beg && IS(CS(END_BALANCE), end));
        }
        received += paid + prin;
        if (cents) {
            cents->begin[i] = beg;
            cents->interest[i] = paid;
            cents->principal[i] = prin;
            cents->end[i] = end;
        }
    }
    for (int32_t i = 0; i < np; i++) {
        int64_t p;
        CENTS0(slot[RT_SLOT_PARTY(l, i, RT_P_PAID)], p);
        NEED(p >= 0);
        parties += p;
    }
    for (int32_t f = 0; f < nf; f++) {
        int64_t dep;
        CENTS(slot[RT_SLOT_FUND(l, f, RT_F_DEPOSIT)], dep);
        NEED(dep >= 0);
        rem[f] = dep;
        in += dep;
    }
    for (int32_t i = 0; i < nk; i++) {
        int32_t f = d->clauses.v[i].fund;
        int64_t pd, sf;
        NEED(f >= 0 && f < nf);
        NEED(IS(KS(AVAILABLE), rem[f]));
        if (KS(PAID) == KS(AVAILABLE))
            pd = rem[f]; /* paid all the fund held */
        else
            CENTS0(KS(PAID), pd);
        CENTS0(KS(SHORTFALL), sf);
        NEED(pd >= 0 && pd <= rem[f]);
        rem[f] -= pd;
        out += pd;
    }
    for (int32_t f = 0; f < nf; f++) {
        NEED(rem[f] >= 0 && IS(slot[RT_SLOT_FUND(l, f, RT_F_REMAINING)], rem[f]));
        left += rem[f];
    }
    NEED(in == out + left && out == received + parties);
#undef CS
#undef KS
#undef CENTS
#undef CENTS0
#undef NEED
#undef IS
    return 1;
}

int rt_check_period(const rt_deal *d, const rt_dec *slot, char *msg)
{
    if (rt_check_period_fast(d, slot, NULL))
        return 1;
    check k = {d, slot, msg};
    const rt_layout *l = &d->layout;
    char a[RT_NUMBUF], b[RT_NUMBUF], c[RT_NUMBUF];
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
              {RT_C_UNPAID_END, "ending unpaid interest"}};
    for (int32_t i = 0; !cents_fine && i < d->classes.n; i++)
        for (size_t j = 0; j < sizeof cf / sizeof cf[0]; j++)
            if (!whole_cents(&k, slot[RT_SLOT_CLASS(l, i, cf[j].f)], "class", d->classes.v[i].name,
                             cf[j].name))
                return 0;
    for (int32_t i = 0; !cents_fine && i < d->parties.n; i++)
        if (!whole_cents(&k, slot[RT_SLOT_PARTY(l, i, RT_P_PAID)], "party", d->parties.v[i].name, "paid"))
            return 0;
    for (int32_t i = 0; !cents_fine && i < d->clauses.n; i++) {
        const char *lab = d->clauses.v[i].label;
        if (!whole_cents(&k, slot[RT_SLOT_CLAUSE(l, i, RT_K_AVAILABLE)], "clause", lab, "available") ||
            !whole_cents(&k, slot[RT_SLOT_CLAUSE(l, i, RT_K_PAID)], "clause", lab, "paid") ||
            !whole_cents(&k, slot[RT_SLOT_CLAUSE(l, i, RT_K_SHORTFALL)], "clause", lab, "shortfall"))
            return 0;
    }
    for (int32_t i = 0; !cents_fine && i < d->funds.n; i++)
        if (!whole_cents(&k, slot[RT_SLOT_FUND(l, i, RT_F_DEPOSIT)], "fund", d->funds.v[i], "deposit") ||
            !whole_cents(&k, slot[RT_SLOT_FUND(l, i, RT_F_REMAINING)], "fund", d->funds.v[i], "remaining"))
            return 0;

    /* no negative payments, no overdrawn funds */
    for (int32_t i = 0; i < d->classes.n; i++)
        if (!not_negative(&k, slot[RT_SLOT_CLASS(l, i, RT_C_INTEREST_PAID)], "class", d->classes.v[i].name,
                          "interest paid") ||
            !not_negative(&k, slot[RT_SLOT_CLASS(l, i, RT_C_PRINCIPAL_PAID)], "class",
                          d->classes.v[i].name, "principal paid"))
            return 0;
    for (int32_t i = 0; i < d->parties.n; i++)
        if (!not_negative(&k, slot[RT_SLOT_PARTY(l, i, RT_P_PAID)], "party", d->parties.v[i].name, "paid"))
            return 0;
    for (int32_t i = 0; i < d->clauses.n; i++)
        if (slot[RT_SLOT_CLAUSE(l, i, RT_K_PAID)] < 0)
            return failf(&k, "clause %s (%s) paid a negative amount %s", d->clauses.v[i].label,
                         d->clauses.v[i].payee, rt_fmt_money(a, slot[RT_SLOT_CLAUSE(l, i, RT_K_PAID)], 1, 1));
    for (int32_t i = 0; i < d->funds.n; i++)
        if (!not_negative(&k, slot[RT_SLOT_FUND(l, i, RT_F_DEPOSIT)], "fund", d->funds.v[i], "deposit") ||
            !not_negative(&k, slot[RT_SLOT_FUND(l, i, RT_F_REMAINING)], "fund", d->funds.v[i], "remaining"))
            return 0;

    for (int32_t i = 0; i < d->classes.n; i++) {
        const char *n = d->classes.v[i].name;
        rt_dec due = slot[RT_SLOT_CLASS(l, i, RT_C_INTEREST_DUE)];
        rt_dec paid = slot[RT_SLOT_CLASS(l, i, RT_C_INTEREST_PAID)];
        rt_dec sf = slot[RT_SLOT_CLASS(l, i, RT_C_INTEREST_SHORTFALL)];
        rt_dec beg = slot[RT_SLOT_CLASS(l, i, RT_C_BEGIN_BALANCE)];
        rt_dec prin = slot[RT_SLOT_CLASS(l, i, RT_C_PRINCIPAL_PAID)];
        rt_dec end = slot[RT_SLOT_CLASS(l, i, RT_C_END_BALANCE)];
        rt_dec ubeg = slot[RT_SLOT_CLASS(l, i, RT_C_UNPAID_BEGIN)];
        rt_dec upaid = slot[RT_SLOT_CLASS(l, i, RT_C_UNPAID_PAID)];
        rt_dec uend = slot[RT_SLOT_CLASS(l, i, RT_C_UNPAID_END)];
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
            return failf(&k, "class \"%s\" was paid interest %s, more than the %s due", n,
                         rt_fmt_money(a, paid, 1, 1), rt_fmt_money(b, due, 1, 1));
        if (sf != due - paid)
            return failf(&k, "class \"%s\" interest shortfall %s is not interest due %s less interest paid %s",
                         n, rt_fmt_money(c, sf, 1, 1), rt_fmt_money(a, due, 1, 1), rt_fmt_money(b, paid, 1, 1));
        if (uend != ubeg - upaid + sf)
            return failf(&k, "class \"%s\" carries %s of unpaid interest forward, not the %s unpaid before less %s "
                             "paid plus this date's shortfall",
                         n, rt_fmt_money(a, uend, 1, 1), rt_fmt_money(b, ubeg, 1, 1), rt_fmt_money(c, upaid, 1, 1));
        if (d->classes.v[i].kind == RT_CLASS_NOTIONAL) {
            if (prin != 0)
                return failf(&k, "notional class \"%s\" was paid principal %s", n, rt_fmt_money(a, prin, 1, 1));
            if (end < 0)
                return failf(&k, "notional class \"%s\" has a negative ending notional %s", n,
                             rt_fmt_money(a, end, 1, 1));
        } else {
            if (prin > beg)
                return failf(&k, "class \"%s\" was paid principal %s, more than its beginning balance %s", n,
                             rt_fmt_money(a, prin, 1, 1), rt_fmt_money(b, beg, 1, 1));
            if (end != beg - prin)
                return failf(&k, "class \"%s\" ending balance %s is not its beginning balance %s less "
                                 "principal paid %s",
                             n, rt_fmt_money(c, end, 1, 1), rt_fmt_money(a, beg, 1, 1),
                             rt_fmt_money(b, prin, 1, 1));
        }
    }

    /* each fund drawn down clause by clause, in priority order; the fund's
     * final balance is checked after the totals, whose message says more */
    for (int32_t f = 0; f < d->funds.n; f++) {
        rt_dec rem = slot[RT_SLOT_FUND(l, f, RT_F_DEPOSIT)];
        for (int32_t i = 0; i < d->clauses.n; i++) {
            if (d->clauses.v[i].fund != f)
                continue;
            const rt_clause_info *cl = &d->clauses.v[i];
            rt_dec av = slot[RT_SLOT_CLAUSE(l, i, RT_K_AVAILABLE)];
            rt_dec pd = slot[RT_SLOT_CLAUSE(l, i, RT_K_PAID)];
            if (av != rem)
                return failf(&k, "clause %s (%s): available %s, but fund \"%s\" held %s at that point",
                             cl->label, cl->payee, rt_fmt_money(a, av, 1, 1), d->funds.v[f],
                             rt_fmt_money(b, rem, 1, 1));
            if (pd > rem)
                return failf(&k, "clause %s (%s) paid %s, more than the %s available in fund \"%s\"",
                             cl->label, cl->payee, rt_fmt_money(a, pd, 1, 1), rt_fmt_money(b, rem, 1, 1),
                             d->funds.v[f]);
            rem -= pd;
        }
    }

    /* conservation of cash */
    rt_dec in = 0, out = 0, left = 0, received = 0, parties = 0;
    for (int32_t f = 0; f < d->funds.n; f++) {
        in += slot[RT_SLOT_FUND(l, f, RT_F_DEPOSIT)];
        left += slot[RT_SLOT_FUND(l, f, RT_F_REMAINING)];
    }
    for (int32_t i = 0; i < d->clauses.n; i++)
        out += slot[RT_SLOT_CLAUSE(l, i, RT_K_PAID)];
    if (in != out + left)
        return failf(&k, "cash not conserved: funds in %s, paid out %s, left in funds %s",
                     rt_fmt_money(a, in, 1, 1), rt_fmt_money(b, out, 1, 1), rt_fmt_money(c, left, 1, 1));
    for (int32_t i = 0; i < d->classes.n; i++)
        received += slot[RT_SLOT_CLASS(l, i, RT_C_INTEREST_PAID)] + slot[RT_SLOT_CLASS(l, i, RT_C_PRINCIPAL_PAID)];
    for (int32_t i = 0; i < d->parties.n; i++)
        parties += slot[RT_SLOT_PARTY(l, i, RT_P_PAID)];
    if (out != received + parties)
        return failf(&k, "cash not conserved: clauses paid %s, but classes received %s and parties %s",
                     rt_fmt_money(a, out, 1, 1), rt_fmt_money(b, received, 1, 1), rt_fmt_money(c, parties, 1, 1));

    /* in total the cash adds up; now fund by fund (one fund reporting a
     * cent too much and another a cent too little cancel out above) */
    for (int32_t f = 0; f < d->funds.n; f++) {
        rt_dec rem = slot[RT_SLOT_FUND(l, f, RT_F_DEPOSIT)];
        for (int32_t i = 0; i < d->clauses.n; i++)
            if (d->clauses.v[i].fund == f)
                rem -= slot[RT_SLOT_CLAUSE(l, i, RT_K_PAID)];
        rt_dec fund_left = slot[RT_SLOT_FUND(l, f, RT_F_REMAINING)];
        if (fund_left != rem)
            return failf(&k, "fund \"%s\" reports %s remaining, but %s is left after its clauses",
                         d->funds.v[f], rt_fmt_money(a, fund_left, 1, 1), rt_fmt_money(b, rem, 1, 1));
    }
    return 1;
}

/* ---- the inputs ---------------------------------------------------------------------- */

int rt_load_inputs(const rt_deal *d, const char *state, const char *remit, rt_state *st, rt_remit *rm)
{
    char *text = NULL;
    size_t len = 0;
    rt_err e;
    memset(&e, 0, sizeof e);
    int ok = rt_read_file(state, &text, &len, &e) && rt_state_parse(d, text, len, st, &e);
    free(text);
    if (!ok) {
        rt_file_error(state, &e);
        return 0;
    }
    text = NULL;
    ok = rt_read_file(remit, &text, &len, &e) && rt_remit_parse(d, st, text, len, rm, &e);
    free(text);
    if (!ok)
        rt_file_error(remit, &e);
    return ok;
}

/* ---- the period loop --------------------------------------------------------------- */

void rt_fill_slots(const rt_deal *d, const rt_state *st, const rt_period_in *p, int32_t n, rt_dec *slot)
{
    rt_fill_slots_days(d, st, p, n, rt_period_days_30_360(d, n), slot);
}

void rt_fill_slots_days(const rt_deal *d, const rt_state *st, const rt_period_in *p, int32_t n, int32_t days30,
                        rt_dec *slot)
{
    const rt_layout *l = &d->layout;
    memset(slot, 0, (size_t)l->total * sizeof *slot);
    slot[RT_G_DIST_NUMBER] = (rt_dec)n * RT_SCALE;
    slot[RT_G_PAYMENT_DATE] = (rt_dec)p->payment_date * RT_SCALE;
    slot[RT_G_PREV_PAYMENT_DATE] = (rt_dec)st->payment_date * RT_SCALE;
    slot[RT_G_DAYS_ACTUAL] = (rt_dec)(p->payment_date - st->payment_date) * RT_SCALE;
    slot[RT_G_DAYS_30_360] = (rt_dec)days30 * RT_SCALE;
    for (int32_t g = 0; g < d->groups.n; g++) {
        rt_dec *gs = &slot[RT_SLOT_GROUP(l, g, 0)];
        for (int f = 0; f < RT_GR_REPORTED_COUNT; f++)
            gs[f] = p->group[(size_t)g * RT_GR_REPORTED_COUNT + (size_t)f];
        gs[RT_GR_BEGIN_BALANCE] = st->pool_balance[g];
        gs[RT_GR_END_BALANCE] = st->pool_balance[g] - gs[RT_GR_PRINCIPAL_COLLECTIONS] +
                                gs[RT_GR_PRINCIPAL_DRAWS] - gs[RT_GR_LIQUIDATION_LOSS];
        gs[RT_GR_BEGIN_CUM_LOSS] = st->cumulative_loss[g];
        gs[RT_GR_END_CUM_LOSS] = st->cumulative_loss[g] + gs[RT_GR_LIQUIDATION_LOSS] - gs[RT_GR_RECOVERIES];
    }
    for (int32_t c = 0; c < d->classes.n; c++) {
        slot[RT_SLOT_CLASS(l, c, RT_C_ORIGINAL)] = (rt_dec)d->classes.v[c].original_cents * RT_CENT;
        slot[RT_SLOT_CLASS(l, c, RT_C_BEGIN_BALANCE)] = st->class_balance[c];
        slot[RT_SLOT_CLASS(l, c, RT_C_UNPAID_BEGIN)] = st->class_unpaid[c];
    }
    for (int32_t i = 0; i < d->inputs.n; i++)
        slot[RT_SLOT_INPUT(l, i)] = p->input[i];
}

/* A pool cannot pay down below zero: the remittance figures are wrong, and
 * letting it through would only fail later, further from the cause. */
int rt_pool_sane(const rt_deal *d, const rt_dec *slot, char *msg)
{
    char a[RT_NUMBUF], b[RT_NUMBUF];
    for (int32_t g = 0; g < d->groups.n; g++) {
        rt_dec end = slot[RT_SLOT_GROUP(&d->layout, g, RT_GR_END_BALANCE)];
        if (end < 0) {
            snprintf(msg, MSG,
                     "group \"%s\": the remittance takes the pool balance of %s below zero (%s)",
                     d->groups.v[g], rt_fmt_money(a, slot[RT_SLOT_GROUP(&d->layout, g, RT_GR_BEGIN_BALANCE)], 1, 1),
                     rt_fmt_money(b, end, 1, 1));
            return 0;
        }
    }
    return 1;
}

void rt_roll_forward(const rt_deal *d, rt_state *st, const rt_dec *slot, int32_t n, int32_t date)
{
    const rt_layout *l = &d->layout;
    for (int32_t c = 0; c < d->classes.n; c++) {
        st->class_balance[c] = slot[RT_SLOT_CLASS(l, c, RT_C_END_BALANCE)];
        st->class_unpaid[c] = slot[RT_SLOT_CLASS(l, c, RT_C_UNPAID_END)];
    }
    for (int32_t g = 0; g < d->groups.n; g++) {
        st->pool_balance[g] = slot[RT_SLOT_GROUP(l, g, RT_GR_END_BALANCE)];
        st->cumulative_loss[g] = slot[RT_SLOT_GROUP(l, g, RT_GR_END_CUM_LOSS)];
    }
    st->distribution_number = n;
    st->payment_date = date;
}

/* ---- commands -------------------------------------------------------------------------------- */

typedef struct options {
    const char *state, *remit, *save, *output;
    rt_format format;
} options;

rt_deal *rt_load_deal(rt_describe_fn describe)
{
    rt_deal *d = rt_deal_new();
    if (!d) {
        fprintf(stderr, "error: out of memory\n");
        return NULL;
    }
    describe(d);
    char msg[MSG];
    if (!rt_deal_validate(d, msg, sizeof msg)) {
        fprintf(stderr, "error: bad deal description: %s\n", msg);
        rt_deal_free(d);
        return NULL;
    }
    return d;
}

static int cmd_describe(rt_describe_fn describe)
{
    rt_deal *d = rt_load_deal(describe);
    if (!d)
        return 1;
    rt_buf out;
    rt_buf_init(&out);
    rt_deal_describe_text(d, &out);
    int rc = 0;
    if (out.oom) {
        fprintf(stderr, "error: out of memory\n");
        rc = 1;
    } else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
        fprintf(stderr, "error: cannot write to standard output\n");
        rc = 1;
    }
    rt_buf_free(&out);
    rt_deal_free(d);
    return rc;
}

static int run_periods(const rt_deal *d, rt_period_fn period, rt_state *st, const rt_remit *rm,
                       rt_format fmt, rt_buf *out)
{
    rt_dec *slot = calloc((size_t)d->layout.total + 1, sizeof *slot);
    rt_run *run = rt_run_new((rt_deal *)d);
    int ok = 1;
    if (!slot || !run) {
        fprintf(stderr, "error: out of memory\n");
        ok = 0;
    }
    char date[11], msg[MSG];
    if (ok)
        rt_report_begin(d, fmt, out);
    for (int32_t k = 0; ok && k < rm->nperiods; k++) {
        const rt_period_in *p = &rm->period[k];
        int32_t n = st->distribution_number + 1;
        rt_date_format(date, p->payment_date);
        rt_fill_slots(d, st, p, n, slot);
        if (!rt_pool_sane(d, slot, msg)) {
            fprintf(stderr, "error: payment date %s: %s\n", date, msg);
            ok = 0;
            break;
        }
        rt_run_reset(run);
        int32_t rc = period(slot, run);
        if (rc != 0 || run->failed) {
            fprintf(stderr, "error: payment date %s: %s\n", date,
                    run->failed ? run->error : "the deal's period function failed");
            ok = 0;
            break;
        }
        if (!rt_check_period(d, slot, msg)) {
            fprintf(stderr, "error: payment date %s: %s\n", date, msg);
            ok = 0;
            break;
        }
        rt_report_period(d, fmt, slot, k == 0, out);
        rt_roll_forward(d, st, slot, n, p->payment_date);
    }
    if (ok)
        rt_report_end(d, fmt, rm->nperiods > 0, out);
    rt_run_free(run);
    free(slot);
    return ok;
}

static int cmd_replay(const options *o, rt_describe_fn describe, rt_period_fn period)
{
    rt_deal *d = rt_load_deal(describe);
    if (!d)
        return 1;
    int rc = 1;
    rt_state st;
    rt_remit rm = {0, NULL};
    rt_buf out, saved;
    rt_buf_init(&out);
    rt_buf_init(&saved);
    if (!rt_state_init(&st, d)) {
        fprintf(stderr, "error: out of memory\n");
        rt_deal_free(d);
        return 1;
    }
    /* The outputs are checked before anything is read: neither may be an
     * input or this program, and the saved state is added last, so it is
     * the commit point (docs/reliability.md: a statement beside an older
     * state is a run that did not finish). */
    rt_outset *os = rt_out_begin();
    int io = -1, is = -1;
    if (!os || !rt_out_input(os, "/proc/self/exe") || !rt_out_input(os, o->state) || !rt_out_input(os, o->remit))
        goto done;
    io = o->output ? rt_out_add(os, o->output, 0) : rt_out_add_stdout(os);
    if (io < 0 || (o->save && (is = rt_out_add(os, o->save, 0)) < 0))
        goto done;

    if (!rt_load_inputs(d, o->state, o->remit, &st, &rm))
        goto done;
    if (!run_periods(d, period, &st, &rm, o->format, &out))
        goto done;
    if (o->save)
        rt_state_write(d, &st, &saved);
    if (out.oom || saved.oom) {
        fprintf(stderr, "error: out of memory\n");
        goto done;
    }
    if (!rt_out_write(os, io, out.data, out.len) || (o->save && !rt_out_write(os, is, saved.data, saved.len)) ||
        !rt_out_commit(os))
        goto done;
    rc = 0;
done:
    rt_out_end(os);
    rt_buf_free(&out);
    rt_buf_free(&saved);
    rt_remit_free(&rm);
    rt_state_free(&st);
    rt_deal_free(d);
    return rc;
}

/* "--name VALUE" or "--name=VALUE"; returns 1 when argv[*i] is this option */
int rt_take_opt(int argc, char **argv, int *i, const char *name, const char **val, int *err,
                const char *prog)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
        return 0;
    if (*val) {
        *err = rt_usage_error(prog, "option %s given twice", name);
        return 1;
    }
    if (a[n] == '=') {
        *val = a + n + 1;
    } else if (*i + 1 < argc) {
        *val = argv[++*i];
    } else {
        *err = rt_usage_error(prog, "option %s needs an argument", name);
        return 1;
    }
    if (!**val)
        *err = rt_usage_error(prog, "option %s needs a non-empty argument", name);
    return 1;
}

int rt_main(int argc, char **argv, rt_describe_fn describe, rt_period_fn period)
{
    const char *prog = base_name(argc > 0 ? argv[0] : NULL);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help(prog, stdout);
            return fflush(stdout) == 0 ? 0 : 1;
        }
    }
    if (argc < 2)
        return rt_usage_error(prog, "%s", "missing command (replay, project, grid or describe)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "describe") == 0) {
        if (argc > 2)
            return rt_usage_error(prog, "describe takes no arguments, found \"%s\"", argv[2]);
        return cmd_describe(describe);
    }
    if (strcmp(cmd, "project") == 0)
        return rt_project_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "grid") == 0)
        return rt_grid_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "explain") == 0)
        return rt_explain_main(prog, argc - 1, argv + 1, describe, period);
    if (strcmp(cmd, "replay") != 0) {
        if (cmd[0] == '-')
            return rt_usage_error(prog, "unknown option \"%s\"", cmd);
        return rt_usage_error(prog, "unknown command \"%s\" (use replay, project, grid, explain or describe)", cmd);
    }

    options o = {NULL, NULL, NULL, NULL, RT_FORMAT_TABLE};
    const char *format = NULL;
    int only_files = 0;
    for (int i = 2; i < argc; i++) {
        int err = 0;
        const char *a = argv[i];
        if (!only_files && strcmp(a, "--") == 0) {
            only_files = 1;
            continue;
        }
        if (!only_files && a[0] == '-' && a[1] != '\0') {
            if (rt_take_opt(argc, argv, &i, "--state", &o.state, &err, prog) ||
                rt_take_opt(argc, argv, &i, "--format", &format, &err, prog) ||
                rt_take_opt(argc, argv, &i, "--save-state", &o.save, &err, prog) ||
                rt_take_opt(argc, argv, &i, "--output", &o.output, &err, prog)) {
                if (err)
                    return err;
                continue;
            }
            return rt_usage_error(prog, "unknown option \"%s\"", a);
        }
        if (o.remit)
            return rt_usage_error(prog, "unexpected argument \"%s\" (one remittance file per replay)", a);
        o.remit = a;
    }
    if (format) {
        if (strcmp(format, "table") == 0)
            o.format = RT_FORMAT_TABLE;
        else if (strcmp(format, "csv") == 0)
            o.format = RT_FORMAT_CSV;
        else if (strcmp(format, "json") == 0)
            o.format = RT_FORMAT_JSON;
        else
            return rt_usage_error(prog, "unknown format \"%s\" (use table, csv or json)", format);
    }
    if (o.output && o.save && strcmp(o.output, o.save) == 0)
        return rt_usage_error(prog, "--output and --save-state both name \"%s\"", o.save);
    if (!o.state)
        return rt_usage_error(prog, "%s", "replay needs --state OPENING.json");
    if (!o.remit)
        return rt_usage_error(prog, "%s", "replay needs a remittance file (REMITTANCE.csv)");
    return cmd_replay(&o, describe, period);
}
