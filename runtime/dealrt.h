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
/* Every rate a remittance reports or a projection assumes (an index, a rate
 * input, a loan's rate on a tape) lies from -100% to 1,000%: anything beyond
 * is a typing slip (99999999.99% for 0.99%), and would otherwise be
 * computed with. The compiler checks coupons against the same bounds. */
#define RT_RATE_MIN (-RT_SCALE)
#define RT_RATE_MAX (10 * RT_SCALE)

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

typedef enum rt_party_role {
    RT_PARTY_FEE = 0,   /* a payee: trustee, servicer, credit enhancer's premium */
    RT_PARTY_RESIDUAL,  /* the residual holder                                */
    RT_PARTY_INSURER    /* a payee that may also be drawn on, and reimbursed  */
} rt_party_role;

/* rt_fail's reasons */
typedef enum rt_fail_what {
    RT_FAIL_NEGATIVE_AMOUNT = 0, /* clause index: its amount a is below zero    */
    RT_FAIL_ABOVE_MAXIMUM,       /* clause index: draw a, room left b           */
    RT_FAIL_NEGATIVE_DEPOSIT,    /* holder index: its deposit a is below zero   */
    RT_FAIL_NEGATIVE_CAP         /* class index: its coupon cap a is below zero */
} rt_fail_what;

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

/* Per collateral group. The RT_GROUP_REPORTED fields come from the
 * remittance CSV (one column each, named as below; additional_balances may
 * be left out of the file, meaning none), the BEGIN_ ones from the opening
 * state; END_ ones the runtime computes before calling dealc_period:
 *   END_BALANCE  = BEGIN_BALANCE - PRINCIPAL_COLLECTIONS + PRINCIPAL_DRAWS
 *                  - LIQUIDATION_LOSS + ADDITIONAL_BALANCES
 *   END_CUM_LOSS = BEGIN_CUM_LOSS + LIQUIDATION_LOSS - RECOVERIES
 * PURCHASED is written by dealc_period: what the priority of payments paid
 * for the additional balances (the runtime checks it equals them).          */
#define RT_GROUP_REPORTED(X)                                                  \
    X(PRINCIPAL_COLLECTIONS,   "principal_collections")                      \
    X(INTEREST_COLLECTIONS,    "interest_collections")                       \
    X(PRINCIPAL_DRAWS,         "principal_draws")                            \
    X(LIQUIDATION_LOSS,        "liquidation_loss")                           \
    X(RECOVERIES,              "recoveries")                                 \
    X(SUBSTITUTION_ADJUSTMENT, "substitution_adjustment")                    \
    X(ACTIVE_LOAN_COUNT,       "active_loan_count")                          \
    X(ADDITIONAL_BALANCES,     "additional_balances")
#define RT_GROUP_COMPUTED(X)                                                  \
    X(BEGIN_BALANCE,           "beginning_pool_balance")                     \
    X(END_BALANCE,             "ending_pool_balance")                        \
    X(BEGIN_CUM_LOSS,          "beginning_cumulative_loss")                  \
    X(END_CUM_LOSS,            "ending_cumulative_loss")                     \
    X(PURCHASED,               "purchased")
#define RT_GROUP_FIELDS(X) RT_GROUP_REPORTED(X) RT_GROUP_COMPUTED(X)

/* Per class. ORIGINAL, BEGIN_BALANCE (notional for RT_CLASS_NOTIONAL) and
 * the *_BEGIN amounts carried from earlier dates are filled by the runtime;
 * the rest are written by dealc_period.
 *   Interest: INTEREST_PAID is all the interest the class received,
 *     UNPAID_PAID the part of it that paid interest left unpaid on earlier
 *     dates (so INTEREST_SHORTFALL = INTEREST_DUE - (INTEREST_PAID -
 *     UNPAID_PAID)), and UNPAID_END = UNPAID_BEGIN - UNPAID_PAID +
 *     INTEREST_SHORTFALL is carried to the next date.
 *   Balance: END_BALANCE = BEGIN_BALANCE - PRINCIPAL_PAID - WRITEDOWN + DRAWN
 *     (DRAWN only for a class that may grow: a variable pay note).
 *   Realized losses: WRITEDOWN is this date's allocation; LOSS_END =
 *     LOSS_BEGIN + WRITEDOWN - LOSS_PAID ("Unpaid Realized Loss Amount").
 *   Basis risk (a capped coupon): BASIS_DUE is what the cap withheld this
 *     date plus interest on BASIS_BEGIN; BASIS_END = BASIS_BEGIN +
 *     BASIS_DUE - BASIS_PAID.                                                */
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
    X(UNPAID_END,         "ending_unpaid_interest")                          \
    X(DRAWN,              "drawn")                                           \
    X(WRITEDOWN,          "realized_loss")                                   \
    X(LOSS_BEGIN,         "unpaid_realized_loss")                            \
    X(LOSS_PAID,          "realized_loss_paid")                              \
    X(LOSS_END,           "ending_unpaid_realized_loss")                     \
    X(BASIS_BEGIN,        "basis_risk_carry_forward")                        \
    X(BASIS_DUE,          "basis_risk_shortfall")                            \
    X(BASIS_PAID,         "basis_risk_paid")                                 \
    X(BASIS_END,          "ending_basis_risk_carry_forward")

/* Per cash holder: a fund (cash for this date only: what it does not pay
 * out is left in it) or an account (a balance kept from one payment date to
 * the next). Written by dealc_period except BEGIN (the runtime: an account's
 * balance carried in, 0 for a fund). DEPOSIT is what came in from outside
 * the priority of payments (a fund's formula; an account's interest
 * earned); clauses move cash between holders and to payees; REMAINING is
 * what is left (an account's ending balance).                              */
#define RT_FUND_FIELDS(X)                                                     \
    X(BEGIN,     "beginning_balance")                                        \
    X(DEPOSIT,   "deposit")                                                  \
    X(REMAINING, "remaining")

/* Per party (fee recipients, the residual holder, insurers): what it was
 * paid; for an insurer, what was drawn on it, what it was reimbursed, and
 * its unreimbursed draws carried in and out (UNREIMB_END = UNREIMB_BEGIN +
 * DRAWN - REIMBURSED; PAID includes REIMBURSED).                            */
#define RT_PARTY_FIELDS(X)                                                    \
    X(PAID,          "paid")                                                 \
    X(DRAWN,         "drawn")                                                \
    X(REIMBURSED,    "reimbursed")                                           \
    X(UNREIMB_BEGIN, "unreimbursed_draws")                                   \
    X(UNREIMB_END,   "ending_unreimbursed_draws")

/* Per clause of the priority of payments, written by dealc_period: the
 * holder's balance when the clause ran, what it paid (or, for a draw, what
 * it brought in), and what it could not pay.                                */
#define RT_CLAUSE_FIELDS(X)                                                   \
    X(AVAILABLE, "available")                                                \
    X(PAID,      "paid")                                                     \
    X(SHORTFALL, "shortfall")

/* Per remembered condition: a trigger (a condition, 0 or RT_SCALE) or a
 * date (a day number times RT_SCALE; RT_DATE_NEVER while it has not
 * occurred). PRIOR is carried in by the runtime; dealc_period writes VALUE
 * (this date's) and CARRY (what the next date starts from: a trigger's
 * value, or the date its condition first held, 0 if not yet).             */
#define RT_MEMORY_FIELDS(X)                                                   \
    X(PRIOR, "prior")                                                        \
    X(VALUE, "value")                                                        \
    X(CARRY, "carry")

/* Per loss allocation ("allocation of losses" in the deal): the collateral
 * the classes are measured against, the excess of their balances after
 * payments over it, and what was written down (the excess, or all the
 * classes had). Written by dealc_period; the runtime checks each class's
 * WRITEDOWN against them.                                                   */
#define RT_ALLOC_FIELDS(X)                                                    \
    X(COLLATERAL, "collateral")                                              \
    X(EXCESS,     "excess")                                                  \
    X(WRITTEN,    "written_down")

/* A date that has not occurred: after any payment date (9999-12-31). */
#define RT_DATE_NEVER 2932896

#define RT_ENUM_G(n, s) RT_G_##n,
#define RT_ENUM_GR(n, s) RT_GR_##n,
#define RT_ENUM_C(n, s) RT_C_##n,
#define RT_ENUM_F(n, s) RT_F_##n,
#define RT_ENUM_P(n, s) RT_P_##n,
#define RT_ENUM_K(n, s) RT_K_##n,
#define RT_ENUM_M(n, s) RT_M_##n,
#define RT_ENUM_A(n, s) RT_A_##n,
#define RT_COUNT_1(n, s) +1
enum { RT_GLOBAL_FIELDS(RT_ENUM_G) RT_G_COUNT };
enum { RT_GROUP_FIELDS(RT_ENUM_GR) RT_GR_COUNT };
enum { RT_GR_REPORTED_COUNT = 0 RT_GROUP_REPORTED(RT_COUNT_1) };
enum { RT_CLASS_FIELDS(RT_ENUM_C) RT_C_COUNT };
enum { RT_FUND_FIELDS(RT_ENUM_F) RT_F_COUNT };
enum { RT_PARTY_FIELDS(RT_ENUM_P) RT_P_COUNT };
enum { RT_CLAUSE_FIELDS(RT_ENUM_K) RT_K_COUNT };
enum { RT_MEMORY_FIELDS(RT_ENUM_M) RT_M_COUNT };
enum { RT_ALLOC_FIELDS(RT_ENUM_A) RT_A_COUNT };
#undef RT_ENUM_G
#undef RT_ENUM_GR
#undef RT_ENUM_C
#undef RT_ENUM_F
#undef RT_ENUM_P
#undef RT_ENUM_K
#undef RT_ENUM_M
#undef RT_ENUM_A
#undef RT_COUNT_1

typedef struct rt_layout {
    int32_t ngroups, nclasses, ninputs, ndefs, nlines, nfunds, nparties, nclauses, nmemory, nallocs;
    /* computed by rt_layout_compute: */
    int32_t group_base, class_base, input_base, def_base, line_base;
    int32_t fund_base, party_base, clause_base, memory_base, alloc_base, total;
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
    l->memory_base = l->clause_base + l->nclauses * RT_K_COUNT;
    l->alloc_base  = l->memory_base + l->nmemory * RT_M_COUNT;
    l->total       = l->alloc_base + l->nallocs * RT_A_COUNT;
}

#define RT_SLOT_GROUP(l, g, f)  ((l)->group_base + (g) * RT_GR_COUNT + (f))
#define RT_SLOT_CLASS(l, c, f)  ((l)->class_base + (c) * RT_C_COUNT + (f))
#define RT_SLOT_INPUT(l, i)     ((l)->input_base + (i))
#define RT_SLOT_DEF(l, i)       ((l)->def_base + (i))
#define RT_SLOT_LINE(l, i)      ((l)->line_base + (i))
#define RT_SLOT_FUND(l, i, f)   ((l)->fund_base + (i) * RT_F_COUNT + (f))
#define RT_SLOT_PARTY(l, i, f)  ((l)->party_base + (i) * RT_P_COUNT + (f))
#define RT_SLOT_CLAUSE(l, i, f) ((l)->clause_base + (i) * RT_K_COUNT + (f))
#define RT_SLOT_MEMORY(l, i, f) ((l)->memory_base + (i) * RT_M_COUNT + (f))
#define RT_SLOT_ALLOC(l, i, f)  ((l)->alloc_base + (i) * RT_A_COUNT + (f))

/* What a clause does with cash, registered by rt_clause_flow so the
 * runtime can check every movement independently of the generated code.
 * "Out" flows take cash from the clause's holder (its priority of
 * payments' fund or account); "draw" flows bring cash into it.            */
typedef enum rt_flow {
    RT_FLOW_CLASSES = 0,  /* to classes (interest, principal, carried amounts) */
    RT_FLOW_PARTY,        /* to a party (target: party)                       */
    RT_FLOW_HOLDER,       /* to another fund or account (target: holder)      */
    RT_FLOW_PURCHASE,     /* for additional balances of a group (target: group) */
    RT_FLOW_REIMBURSE,    /* to an insurer, against its draws (target: party) */
    RT_FLOW_DRAW_HOLDER,  /* draw: from an account (target: holder)           */
    RT_FLOW_DRAW_CLASS,   /* draw: on a variable pay class (target: class)    */
    RT_FLOW_DRAW_PARTY    /* draw: on an insurer (target: party)              */
} rt_flow;

typedef enum rt_memory_kind {
    RT_MEM_TRIGGER = 0,   /* evaluated afresh each payment date               */
    RT_MEM_STICKY,        /* a trigger that, once in effect, remains in effect */
    RT_MEM_DATE           /* a date that occurs when a condition first holds  */
} rt_memory_kind;

/* ---- opaque runtime objects --------------------------------------------- */

typedef struct rt_deal rt_deal; /* the deal's metadata, built by dealc_describe */
typedef struct rt_run rt_run;   /* one run: error state, current period        */

typedef void    (*rt_describe_fn)(rt_deal *d);
typedef int32_t (*rt_period_fn)(rt_dec *slot, rt_run *run);

/* ---- the functions generated code may call -------------------------------
 * The one table of the ABI: X(RET, name, PARAM...), each type a token from
 * RT_ABI_TYPES below. From it come the C prototypes (right here), the LLVM
 * function types codegen declares (compiler/codegen.c, declare_runtime) and
 * the JIT's bindings by address (compiler/jit.c); tests/unit/test_codegen.c
 * checks a compiled module's declarations against it. A definition in the
 * runtime that disagrees with its prototype here does not compile.
 *
 * describe: called once, in this order: name, dates, then any adds. Indexes
 * returned by rt_add_* are dense from 0, in call order.
 *   rt_deal_dates: day numbers since 1970-01-01; payment_day 1..31; bdc: rt_bdc
 *   rt_add_class: name, original in cents, kind: rt_class_kind, daycount: rt_daycount
 *   rt_add_party: name, role: RT_PARTY_*
 *   rt_add_input, rt_add_def, rt_add_line: name (label), unit: rt_unit
 *   rt_add_fund: name, is_account: a fund (0) or an account (1), one table
 *   rt_add_clause: the full section label ("3.05(a)(ii)"), its fund, the
 *     payee text for messages; rt_clause_flow(clause, flow, target): what it
 *     does with cash (an rt_flow) and the party, holder, group or class it
 *     names (-1 for RT_FLOW_CLASSES)
 *   rt_set_class_maximum(class, cents): a class that may grow to this
 *   rt_add_memory: a trigger or date, kind: rt_memory_kind
 *   rt_add_alloc(label), rt_alloc_class(alloc, class): a loss allocation
 *     and the classes it writes down, each registered once
 *   rt_add_site(what, line, col): a source position named in runtime errors
 *   rt_add_collateral(group): a collateral line; rt_set_collateral(line,
 *     field RT_L_*, value): the 128-bit value last so every argument is in a
 *     register
 *   rt_deal_setting(key RT_SET_*, group or index (-1: deal-wide), value)
 *   rt_def_info(def, formula, text, amended_by, effective): for `explain`,
 *     a definition's canonical formula, its legal text ("" none), the
 *     amendment that last changed it ("" none) and its effective date (day
 *     number, 0 none); rt_def_use(def, label, slot, unit, def_ref): each
 *     figure it uses, the slot it is read from, and the definition it is
 *     (-1: not one). An amended definition has a version from each
 *     effective date: one rt_def_info each, oldest first; the uses
 *     registered after an rt_def_info are that version's.
 *   rt_clause_doc(clause, label, formula, text, amended_by, from, to): for
 *     `explain`, a clause as the agreement prints it: its label without the
 *     version ("4.02(d)(xiii)"), formula, words ("" none), the amendment
 *     that inserted or replaced it ("" none), and the payment dates it is
 *     in force, [from, to) (day numbers; 0 leaves that end open)
 *   rt_add_note(what RT_NOTE_*, index, note): a note on the latest version
 *     of a definition or on a clause ("reconstructed: why")
 *   rt_set_build(version, sources): the dealc version that compiled the
 *     deal and the hash of the agreement and amendment files (rt_hash.h's
 *     rt_fnv_sources, 16 hex digits), for BIN --version
 * period: arithmetic never aborts; on error it records the first one in the
 * run (with the site, an rt_add_site index or -1) and returns 0.
 *   rt_dec_round_cents: half away from zero, to whole cents ("half-up")
 *   rt_dec_interest(run, basis, site, balance, rate, days): balance * rate
 *     * days / basis, rounded once half-up to whole cents. The 32-bit
 *     arguments come first on purpose: with run, basis and site in
 *     registers, the 128-bit values never straddle the last register and
 *     the stack, where compilers have disagreed about the x86-64 ABI (the
 *     same holds for rt_fail's).
 *   rt_alloc_pro_rata(amount, n, weight, out): split amount (whole cents,
 *     0 <= amount <= sum weight) over n recipients in proportion to
 *     weight[i] (whole cents, >= 0): out[i] <= weight[i], the shares sum to
 *     amount; each floored to the cent, the cents left over one each by
 *     largest remainder, ties to the earlier index
 *   rt_fail(run, what RT_FAIL_*, clause/class/fund index, a, b): a figure the
 *     deal cannot pay or use: records the run's error, returns 0            */
enum { RT_NOTE_DEF = 0, RT_NOTE_CLAUSE = 1 };

#define RT_ABI_FUNCS(X)                                                       \
    X(void, rt_deal_name, deal, str)                                         \
    X(void, rt_deal_dates, deal, i32, i32, i32, i32)                         \
    X(i32, rt_add_group, deal, str)                                          \
    X(i32, rt_add_class, deal, str, i64, i32, i32)                           \
    X(i32, rt_add_party, deal, str, i32)                                     \
    X(i32, rt_add_input, deal, str, i32)                                     \
    X(i32, rt_add_def, deal, str, i32)                                       \
    X(i32, rt_add_line, deal, str, i32)                                      \
    X(i32, rt_add_fund, deal, str, i32)                                      \
    X(i32, rt_add_clause, deal, str, i32, str)                               \
    X(i32, rt_add_site, deal, str, i32, i32)                                 \
    X(void, rt_set_source, deal, str)                                        \
    X(void, rt_set_build, deal, str, str)                                    \
    X(i32, rt_add_collateral, deal, i32)                                     \
    X(void, rt_set_collateral, deal, i32, i32, dec)                          \
    X(void, rt_deal_setting, deal, i32, i32, dec)                            \
    X(void, rt_def_info, deal, i32, str, str, str, i32)                      \
    X(void, rt_def_use, deal, i32, str, i32, i32, i32)                       \
    X(void, rt_clause_doc, deal, i32, str, str, str, str, i32, i32)          \
    X(void, rt_add_note, deal, i32, i32, str)                                \
    X(void, rt_clause_flow, deal, i32, i32, i32)                             \
    X(void, rt_set_class_maximum, deal, i32, i64)                            \
    X(i32, rt_add_memory, deal, str, i32)                                    \
    X(i32, rt_add_alloc, deal, str)                                          \
    X(void, rt_alloc_class, deal, i32, i32)                                  \
    X(dec, rt_dec_mul, run, dec, dec, i32)                                   \
    X(dec, rt_dec_div, run, dec, dec, i32)                                   \
    X(dec, rt_dec_round_cents, dec)                                          \
    X(dec, rt_dec_interest, run, i32, i32, dec, dec, dec)                    \
    X(void, rt_alloc_pro_rata, dec, i32, decs_in, decs_out)                  \
    X(i32, rt_fail, run, i32, i32, dec, dec)

/* The ABI's types: token -> C type. Codegen maps the same tokens to LLVM
 * types (pointers are "ptr", i32/i64 integers, dec i128, void void). */
#define RT_ABI_C_void     void
#define RT_ABI_C_i32      int32_t
#define RT_ABI_C_i64      int64_t
#define RT_ABI_C_dec      rt_dec
#define RT_ABI_C_str      const char *
#define RT_ABI_C_deal     rt_deal *
#define RT_ABI_C_run      rt_run *
#define RT_ABI_C_decs_in  const rt_dec *
#define RT_ABI_C_decs_out rt_dec *

/* Applying a macro to each of up to seven tokens, comma-separated. */
#define RT_ABI_NARGS_(a, b, c, d, e, f, g, h, n, ...) n
#define RT_ABI_NARGS(...) RT_ABI_NARGS_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define RT_ABI_CAT_(a, b) a##b
#define RT_ABI_CAT(a, b) RT_ABI_CAT_(a, b)
#define RT_ABI_MAP_1(M, a) M(a)
#define RT_ABI_MAP_2(M, a, ...) M(a), RT_ABI_MAP_1(M, __VA_ARGS__)
#define RT_ABI_MAP_3(M, a, ...) M(a), RT_ABI_MAP_2(M, __VA_ARGS__)
#define RT_ABI_MAP_4(M, a, ...) M(a), RT_ABI_MAP_3(M, __VA_ARGS__)
#define RT_ABI_MAP_5(M, a, ...) M(a), RT_ABI_MAP_4(M, __VA_ARGS__)
#define RT_ABI_MAP_6(M, a, ...) M(a), RT_ABI_MAP_5(M, __VA_ARGS__)
#define RT_ABI_MAP_7(M, a, ...) M(a), RT_ABI_MAP_6(M, __VA_ARGS__)
#define RT_ABI_MAP_8(M, a, ...) M(a), RT_ABI_MAP_7(M, __VA_ARGS__)
#define RT_ABI_MAP(M, ...) RT_ABI_CAT(RT_ABI_MAP_, RT_ABI_NARGS(__VA_ARGS__))(M, __VA_ARGS__)
#define RT_ABI_CTYPE(t) RT_ABI_C_##t

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
    X(LIFE_FLOOR,      "life_floor")       /* lowest gross rate               */ \
    X(CREDIT_LIMIT,    "credit_limit")     /* a revolving line's limit (money), 0: closed-end */ \
    X(DRAW_TERM,       "draw_term")        /* month of age its draw period ends, 0: its term */
#define RT_ENUM_L(n, s) RT_L_##n,
enum { RT_COLLATERAL_FIELDS(RT_ENUM_L) RT_L_COUNT };
#undef RT_ENUM_L

/* Deal-wide settings (rt_deal_setting keys); group is -1 unless stated. */
#define RT_SETTINGS(X)                                                        \
    X(CUTOFF_DATE,        "cutoff_date")        /* day number               */ \
    X(CLEANUP_CALL,       "cleanup_call")       /* fraction of the cut-off pool balance below which the deal may be called */ \
    X(CUTOFF_BALANCE,     "cutoff_balance")     /* per group: its balance at cut-off (money) */ \
    X(INITIAL_BALANCE,    "initial_balance")    /* per account (group = holder index): its balance at closing */ \
    X(CLASS_CAPPED,       "class_capped")       /* per class (group = class index): its coupon has a cap, RT_SCALE */ \
    X(RETIRED_COUPON_ZERO, "retired_coupon_zero") /* a class with nothing outstanding shows a 0% coupon */ \
    X(PAYMENT_DELAY,      "payment_delay")      /* per class (the group argument is the class):  \
                                                   days from the start of its payment month to the \
                                                   payment, its interest accruing over the month \
                                                   before; analytics only (a number) */
#define RT_ENUM_S(n, s) RT_SET_##n,
enum { RT_SETTINGS(RT_ENUM_S) RT_SET_COUNT };
#undef RT_ENUM_S

/* the prototypes, from the table. RT_ABI_EXPORT: libdealrt.so is built
 * with hidden visibility and exports these (and the public API in
 * include/dealc/dealc.h) alone: a deal built with `dealc build --shared`
 * calls them in the libdealrt.so its host program has loaded. */
#if defined(__GNUC__) || defined(__clang__)
#define RT_ABI_EXPORT __attribute__((visibility("default")))
#else
#define RT_ABI_EXPORT
#endif
#define RT_ABI_PROTO(ret, name, ...) RT_ABI_EXPORT RT_ABI_C_##ret name(RT_ABI_MAP(RT_ABI_CTYPE, __VA_ARGS__));
RT_ABI_FUNCS(RT_ABI_PROTO)
#undef RT_ABI_PROTO

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
