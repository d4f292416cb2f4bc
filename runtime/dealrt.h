/*
 * dealrt.h — the dealc runtime ABI: the one place where compiled deal code and
 * the runtime library agree on data layout and calling conventions.
 *
 * In:   a compiled deal, i.e. an object (or JIT module) produced by dealc that
 *       defines two functions:
 *         void    dealc_describe(rt_deal *d);             registers metadata
 *         int32_t dealc_period(rt_dec *slot, rt_run *run); one payment date
 *       and calls only the rt_* functions listed in RT_ABI_FUNCS below.
 * Out:  rt_main(): the deal binary's command line ("replay"), the input readers
 *       (remittance CSV, state JSON), the period loop, the invariant checks and
 *       the statement writers (table, csv, json).
 * Ownership: rt_deal copies every string handed to it; generated code owns
 *       nothing. The slot array is owned by the runtime, allocated once per run
 *       (never inside the period loop).
 * Errors: arithmetic helpers never abort; they record the first error in the
 *       rt_run (with the site id) and return 0. dealc_period returns non-zero
 *       when run->failed is set; the runtime then reports and stops.
 *
 * Numbers. Every numeric value (money, rate, count, number, date) lives in an
 * rt_dec: a signed 128-bit fixed-point integer with 12 decimal places
 * (RT_SCALE = 10^12 means 1). Money is kept in whole cents at every point the
 * deal rounds (rt_dec_round_cents). Dates are day numbers since 1970-01-01,
 * scaled like any other number. Booleans in slots are 0 or RT_SCALE.
 *
 * Slot layout. dealc_period reads and writes one flat array of rt_dec. The
 * order is fixed by rt_layout_compute() below, which both the compiler and the
 * runtime call: globals, then per group, per class, inputs, definitions,
 * statement lines, per fund, per party, per clause.
 */
#ifndef DEALRT_H
#define DEALRT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef __int128 rt_dec;

#define RT_SCALE ((rt_dec)1000000000000LL)        /* 10^12 = 1.0            */
#define RT_CENT  ((rt_dec)10000000000LL)          /* 10^10 = $0.01          */
/* Largest magnitude a value may take: 10^30 units = 10^18 (a quintillion
 * dollars). Results beyond it are reported as overflow, never wrapped. Two
 * in-range values can be added many times over without overflowing i128. */
#define RT_DEC_LIMIT ((rt_dec)1000000000000000LL * (rt_dec)1000000000000000LL)

/* ---- enumerations shared with the compiler ---------------------------- */

typedef enum rt_unit {
    RT_UNIT_MONEY = 0,  /* dollars; rounded to cents                        */
    RT_UNIT_RATE,       /* a fraction, written and printed as a percent     */
    RT_UNIT_NUMBER,     /* a dimensionless quantity (ratio, factor)         */
    RT_UNIT_COUNT,      /* a whole number (loan count, distribution number) */
    RT_UNIT_DATE,       /* day number since 1970-01-01                      */
    RT_UNIT_BOOL        /* 0 or RT_SCALE                                    */
} rt_unit;

typedef enum rt_daycount {
    RT_DC_30_360 = 0,   /* 30 days a month, 360 a year                      */
    RT_DC_ACT_360       /* actual days between payment dates, 360 a year   */
} rt_daycount;

typedef enum rt_bdc {
    RT_BDC_NONE = 0,    /* pay on the day even if not a business day        */
    RT_BDC_FOLLOWING,   /* next business day                                */
    RT_BDC_MODIFIED_FOLLOWING /* next, unless it crosses into the next month */
} rt_bdc;

typedef enum rt_class_kind {
    RT_CLASS_PRINCIPAL = 0, /* has a principal balance that principal pays down */
    RT_CLASS_NOTIONAL       /* interest-only on a notional amount (schedule)    */
} rt_class_kind;

/* ---- slot layout -------------------------------------------------------- */

/* Per-run scalars. Filled by the runtime before dealc_period. */
#define RT_GLOBAL_FIELDS(X)                                                   \
    X(DIST_NUMBER,       "distribution_number")  /* 1 for the first payment */ \
    X(PAYMENT_DATE,      "payment_date")         /* this payment date        */ \
    X(PREV_PAYMENT_DATE, "prev_payment_date")    /* previous, or closing     */ \
    X(DAYS_ACTUAL,       "days_actual")          /* PREV..PAYMENT, actual    */ \
    X(DAYS_30_360,       "days_30_360")          /* same span, 30/360 rule   */

/* Per collateral group. The first seven come from the remittance CSV, the
 * BEGIN_ ones from the opening state; END_ ones the runtime computes before
 * calling dealc_period:
 *   END_BALANCE  = BEGIN_BALANCE - PRINCIPAL_COLLECTIONS + PRINCIPAL_DRAWS
 *                  - LIQUIDATION_LOSS
 *   END_CUM_LOSS = BEGIN_CUM_LOSS + LIQUIDATION_LOSS - RECOVERIES           */
#define RT_GROUP_FIELDS(X)                                                    \
    X(PRINCIPAL_COLLECTIONS,   "principal_collections")                      \
    X(INTEREST_COLLECTIONS,    "interest_collections")                       \
    X(PRINCIPAL_DRAWS,         "principal_draws")                            \
    X(LIQUIDATION_LOSS,        "liquidation_loss")                           \
    X(RECOVERIES,              "recoveries")                                 \
    X(SUBSTITUTION_ADJUSTMENT, "substitution_adjustment")                    \
    X(ACTIVE_LOAN_COUNT,       "active_loan_count")                          \
    X(BEGIN_BALANCE,           "beginning_pool_balance")                     \
    X(END_BALANCE,             "ending_pool_balance")                        \
    X(BEGIN_CUM_LOSS,          "beginning_cumulative_loss")                  \
    X(END_CUM_LOSS,            "ending_cumulative_loss")

/* Per class. ORIGINAL, BEGIN_BALANCE (notional for RT_CLASS_NOTIONAL) and
 * UNPAID_BEGIN are filled by the runtime; the rest are written by
 * dealc_period. INTEREST_PAID is all the interest the class received,
 * UNPAID_PAID the part of it that paid interest left unpaid on earlier dates
 * (so INTEREST_SHORTFALL = INTEREST_DUE - (INTEREST_PAID - UNPAID_PAID)), and
 * UNPAID_END = UNPAID_BEGIN - UNPAID_PAID + INTEREST_SHORTFALL is carried to
 * the next date.                                                             */
#define RT_CLASS_FIELDS(X)                                                    \
    X(ORIGINAL,           "original_balance")                                \
    X(BEGIN_BALANCE,      "beginning_balance")                               \
    X(COUPON,             "coupon")              /* rate for this period   */ \
    X(INTEREST_DUE,       "interest_due")                                    \
    X(INTEREST_PAID,      "interest")                                        \
    X(INTEREST_SHORTFALL, "interest_shortfall")                              \
    X(PRINCIPAL_PAID,     "principal")                                       \
    X(END_BALANCE,        "ending_balance")                                  \
    X(UNPAID_BEGIN,       "unpaid_interest")                                 \
    X(UNPAID_PAID,        "unpaid_interest_paid")                            \
    X(UNPAID_END,         "ending_unpaid_interest")

/* Per fund (a pool of cash the priority of payments draws on). Written by
 * dealc_period: DEPOSIT is what went in, REMAINING what was left at the end. */
#define RT_FUND_FIELDS(X)                                                     \
    X(DEPOSIT,   "deposit")                                                  \
    X(REMAINING, "remaining")

/* Per party (fee recipients and the residual holder): what it was paid.     */
#define RT_PARTY_FIELDS(X)  X(PAID, "paid")

/* Per clause of the priority of payments, written by dealc_period: the fund
 * balance when the clause ran, what it paid, and what it could not pay.     */
#define RT_CLAUSE_FIELDS(X)                                                   \
    X(AVAILABLE, "available")                                                \
    X(PAID,      "paid")                                                     \
    X(SHORTFALL, "shortfall")

#define RT_ENUM_G(n, s) RT_G_##n,
#define RT_ENUM_GR(n, s) RT_GR_##n,
#define RT_ENUM_C(n, s) RT_C_##n,
#define RT_ENUM_F(n, s) RT_F_##n,
#define RT_ENUM_P(n, s) RT_P_##n,
#define RT_ENUM_K(n, s) RT_K_##n,
enum { RT_GLOBAL_FIELDS(RT_ENUM_G) RT_G_COUNT };
enum { RT_GROUP_FIELDS(RT_ENUM_GR) RT_GR_COUNT };
enum { RT_CLASS_FIELDS(RT_ENUM_C) RT_C_COUNT };
enum { RT_FUND_FIELDS(RT_ENUM_F) RT_F_COUNT };
enum { RT_PARTY_FIELDS(RT_ENUM_P) RT_P_COUNT };
enum { RT_CLAUSE_FIELDS(RT_ENUM_K) RT_K_COUNT };
#undef RT_ENUM_G
#undef RT_ENUM_GR
#undef RT_ENUM_C
#undef RT_ENUM_F
#undef RT_ENUM_P
#undef RT_ENUM_K

typedef struct rt_layout {
    int32_t ngroups, nclasses, ninputs, ndefs, nlines, nfunds, nparties, nclauses;
    /* computed by rt_layout_compute: */
    int32_t group_base, class_base, input_base, def_base, line_base;
    int32_t fund_base, party_base, clause_base, total;
} rt_layout;

static inline void rt_layout_compute(rt_layout *l)
{
    l->group_base  = RT_G_COUNT;
    l->class_base  = l->group_base + l->ngroups * RT_GR_COUNT;
    l->input_base  = l->class_base + l->nclasses * RT_C_COUNT;
    l->def_base    = l->input_base + l->ninputs;
    l->line_base   = l->def_base + l->ndefs;
    l->fund_base   = l->line_base + l->nlines;
    l->party_base  = l->fund_base + l->nfunds * RT_F_COUNT;
    l->clause_base = l->party_base + l->nparties * RT_P_COUNT;
    l->total       = l->clause_base + l->nclauses * RT_K_COUNT;
}

#define RT_SLOT_GROUP(l, g, f)  ((l)->group_base + (g) * RT_GR_COUNT + (f))
#define RT_SLOT_CLASS(l, c, f)  ((l)->class_base + (c) * RT_C_COUNT + (f))
#define RT_SLOT_INPUT(l, i)     ((l)->input_base + (i))
#define RT_SLOT_DEF(l, i)       ((l)->def_base + (i))
#define RT_SLOT_LINE(l, i)      ((l)->line_base + (i))
#define RT_SLOT_FUND(l, i, f)   ((l)->fund_base + (i) * RT_F_COUNT + (f))
#define RT_SLOT_PARTY(l, i, f)  ((l)->party_base + (i) * RT_P_COUNT + (f))
#define RT_SLOT_CLAUSE(l, i, f) ((l)->clause_base + (i) * RT_K_COUNT + (f))

/* ---- opaque runtime objects --------------------------------------------- */

typedef struct rt_deal rt_deal; /* the deal's metadata, built by dealc_describe */
typedef struct rt_run rt_run;   /* one run: error state, current period        */

typedef void    (*rt_describe_fn)(rt_deal *d);
typedef int32_t (*rt_period_fn)(rt_dec *slot, rt_run *run);

/* ---- the functions generated code may call -------------------------------
 * X(name, return, params...) — the compiler declares each of these in the
 * LLVM module and the JIT binds each to its address; tests check the list
 * against the prototypes below.                                             */
#define RT_ABI_FUNCS(X)                                                       \
    X(rt_deal_name)       X(rt_deal_dates)     X(rt_add_group)               \
    X(rt_add_class)       X(rt_add_party)      X(rt_add_input)               \
    X(rt_add_def)         X(rt_add_line)       X(rt_add_fund)                \
    X(rt_add_clause)      X(rt_add_site)       X(rt_set_source)              \
    X(rt_add_collateral)  X(rt_set_collateral) X(rt_deal_setting)            \
    X(rt_def_info)        X(rt_def_use)                                      \
    X(rt_dec_mul)         X(rt_dec_div)        X(rt_dec_round_cents)         \
    X(rt_dec_interest)    X(rt_alloc_pro_rata)

/* ---- collateral, for projections ------------------------------------------
 * A group's collateral is declared in the deal as representative lines (or
 * given at run time as a loan tape with the same fields). Each line is
 * created with rt_add_collateral and its fields set with rt_set_collateral;
 * unset fields are 0 (for the caps and floor, 0 means none). Every field is
 * an rt_dec like any other value: rates are fractions (RT_SCALE = 100%),
 * terms and ages are months (360 months is 360 * RT_SCALE), balances money,
 * INDEX an rt_add_input index times RT_SCALE (an index rate the projection
 * is given), or -RT_SCALE for a fixed-rate line.                            */
#define RT_COLLATERAL_FIELDS(X)                                               \
    X(BALANCE,         "balance")          /* current balance at cut-off     */ \
    X(GROSS_RATE,      "gross_rate")       /* the borrower's rate            */ \
    X(NET_RATE,        "net_rate")         /* after servicing and fees       */ \
    X(ORIGINAL_TERM,   "original_term")    /* months                         */ \
    X(REMAINING_TERM,  "remaining_term")   /* months                         */ \
    X(AGE,             "age")              /* months since origination       */ \
    X(BALLOON,         "balloon")          /* month of age the balance is due, 0 none */ \
    X(IO_MONTHS,       "io_months")        /* months of interest only from origination */ \
    X(INDEX,           "index")            /* adjustable: input index, -1 fixed */ \
    X(MARGIN,          "margin")                                                 \
    X(FIRST_RESET,     "first_reset")      /* month of age of the first reset */ \
    X(RESET_EVERY,     "reset_every")      /* months between resets           */ \
    X(PERIODIC_CAP,    "periodic_cap")     /* largest change at one reset     */ \
    X(LIFE_CAP,        "life_cap")         /* highest gross rate              */ \
    X(LIFE_FLOOR,      "life_floor")       /* lowest gross rate               */
#define RT_ENUM_L(n, s) RT_L_##n,
enum { RT_COLLATERAL_FIELDS(RT_ENUM_L) RT_L_COUNT };
#undef RT_ENUM_L

/* Deal-wide settings (rt_deal_setting keys); group is -1 unless stated. */
#define RT_SETTINGS(X)                                                        \
    X(CUTOFF_DATE,        "cutoff_date")        /* day number               */ \
    X(CLEANUP_CALL,       "cleanup_call")       /* fraction of the cut-off pool balance below which the deal may be called */ \
    X(CUTOFF_BALANCE,     "cutoff_balance")     /* per group: its balance at cut-off (money) */ \
    X(PAYMENT_DELAY,      "payment_delay")      /* per class (the group argument is the class):  \
                                                   days from the start of its payment month to the \
                                                   payment, its interest accruing over the month \
                                                   before; analytics only (a number) */
#define RT_ENUM_S(n, s) RT_SET_##n,
enum { RT_SETTINGS(RT_ENUM_S) RT_SET_COUNT };
#undef RT_ENUM_S

/* describe: called once, in this order: name, dates, then any adds. Indexes
 * returned by rt_add_* are dense from 0, in call order.                    */
void    rt_deal_name(rt_deal *d, const char *name);
/* dates are day numbers since 1970-01-01; payment_day 1..31; bdc: rt_bdc   */
void    rt_deal_dates(rt_deal *d, int32_t closing, int32_t first_payment,
                      int32_t payment_day, int32_t bdc);
int32_t rt_add_group(rt_deal *d, const char *name);
/* original in cents; kind: rt_class_kind; daycount: rt_daycount           */
int32_t rt_add_class(rt_deal *d, const char *name, int64_t original_cents,
                     int32_t kind, int32_t daycount);
int32_t rt_add_party(rt_deal *d, const char *name, int32_t is_residual);
int32_t rt_add_input(rt_deal *d, const char *name, int32_t unit);
int32_t rt_add_def(rt_deal *d, const char *name, int32_t unit);
int32_t rt_add_line(rt_deal *d, const char *label, int32_t unit);
int32_t rt_add_fund(rt_deal *d, const char *name);
/* label is the full section label, e.g. "3.05(a)(ii)"; payee text for messages */
int32_t rt_add_clause(rt_deal *d, const char *label, int32_t fund, const char *payee);
/* a source position named in runtime errors ("division by zero in ...")   */
int32_t rt_add_site(rt_deal *d, const char *what, int32_t line, int32_t col);
void    rt_set_source(rt_deal *d, const char *file);
/* a collateral line of a group; returns its index (dense, in call order) */
int32_t rt_add_collateral(rt_deal *d, int32_t group);
/* field: RT_L_*; the 128-bit value last so every argument is in a register */
void    rt_set_collateral(rt_deal *d, int32_t line, int32_t field, rt_dec value);
/* key: RT_SET_*; group -1 for deal-wide settings */
void    rt_deal_setting(rt_deal *d, int32_t key, int32_t group, rt_dec value);
/* For `explain`: a definition's formula as written (canonical), its legal
 * text ("" none), the amendment that last changed it ("" none) and that
 * amendment's effective date (day number, 0 none). */
void    rt_def_info(rt_deal *d, int32_t def, const char *formula, const char *text,
                    const char *amended_by, int32_t effective);
/* ... and each figure the formula uses: its label as written, the slot it
 * is read from, its unit, and the definition it is (-1: not one). */
void    rt_def_use(rt_deal *d, int32_t def, const char *label, int32_t slot, int32_t unit, int32_t def_ref);

/* arithmetic: never aborts; on error records it in run (first one wins)
 * and returns 0. site is an rt_add_site index, or -1.                      */
rt_dec  rt_dec_mul(rt_run *run, rt_dec a, rt_dec b, int32_t site);
rt_dec  rt_dec_div(rt_run *run, rt_dec a, rt_dec b, int32_t site);
/* half away from zero, to whole cents ("half-up" as trustees round)        */
rt_dec  rt_dec_round_cents(rt_dec a);
/* balance * rate * days / basis, rounded once, half-up, to whole cents.
 * The 32-bit arguments come first on purpose: with run, basis and site in
 * registers, the three 128-bit values never straddle the last register
 * and the stack, where compilers have disagreed about the x86-64 ABI.    */
rt_dec  rt_dec_interest(rt_run *run, int32_t basis, int32_t site,
                        rt_dec balance, rt_dec rate, rt_dec days);
/* Split amount (whole cents, 0 <= amount <= sum weight) over n recipients in
 * proportion to weight[i] (whole cents, >= 0): out[i] <= weight[i], the sum
 * of out is exactly amount; each share is floored to the cent and the cents
 * left over go one each by largest remainder, ties to the earlier index.  */
void    rt_alloc_pro_rata(rt_dec amount, int32_t n, const rt_dec *weight,
                          rt_dec *out);

/* ---- runtime side (not called by generated code) ------------------------- */

/* The deal binary's whole command line. argv[0] is used only in usage text.
 * Returns the process exit status: 0 ok, 1 bad data or a failed invariant,
 * 2 bad usage.                                                              */
int rt_main(int argc, char **argv, rt_describe_fn describe, rt_period_fn period);

/* the deal's layout, once dealc_describe has run (for tests and tools)     */
const rt_layout *rt_deal_layout(const rt_deal *d);

/* run-state access for the arithmetic helpers' callers and tests           */
rt_run *rt_run_new(rt_deal *d);
void    rt_run_free(rt_run *run);
int     rt_run_failed(const rt_run *run);
const char *rt_run_error(const rt_run *run); /* "" when none             */
rt_deal *rt_deal_new(void);
void     rt_deal_free(rt_deal *d);

#ifdef __cplusplus
}
#endif
#endif /* DEALRT_H */
